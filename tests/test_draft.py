"""The draft stage on labelled conversations: placement, no interviewer words, traceability.

The conversations in tests/data/conversations/ carry the true section of every participant
line; these tests hold the draft stage to the targets of issue 4 (bench/drafts.py reports the
same figures in full).
"""

import re
from pathlib import Path

import pytest

from goodwork_pipeline.drafting.draft import beeld_json, build_draft, speaker_role, utterances
from goodwork_pipeline.drafting.guide import load_guide
from goodwork_pipeline.drafting.placement import match_question
from goodwork_pipeline.errors import DraftError
from goodwork_pipeline.models import Segment, Sidecar, Transcript, Word
from goodwork_pipeline.settings import bundled_templates_dir
from goodwork_pipeline.testing.conversations import Conversation, load_conversations
from goodwork_pipeline.text_nl import words

DATA = Path(__file__).parent / "data" / "conversations"
CONVERSATIONS = load_conversations(DATA)
GUIDE = load_guide(bundled_templates_dir())
FILLER_RE = re.compile(r"\b(eh|ehm|euh|uh|uhm|hmm?|nou ja|zeg maar|weet je wel|snap je)\b", re.I)


def by_id(conversation: Conversation) -> str:
    return conversation.id


def test_there_are_enough_labelled_conversations() -> None:
    assert len(CONVERSATIONS) >= 6
    roles = " ".join(c.role for c in CONVERSATIONS)
    for role in ("student", "teammanager", "coach", "programmamanager"):
        assert role in roles
    features = " ".join(f for c in CONVERSATIONS for f in c.features)
    for feature in ("follow-up", "digression", "skipped", "interruption"):
        assert feature in features


def placement_accuracy(conversation: Conversation) -> float:
    draft = build_draft(conversation.transcript(), conversation.sidecar, GUIDE)
    truth = conversation.truth()
    right = sum(truth[p.utterance.segment_ids[0]] == p.section for p in draft.placements)
    return right / len(draft.placements)


def test_placement_accuracy_over_all_conversations() -> None:
    scores = [placement_accuracy(c) for c in CONVERSATIONS]
    assert sum(scores) / len(scores) >= 0.9, scores


@pytest.mark.parametrize("conversation", CONVERSATIONS, ids=by_id)
def test_placement_per_conversation(conversation: Conversation) -> None:
    assert placement_accuracy(conversation) >= 0.85


@pytest.mark.parametrize("conversation", CONVERSATIONS, ids=by_id)
def test_no_interviewer_text_in_any_beeld(conversation: Conversation) -> None:
    draft = build_draft(conversation.transcript(), conversation.sidecar, GUIDE)
    interviewer = {i for i, line in enumerate(conversation.lines) if line.role == "interviewer"}
    text = " ".join(words(draft.beeld.canonical_text()))
    for section in draft.beeld.sections:
        for sentence in section.sentences:
            assert not set(sentence.segment_ids) & interviewer, sentence
    for index in interviewer:
        question = " ".join(words(conversation.lines[index].text))
        if len(question.split()) >= 4:
            assert question not in text, question


@pytest.mark.parametrize("conversation", CONVERSATIONS, ids=by_id)
def test_every_sentence_has_a_source_span(conversation: Conversation) -> None:
    transcript = conversation.transcript()
    draft = build_draft(transcript, conversation.sidecar, GUIDE)
    segments = {s.id: s for s in transcript.segments}
    for section in draft.beeld.sections:
        for sentence in section.sentences:
            assert sentence.start is not None and sentence.end is not None
            assert sentence.segment_ids and sentence.start <= sentence.end
            source = [segments[i] for i in sentence.segment_ids]
            assert source[0].start <= sentence.start and sentence.end <= source[-1].end
            # the sentence's words were said, in this order, in those segments
            spoken = iter(words(" ".join(s.text for s in source)))
            assert all(word in spoken for word in words(sentence.text)), sentence
    quote_source = [s for sec in draft.beeld.sections for s in sec.sentences]
    assert any(draft.beeld.quote == s.text for s in quote_source)
    for title in draft.beeld.title_suggestions:
        assert any(title.lower() in s.text.lower() for s in quote_source), title


@pytest.mark.parametrize("conversation", CONVERSATIONS, ids=by_id)
def test_the_beeld_is_clean_and_within_budget(conversation: Conversation) -> None:
    draft = build_draft(conversation.transcript(), conversation.sidecar, GUIDE)
    text = draft.beeld.canonical_text()
    assert not FILLER_RE.search(text), FILLER_RE.search(text)
    assert draft.words <= GUIDE.max_words
    spoken = sum(len(line.text.split()) for line in conversation.lines if line.section)
    # short conversations: all that was worth keeping; long ones: at least the minimum
    assert draft.words >= min(GUIDE.min_words, 0.7 * spoken)
    for section in draft.beeld.sections:
        budget = GUIDE.section(section.key).words
        assert len(section.text.split()) <= 1.5 * budget + 40
        for sentence in section.sentences:
            assert sentence.text[0].isupper() and sentence.text[-1] in ".!?"
    assert 8 <= len(draft.beeld.quote.split()) <= 30
    assert 2 <= len(draft.beeld.title_suggestions) <= 3
    assert draft.beeld.title == draft.beeld.title_suggestions[0]


def test_a_section_never_asked_about_stays_empty_with_a_note() -> None:
    fatima = next(c for c in CONVERSATIONS if c.id == "leercoach-fatima")
    draft = build_draft(fatima.transcript(), fatima.sidecar, GUIDE)
    assert draft.empty_sections == ("afweging",)
    data = beeld_json(draft, draft.beeld)
    [afweging] = [s for s in data["sections"] if s["key"] == "afweging"]
    assert afweging["sentences"] == [] and afweging["note"] == GUIDE.empty_note


def test_small_talk_is_left_out_and_recorded() -> None:
    noor = next(c for c in CONVERSATIONS if c.id == "student-noor")
    draft = build_draft(noor.transcript(), noor.sidecar, GUIDE)
    left_out = [u.text for u, _why in draft.dropped]
    assert "Ja hoor, eh, ik kwam met de bus, dat ging prima." in left_out
    assert "Graag gedaan, ik vond het eigenlijk best leuk." in left_out
    assert "bus" not in draft.beeld.canonical_text()


@pytest.mark.parametrize(
    ("question", "current", "section", "kind"),
    [
        ("Goedemiddag. Wie ben je en wat voor werk doe je?", None, "wie", "section"),
        ("En toen?", "puzzel", "puzzel", "follow-up"),
        ("Kun je daar meer over vertellen?", "deed", "deed", "follow-up"),
        ("En wat gebeurde er daarna?", "deed", "deed", "follow-up"),
        ("Mooi. En wat heb je toen gedaan?", "puzzel", "deed", "section"),
        ("Dus je twijfelde. Wat vond je daarin belangrijk?", "afweging", "belangrijk", "section"),
        ("Mm.", "deed", "deed", "none"),
        ("Heb je het een beetje kunnen vinden?", None, None, "none"),
        ("Dank je wel voor het gesprek!", "goed-werk", None, "closing"),
        ("Kun je een voorbeeld geven van een dilemma in je werk?", "wie", "puzzel", "section"),
    ],
)
def test_questions_are_matched_loosely(
    question: str, current: str | None, section: str | None, kind: str
) -> None:
    match = match_question(question, GUIDE, current)
    assert (match.section, match.kind) == (section, kind)


def test_answer_cue_moves_a_sentence_forward_only() -> None:
    lines = [
        ("interviewer", "Wat heb je toen gedaan?"),
        ("participant", "Ik heb met de dochter gepraat."),
        ("participant", "Goed werk is dat je echt luistert naar wat iemand wil."),
        ("interviewer", "Wat is voor jou goed werk?"),
        ("participant", "Wat ik belangrijk vind is rust op de afdeling voor iedereen."),
    ]
    transcript = Transcript(
        tuple(Segment(i, i * 5.0, i * 5.0 + 4, t, s) for i, (s, t) in enumerate(lines)),
        "nl",
        30.0,
        "test",
        "test",
    )
    draft = build_draft(transcript, Sidecar(), GUIDE)
    placed = {p.utterance.text: p.section for p in draft.placements}
    assert placed["Goed werk is dat je echt luistert naar wat iemand wil."] == "goed-werk"
    assert placed["Ik heb met de dochter gepraat."] == "deed"
    # 'belangrijk' comes before 'goed-werk': an answer cue never moves a sentence back
    assert placed["Wat ik belangrijk vind is rust op de afdeling voor iedereen."] == "goed-werk"


# Speaker names, as in a .vtt from a meeting tool --------------------------------------------


def read_vtt(text: str) -> Transcript:
    """A small WebVTT reader for tests: cues with <v Name> voice tags."""
    segments = []
    for block in text.strip().split("\n\n")[1:]:
        lines = block.strip().splitlines()
        timing = next(line for line in lines if "-->" in line)
        start, end = (seconds(part.strip()) for part in timing.split("-->"))
        body = " ".join(lines[lines.index(timing) + 1 :])
        match = re.match(r"<v ([^>]+)>(.*)", body)
        speaker, said = (match.group(1), match.group(2)) if match else (None, body)
        segments.append(Segment(len(segments), start, end, said.strip(), speaker))
    return Transcript(tuple(segments), "nl", segments[-1].end, "vtt", "test")


def seconds(stamp: str) -> float:
    h, m, s = stamp.split(":") if stamp.count(":") == 2 else ("0", *stamp.split(":"))
    return int(h) * 3600 + int(m) * 60 + float(s)


def as_vtt(conversation: Conversation) -> str:
    transcript = conversation.transcript(names=True)
    blocks = ["WEBVTT"]
    for segment in transcript.segments:
        blocks.append(
            f"{stamp(segment.start)} --> {stamp(segment.end)}\n<v {segment.speaker}>{segment.text}"
        )
    return "\n\n".join(blocks) + "\n"


def stamp(value: float) -> str:
    minutes, secs = divmod(value, 60)
    return f"00:{int(minutes):02d}:{secs:06.3f}"


@pytest.mark.parametrize("conversation", CONVERSATIONS[:3], ids=by_id)
def test_a_vtt_with_speaker_names_drafts_like_roles(conversation: Conversation) -> None:
    transcript = read_vtt(as_vtt(conversation))
    assert {s.speaker for s in transcript.segments} == {
        conversation.participant.split()[0],
        conversation.interviewer,
    }
    named = build_draft(transcript, conversation.sidecar, GUIDE)
    roles = build_draft(conversation.transcript(), conversation.sidecar, GUIDE)
    assert named.beeld.canonical_text() == roles.beeld.canonical_text()
    # without a sidecar, the speaker who asks the questions is taken to be the interviewer
    unnamed = build_draft(transcript, Sidecar(), GUIDE)
    assert unnamed.beeld.canonical_text() == roles.beeld.canonical_text()


def test_speaker_role_maps_names_channels_and_roles() -> None:
    sidecar = Sidecar(
        participant="Anna de Vries", interviewer="Sam", speakers={"left": "interviewer"}
    )
    assert speaker_role("left", sidecar) == "interviewer"
    assert speaker_role("Sam", sidecar) == "interviewer"
    assert speaker_role("Anna de Vries", sidecar) == "participant"
    assert speaker_role("Anna", sidecar) == "participant"
    assert speaker_role("participant", Sidecar()) == "participant"
    assert speaker_role("Kim", sidecar) is None
    assert speaker_role(None, sidecar) is None


def test_a_third_speaker_is_never_the_participant() -> None:
    segments = (
        Segment(0, 0, 3, "Wie ben je en wat voor werk doe je?", "Sam"),
        Segment(1, 3, 8, "Ik ben Anna en ik werk als teammanager in de ouderenzorg.", "Anna"),
        Segment(2, 8, 12, "Ik ben de collega van Anna en ik wil ook iets zeggen.", "Kim"),
    )
    sidecar = Sidecar(participant="Anna", interviewer="Sam")
    spoken = utterances(segments, sidecar)
    assert [u.role for u in spoken] == ["interviewer", "participant"]


def test_unlabelled_speech_takes_questions_for_the_interviewer() -> None:
    segments = (
        Segment(0, 0, 6, "Wie ben je en wat voor werk doe je? Ik ben Anna, teammanager."),
        Segment(1, 6, 9, "Wat heb je toen gedaan? Ik ben met de dochter gaan praten."),
    )
    transcript = Transcript(segments, "nl", 9.0, "test", "test")
    draft = build_draft(transcript, Sidecar(), GUIDE)
    assert "?" not in draft.beeld.canonical_text().split("## Citaat")[0]
    assert draft.beeld.sections[2].text == "Ik ben met de dochter gaan praten."


def test_a_sentence_across_segments_keeps_both_and_word_times() -> None:
    segments = (
        Segment(0, 0.0, 2.0, "Wat heb je toen gedaan?", "interviewer"),
        Segment(
            1,
            2.5,
            5.0,
            "Ik ben met de dochter",
            "participant",
            words=tuple(
                Word(2.5 + i * 0.5, 2.9 + i * 0.5, w)
                for i, w in enumerate(["Ik", "ben", "met", "de", "dochter"])
            ),
        ),
        Segment(2, 5.2, 7.0, "gaan praten. Dat hielp.", "participant"),
    )
    draft = build_draft(Transcript(segments, "nl", 7.0, "t", "t"), Sidecar(), GUIDE)
    [first, *_] = draft.beeld.sections[2].sentences
    assert first.text == "Ik ben met de dochter gaan praten."
    assert first.segment_ids == (1, 2) and first.start == 2.5 and first.end == 7.0


def test_no_participant_speech_is_a_clear_error() -> None:
    segments = (Segment(0, 0, 3, "Wie ben je?", "interviewer"),)
    with pytest.raises(DraftError) as caught:
        build_draft(Transcript(segments, "nl", 3.0, "t", "t"), Sidecar(), GUIDE)
    assert "speakers" in str(caught.value) and "deelnemer" in caught.value.nl


# Real speech ---------------------------------------------------------------------------------

SAMPLE_SECTIONS = ["wie", "puzzel", "deed", "afweging", "belangrijk", "goed-werk"]


@pytest.mark.slow
def test_real_whisper_on_spoken_conversation_drafts_under_the_right_sections(
    tmp_path: Path, model_cache: Path
) -> None:
    """espeak-ng speech -> the real transcription stage (Whisper and its own speaker
    labelling) -> draft. Two microphones, one per person: the mono sample's two voices differ
    only in pitch, which the voice model rightly hears as one voice (speakers unknown; see
    test_transcription_real.py), and mono separation is measured on real voices in
    bench/SPEAKERS.md."""
    from helpers import require_tool

    from goodwork_pipeline.settings import load_settings
    from goodwork_pipeline.testing.conversations import line_at
    from goodwork_pipeline.testing.samples import SAMPLE_CONVERSATION, synthesize
    from goodwork_pipeline.transcription.stage import Transcription

    require_tool("espeak-ng")
    path = tmp_path / "twee-microfoons.wav"
    turns = synthesize(SAMPLE_CONVERSATION, path, stereo=True)
    settings = load_settings(Path.cwd(), environ={}, model_cache=model_cache, threads=2)
    transcript = Transcription(settings).transcribe_file(path, sidecar=Sidecar())
    draft = build_draft(transcript, Sidecar(), GUIDE)
    truth = [t for t in turns if t.role == "participant"]
    right = 0
    for placement in draft.placements:
        source = transcript.segments[placement.utterance.segment_ids[0]]
        line = turns[line_at(turns, (source.start + source.end) / 2)]
        right += SAMPLE_SECTIONS[truth.index(line)] == placement.section
    # Whisper base mishears some of espeak's questions, so answers before the first recognised
    # question are set aside as small talk (bench/DRAFTS.md measures 69% placement on three full
    # spoken conversations). Here: at least half land right, where everything under one section
    # would score 2 of 11; and nothing the interviewer said or nobody said gets in.
    assert right / len(draft.placements) >= 0.5, [
        (p.section, p.utterance.text) for p in draft.placements
    ]
    segments = {s.id: s for s in transcript.segments}
    for section in draft.beeld.sections:
        for sentence in section.sentences:
            assert all(segments[i].speaker == "participant" for i in sentence.segment_ids)
            source = iter(words(" ".join(segments[i].text for i in sentence.segment_ids)))
            assert all(w in source for w in words(sentence.text))
            assert sentence.start is not None and sentence.start <= sentence.end
    assert sum(1 for s in draft.beeld.sections if s.sentences) >= 4


def test_no_recognised_question_keeps_every_word_under_the_first_section() -> None:
    segments = (
        Segment(0, 0, 3, "Hoi, fijn dat je er bent.", "interviewer"),
        Segment(
            1, 3, 9, "Ik werk als teammanager in de ouderenzorg, al twaalf jaar.", "participant"
        ),
    )
    draft = build_draft(Transcript(segments, "nl", 9.0, "t", "t"), Sidecar(), GUIDE)
    assert draft.no_question_recognised
    first, *rest = draft.beeld.sections
    assert first.text == "Ik werk als teammanager in de ouderenzorg, al twaalf jaar."
    assert not any(section.sentences for section in rest)
    assert "Hoi" not in draft.beeld.canonical_text()
