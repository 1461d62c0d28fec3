"""Transcript files: writing JSON, plain text, SRT and WebVTT; reading meeting transcripts.

Writing: ``write_transcript`` puts all four formats in a folder (JSON last, so its presence
means the set is complete). Passages that were not understood (``Gap``) appear in every
format at their place in time, so a reader sees where to listen again.

Reading: a transcript dropped in the inbox instead of a recording goes through the same
pipeline from the draft step on. ``read_transcript_file`` understands

- WebVTT from Teams (``<v Anna de Vries>text</v>``) or Zoom (``Anna de Vries: text``),
- SubRip ``.srt`` (optionally with ``Name: text``),
- plain text with ``Naam: tekst`` turns, optionally with a time (``[00:01:02] Naam: tekst``
  or ``00:01:02 Naam: tekst``), or with a speaker line followed by what they said (Teams and
  Otter exports: ``Anna de Vries  0:03`` then the text).

Speaker names are kept as written; ``draft.speaker_role`` maps them to interviewer and
participant through the sidecar (``speakers``, ``interviewer``, ``participant``).
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from goodwork_pipeline.errors import TranscriptFileError
from goodwork_pipeline.files import atomic_write_text
from goodwork_pipeline.models import Gap, Segment, Transcript

TRANSCRIPT_SUFFIXES = (".vtt", ".srt", ".txt")
MAX_TRANSCRIPT_BYTES = 20 * 1024 * 1024
FILE_ENGINE = "transcript-file"

# Writing --------------------------------------------------------------------------------


def write_transcript(transcript: Transcript, folder: Path) -> dict[str, Path]:
    """Write JSON, plain text, SRT and WebVTT versions; return them by format."""
    paths = {
        "json": folder / "transcript.json",
        "txt": folder / "transcript.txt",
        "srt": folder / "transcript.srt",
        "vtt": folder / "transcript.vtt",
    }
    atomic_write_text(paths["txt"], to_text(transcript))
    atomic_write_text(paths["srt"], to_srt(transcript))
    atomic_write_text(paths["vtt"], to_vtt(transcript))
    # JSON last: its presence means the whole set is complete.
    atomic_write_text(paths["json"], to_json(transcript))
    return paths


def read_transcript(path: Path) -> Transcript:
    return Transcript.from_json(json.loads(path.read_text(encoding="utf-8")))


def render(transcript: Transcript, fmt: str) -> str:
    """The transcript in one format: ``txt``, ``json``, ``srt`` or ``vtt``."""
    renderers = {"txt": to_text, "json": to_json, "srt": to_srt, "vtt": to_vtt}
    return renderers[fmt](transcript)


def to_json(transcript: Transcript) -> str:
    return json.dumps(transcript.to_json(), ensure_ascii=False, indent=1) + "\n"


def _timeline(transcript: Transcript) -> list[Segment | Gap]:
    """Segments and gaps in order of time (a gap sorts after a segment starting with it)."""
    items: list[Segment | Gap] = [*transcript.segments, *transcript.gaps]
    return sorted(items, key=lambda item: (item.start, isinstance(item, Gap)))


def gap_text(gap: Gap) -> str:
    return f"[{gap.reason}]"


def to_text(transcript: Transcript) -> str:
    """Speaker turns with a time stamp per segment; gaps marked where they are."""
    lines: list[str] = []
    speaker: str | None = None
    for item in _timeline(transcript):
        stamp = format_timestamp(item.start, style="short")
        if isinstance(item, Gap):
            end = format_timestamp(item.end, style="short")
            lines.append(f"[{stamp}-{end}] {gap_text(item)}")
            continue
        if item.speaker and item.speaker != speaker:
            speaker = item.speaker
            lines.append(f"\n{speaker}:")
        lines.append(f"[{stamp}] {item.text}")
    return "\n".join(lines).strip() + "\n"


def _cue_text(item: Segment | Gap, *, vtt: bool) -> str:
    if isinstance(item, Gap):
        return gap_text(item)
    if not item.speaker:
        return item.text
    return f"<v {item.speaker}>{item.text}" if vtt else f"{item.speaker}: {item.text}"


def to_srt(transcript: Transcript) -> str:
    blocks = []
    for number, item in enumerate(_timeline(transcript), start=1):
        blocks.append(
            f"{number}\n{format_timestamp(item.start, style='srt')} --> "
            f"{format_timestamp(item.end, style='srt')}\n{_cue_text(item, vtt=False)}\n"
        )
    return "\n".join(blocks)


def to_vtt(transcript: Transcript) -> str:
    blocks = ["WEBVTT\n"]
    for item in _timeline(transcript):
        blocks.append(
            f"{format_timestamp(item.start, style='vtt')} --> "
            f"{format_timestamp(item.end, style='vtt')}\n{_cue_text(item, vtt=True)}\n"
        )
    return "\n".join(blocks)


def format_timestamp(seconds: float, *, style: str) -> str:
    millis = max(0, round(seconds * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    if style == "short":
        return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"
    separator = "," if style == "srt" else "."
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


# Reading meeting transcripts -------------------------------------------------------------

_TIME = r"(?:(\d{1,2}):)?(\d{1,2}):(\d{2})(?:[.,](\d{1,3}))?"
_CUE_TIMES = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}")
_VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^>]+)>", re.IGNORECASE)
_TAG = re.compile(r"</?[^>]+>")
# "Anna de Vries: tekst": a short label starting with a capital, before a colon.
_NAME_PREFIX = re.compile(r"^\s*(?:-\s*)?([A-ZÀ-Ý][\w.'’-]*(?:[ \t]+[\w.'’-]+){0,4})\s*:\s+(.*)$")
_TXT_STAMPED = re.compile(rf"^\s*\[?{_TIME}\]?\s+(.*)$")
_SPEAKER_HEADER = re.compile(rf"^\s*([A-ZÀ-Ý][\w.'’-]*(?:[ \t]+[\w.'’-]+){{0,4}})\s+{_TIME}\s*$")
_SENTENCE_END = re.compile(r"[.!?…]['\")\]]*$")
# A cue that is only a note in brackets ("[niet verstaan]", "[gelach]") is no speech.
_ANNOTATION = re.compile(r"^\[[^\]]*\]$")


def is_transcript_file(path: Path) -> bool:
    return path.suffix.lower() in TRANSCRIPT_SUFFIXES


def read_transcript_file(path: Path, *, language: str = "nl") -> Transcript:
    """Read a ``.vtt``, ``.srt`` or ``.txt`` meeting transcript into a ``Transcript``."""
    text = _read_text(path)
    suffix = path.suffix.lower()
    if suffix == ".vtt":
        if not text.lstrip("\ufeff \t\r\n").startswith("WEBVTT"):
            raise _error(
                path,
                "does not start with WEBVTT, so it is not a WebVTT subtitle file",
                "begint niet met WEBVTT en is dus geen WebVTT-ondertitelbestand",
            )
        segments = _cues(text, path, vtt=True)
    elif suffix == ".srt":
        segments = _cues(text, path, vtt=False)
    else:
        segments = _plain_turns(text, path)
    gaps = tuple(
        Gap(s.start, s.end, s.text[1:-1].strip()) for s in segments if _ANNOTATION.match(s.text)
    )
    segments = _merge_unfinished([s for s in segments if not _ANNOTATION.match(s.text)])
    if not segments:
        raise _error(
            path,
            "holds no transcript text",
            "bevat geen uitgeschreven tekst",
        )
    duration = max(segment.end for segment in segments)
    return Transcript(
        segments=tuple(segments),
        language=language,
        duration=round(duration, 2),
        engine=FILE_ENGINE,
        model=suffix.lstrip("."),
        gaps=gaps,
    )


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise _error(path, f"cannot be read ({exc.strerror})", "kan niet worden gelezen") from exc
    if not raw.strip():
        raise _error(path, "is empty", "is leeg")
    if len(raw) > MAX_TRANSCRIPT_BYTES:
        raise _error(path, "is larger than 20 MB", "is groter dan 20 MB")
    if b"\x00" in raw[:4096]:
        raise _error(path, "is not a text file", "is geen tekstbestand")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding).replace("\r\n", "\n").replace("\r", "\n")
        except UnicodeDecodeError:
            continue
    raise _error(path, "is not readable text", "is geen leesbare tekst")  # pragma: no cover


def _seconds(groups: tuple[str | None, ...]) -> float:
    hours, minutes, secs, millis = groups
    value = int(hours or 0) * 3600 + int(minutes or 0) * 60 + int(secs or 0)
    return value + (int((millis or "0").ljust(3, "0")) / 1000)


def _cues(text: str, path: Path, *, vtt: bool) -> list[Segment]:
    segments: list[Segment] = []
    names = _frequent_labels(text)
    for block in re.split(r"\n\s*\n", text):
        lines = [line for line in block.split("\n") if line.strip()]
        index = next((i for i, line in enumerate(lines) if _CUE_TIMES.match(line)), None)
        if index is None:
            continue  # WEBVTT header, NOTE, STYLE, REGION blocks
        match = _CUE_TIMES.match(lines[index])
        assert match is not None
        start, end = _seconds(match.groups()[:4]), _seconds(match.groups()[4:])
        speaker, words = _cue_speaker_and_text(lines[index + 1 :], names)
        if not words:
            continue
        segments.append(Segment(len(segments), start, max(end, start), words, speaker))
    if not segments:
        kind = "WebVTT" if vtt else "SubRip"
        raise _error(
            path,
            f"has no {kind} cues (lines like '00:00:01.000 --> 00:00:04.000' followed by text)",
            "bevat geen ondertitels met tijden (regels zoals '00:00:01.000 --> 00:00:04.000' "
            "met tekst eronder)",
        )
    return segments


def _cue_speaker_and_text(lines: list[str], names: set[str]) -> tuple[str | None, str]:
    speaker = None
    parts = []
    for line in lines:
        voice = _VOICE.search(line)
        if voice and speaker is None:
            speaker = voice.group(1).strip()
        plain = html.unescape(_TAG.sub("", line)).strip()
        labelled = _NAME_PREFIX.match(plain)
        if labelled and labelled.group(1).strip() in names:
            speaker = speaker or labelled.group(1).strip()
            plain = labelled.group(2).strip()
        if plain:
            parts.append(plain)
    return speaker, " ".join(parts)


def _frequent_labels(text: str) -> set[str]:
    """'Name:' prefixes that occur at least twice: speaker names, not 'Let op:' once."""
    counts: dict[str, int] = {}
    for line in text.split("\n"):
        plain = html.unescape(_TAG.sub("", line))
        stamped = _TXT_STAMPED.match(plain)
        if stamped:
            plain = stamped.groups()[-1]
        labelled = _NAME_PREFIX.match(plain)
        if labelled:
            name = labelled.group(1).strip()
            counts[name] = counts.get(name, 0) + 1
    return {name for name, count in counts.items() if count >= 2}


def _plain_turns(text: str, path: Path) -> list[Segment]:
    """``Naam: tekst`` turns (optionally time-stamped) or speaker lines with text below."""
    names = _frequent_labels(text)
    headers = _frequent_headers(text)
    turns: list[tuple[str, float | None, list[str]]] = []
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            continue
        header = _SPEAKER_HEADER.match(line)
        if header and header.group(1).strip() in headers:
            turns.append((header.group(1).strip(), _seconds(header.groups()[1:5]), []))
            continue
        stamp: float | None = None
        stamped = _TXT_STAMPED.match(line)
        if stamped and _NAME_PREFIX.match(stamped.groups()[-1]):
            stamp, line = _seconds(stamped.groups()[:4]), stamped.groups()[-1]
        labelled = _NAME_PREFIX.match(line)
        if labelled and labelled.group(1).strip() in names:
            turns.append((labelled.group(1).strip(), stamp, [labelled.group(2).strip()]))
        elif turns:
            turns[-1][2].append(line)
    if not turns:
        raise _error(
            path,
            "has no speaker turns: write each turn as 'Name: what they said' on its own line",
            "bevat geen beurten van sprekers: zet elke beurt op een eigen regel als "
            "'Naam: wat diegene zei'",
        )
    return _timed_turns(turns)


def _frequent_headers(text: str) -> set[str]:
    """'Anna de Vries  0:03' lines whose name comes back: speakers, not 'Om 10:30'."""
    counts: dict[str, int] = {}
    for line in text.split("\n"):
        header = _SPEAKER_HEADER.match(line.strip())
        if header:
            name = header.group(1).strip()
            counts[name] = counts.get(name, 0) + 1
    return {name for name, count in counts.items() if count >= 2}


def _timed_turns(turns: list[tuple[str, float | None, list[str]]]) -> list[Segment]:
    """Segments from turns. Without times, a turn's time is its place in the text.

    Untimed turns get consecutive one-second slots (turn n at n seconds): the order is kept
    and the draft's references stay unique, without pretending to know when it was said.
    """
    timed = any(stamp is not None for _, stamp, _ in turns)
    segments: list[Segment] = []
    for index, (name, stamp, lines) in enumerate(turns):
        text = " ".join(lines).strip()
        if not text:
            continue
        if timed:
            start = stamp if stamp is not None else (segments[-1].end if segments else 0.0)
            following = next((s for _, s, _ in turns[index + 1 :] if s is not None), None)
            end = following if following is not None and following >= start else start
        else:
            start, end = float(index), float(index + 1)
        segments.append(Segment(len(segments), start, end, text, name))
    return segments


def _merge_unfinished(segments: list[Segment]) -> list[Segment]:
    """Join a cue to the next one by the same speaker when its sentence is not finished.

    Teams and Zoom cut sentences into cues of a few seconds; the draft works in sentences.
    """
    merged: list[Segment] = []
    for segment in segments:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and previous.speaker == segment.speaker
            and not _SENTENCE_END.search(previous.text)
            and segment.end - previous.start <= 30
        ):
            merged[-1] = Segment(
                previous.id,
                previous.start,
                max(previous.end, segment.end),
                f"{previous.text} {segment.text}",
                previous.speaker,
            )
        else:
            merged.append(
                Segment(len(merged), segment.start, segment.end, segment.text, segment.speaker)
            )
    return merged


def _error(path: Path, problem_en: str, problem_nl: str) -> TranscriptFileError:
    return TranscriptFileError(
        f"{path.name} {problem_en}.", nl=f"{path.name} {problem_nl}.", path=path
    )
