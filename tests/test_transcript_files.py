"""Transcript files: the four formats we write, and meeting transcripts people drop in."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from helpers import SCRIPT

from goodwork_pipeline.errors import TranscriptFileError
from goodwork_pipeline.intake.transcript_files import (
    format_timestamp,
    read_transcript,
    read_transcript_file,
    to_srt,
    to_text,
    to_vtt,
    write_transcript,
)
from goodwork_pipeline.models import Gap, Segment, State, Transcript, Word

NAMES = {"interviewer": "Sam Jansen", "participant": "Anna de Vries"}
SIDECAR = "interviewer: Sam Jansen\nparticipant: Anna de Vries\n"


def teams_vtt(lines: list[tuple[str, str]] = SCRIPT) -> str:
    """What Microsoft Teams writes: cue ids, <v Name> voice tags, sentences cut into cues."""
    blocks = ["WEBVTT", "", "NOTE Opname gesprek, gemaakt met Teams", ""]
    t = 1.0
    for number, (role, text) in enumerate(lines):
        words = text.split()
        halves = [words[: len(words) // 2], words[len(words) // 2 :]] if len(words) > 8 else [words]
        for part, half in enumerate(halves):
            start, end = t, t + 0.4 * len(half)
            blocks += [
                f"6f1c2a9e-58b1-4bc6-a1f4-{number:012d}/{part + 10}-0",
                f"{stamp(start)} --> {stamp(end)} align:start",
                f"<v {NAMES[role]}>{' '.join(half)}</v>",
                "",
            ]
            t = end + 0.3
    return "\n".join(blocks)


def stamp(seconds: float) -> str:
    return format_timestamp(seconds, style="vtt")


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# Reading ---------------------------------------------------------------------------------


def test_teams_vtt_keeps_speaker_names_and_whole_sentences(tmp_path: Path) -> None:
    path = write(tmp_path, "Teams-gesprek.vtt", teams_vtt())
    transcript = read_transcript_file(path)
    turns: list[tuple[str | None, str]] = []
    for segment in transcript.segments:  # a cue ending a sentence stays its own segment
        if turns and turns[-1][0] == segment.speaker:
            turns[-1] = (segment.speaker, f"{turns[-1][1]} {segment.text}")
        else:
            turns.append((segment.speaker, segment.text))
    assert turns == [(NAMES[role], text) for role, text in SCRIPT]
    assert not any(s.text.endswith(("en", "als")) for s in transcript.segments)  # joined
    assert transcript.segments[0].start == 1.0
    starts = [s.start for s in transcript.segments]
    assert starts == sorted(starts) and transcript.duration > 50
    assert transcript.engine == "transcript-file"


def test_zoom_vtt_and_srt_with_name_prefixes(tmp_path: Path) -> None:
    zoom = (
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\nSam Jansen: Wat heb je toen gedaan?\n\n"
        "2\n00:00:04.500 --> 00:00:09.000\nAnna de Vries: Ik ben met de dochter gaan praten.\n\n"
        "3\n00:00:09.500 --> 00:00:12.000\nSam Jansen: En toen?\n\n"
        "4\n00:00:12.500 --> 00:00:15.000\nAnna de Vries: Let op: dat &amp; meer.\n"
    )
    transcript = read_transcript_file(write(tmp_path, "zoom.vtt", zoom))
    assert [s.speaker for s in transcript.segments] == [
        "Sam Jansen",
        "Anna de Vries",
        "Sam Jansen",
        "Anna de Vries",
    ]
    assert transcript.segments[3].text == "Let op: dat & meer."  # 'Let op' is no speaker
    srt = zoom.replace("WEBVTT\n\n", "").replace(".000 -->", ",000 -->").replace(".500", ",500")
    srt = srt.replace(".000\n", ",000\n")
    again = read_transcript_file(write(tmp_path, "zoom.srt", srt))
    assert [s.text for s in again.segments] == [s.text for s in transcript.segments]
    assert [s.start for s in again.segments] == [1.0, 4.5, 9.5, 12.5]


def test_plain_text_turns_with_and_without_times(tmp_path: Path) -> None:
    plain = "Gesprek 12 maart\n\nSam: Wat heb je toen gedaan?\nAnna: Ik ben gaan praten.\n"
    plain += "Met de dochter.\nSam: Waarom?\nAnna: Omdat het moest.\n"
    transcript = read_transcript_file(write(tmp_path, "notities.txt", plain))
    assert [(s.speaker, s.text) for s in transcript.segments] == [
        ("Sam", "Wat heb je toen gedaan?"),
        ("Anna", "Ik ben gaan praten. Met de dochter."),
        ("Sam", "Waarom?"),
        ("Anna", "Omdat het moest."),
    ]
    assert [s.start for s in transcript.segments] == [0.0, 1.0, 2.0, 3.0]  # order, not time
    timed = "[00:00:05] Sam: Wat heb je gedaan?\n[00:00:09] Anna: Gepraat.\n"
    timed += "[00:01:10] Sam: En toen?\n[00:01:15] Anna: Toen niet meer.\n"
    segments = read_transcript_file(write(tmp_path, "tijden.txt", timed)).segments
    assert [(s.start, s.end) for s in segments] == [(5, 9), (9, 70), (70, 75), (75, 75)]
    otter = "Sam Jansen  0:03\nWat heb je gedaan?\n\nAnna de Vries  0:07\nGepraat, veel.\n"
    otter += "Tot 10:30\nzaten we samen.\nSam Jansen  0:15\nEn?\nAnna de Vries  0:16\nGoed.\n"
    segments = read_transcript_file(write(tmp_path, "otter.txt", otter)).segments
    assert [(s.speaker, s.start, s.text) for s in segments] == [
        ("Sam Jansen", 3.0, "Wat heb je gedaan?"),
        ("Anna de Vries", 7.0, "Gepraat, veel. Tot 10:30 zaten we samen."),
        ("Sam Jansen", 15.0, "En?"),
        ("Anna de Vries", 16.0, "Goed."),
    ]


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("leeg.vtt", b"", "is empty"),
        ("plaatje.vtt", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "not a text file"),
        ("ondertitels.vtt", b"1\n00:00:01,000 --> 00:00:02,000\nHoi\n", "WEBVTT"),
        ("boodschappen.txt", b"melk\nbrood\nkaas\n", "no speaker turns"),
        ("leeg.srt", b"1\n2\n3\n", "no SubRip cues"),
    ],
)
def test_unusable_transcripts_say_what_is_wrong(
    tmp_path: Path, name: str, content: bytes, problem: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(TranscriptFileError) as error:
        read_transcript_file(path)
    assert name in str(error.value) and problem in str(error.value)
    assert name in error.value.nl


# Writing ---------------------------------------------------------------------------------


def transcript_with_gap() -> Transcript:
    segments = (
        Segment(0, 0.5, 3.0, "Wat heb je gedaan?", "interviewer", (Word(0.5, 1.0, "Wat"),)),
        Segment(1, 3.5, 8.0, "Ik ben gaan praten.", "participant"),
        Segment(2, 12.0, 15.0, "Dat was goed.", "participant"),
    )
    gap = Gap(8.5, 11.5, "niet verstaan")
    return Transcript(segments, "nl", 16.0, "faster-whisper", "base", (gap,))


def test_gaps_appear_in_every_format_at_their_time(tmp_path: Path) -> None:
    transcript = transcript_with_gap()
    text = to_text(transcript)
    assert text.index("Ik ben gaan praten.") < text.index("[niet verstaan]") < text.index("Dat")
    assert "\ninterviewer:\n" in "\n" + text and "\nparticipant:\n" in text
    srt = to_srt(transcript)
    assert "00:00:08,500 --> 00:00:11,500\n[niet verstaan]" in srt
    assert "participant: Ik ben gaan praten." in srt
    vtt = to_vtt(transcript)
    assert vtt.startswith("WEBVTT") and "<v interviewer>Wat heb je gedaan?" in vtt
    paths = write_transcript(transcript, tmp_path)
    assert read_transcript(paths["json"]) == transcript
    # our own .vtt reads back as a meeting transcript: same speakers and text
    back = read_transcript_file(paths["vtt"])
    assert [(s.speaker, s.text) for s in back.segments] == [
        (s.speaker, s.text) for s in transcript.segments
    ]


# Through the pipeline ---------------------------------------------------------------------


@pytest.mark.prefect
def test_a_teams_vtt_in_the_inbox_becomes_a_draft(pipeline, run_flow, scripted) -> None:
    inbox = pipeline.settings.inbox_dir
    (inbox / "Teams gesprek Anna.vtt").write_text(teams_vtt(), encoding="utf-8")
    (inbox / "Teams gesprek Anna.yaml").write_text(SIDECAR, encoding="utf-8")
    results = run_flow(pipeline)
    assert all(r.ok for r in results), results
    [story] = pipeline.store.stories()
    assert story.kind == "transcript" and story.state == State.DRAFTED
    assert scripted.calls == 0  # nothing was transcribed
    assert list(inbox.iterdir()) == []
    transcript = read_transcript(pipeline.workspace.story(story.id).transcript_json)
    assert transcript.segments[1].speaker == "Anna de Vries"
    draft = docx.Document(str(pipeline.draft_outbox_path(story.id, 1)))
    text = "\n".join(p.text for p in draft.paragraphs)
    assert "Ik werk als teammanager in de ouderenzorg" in text
    assert "Wat heb je toen gedaan?" not in text  # the interviewer's words are not the beeld
    assert run_flow(pipeline) == []  # nothing twice


@pytest.mark.prefect
def test_a_bad_transcript_stays_in_the_inbox_with_a_reason(pipeline, run_flow) -> None:
    path = pipeline.settings.inbox_dir / "aantekeningen.txt"
    path.write_text("Alleen wat losse aantekeningen zonder sprekers.\n", encoding="utf-8")
    [result] = run_flow(pipeline)
    assert not result.ok and "no speaker turns" in result.message
    assert "blijft in de inbox" in result.message_nl
    assert path.exists() and pipeline.store.stories() == []
