"""A sample interview for the demo and the tests, spoken by espeak-ng, and a demo participant.

``synthesize`` turns a scripted conversation into a real recording (mono, or stereo with one
speaker per channel). ``fill_in_as_participant`` plays the participant for the demo: it ticks
boxes in a draft exactly as a word processor would store them, and marks the document as a
demo so nobody mistakes it for a real participant's answer.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import wave
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from lxml import etree

from goodwork_pipeline.consent_wording import (
    APPROVE_LABEL,
    CHANNEL_BOXES,
    CONSENT_HEADING,
    NAME_BOXES,
)
from goodwork_pipeline.errors import GoodworkError
from goodwork_pipeline.files import atomic_write_bytes
from goodwork_pipeline.models import INTERVIEWER, PARTICIPANT, Channel, NameDisplay
from goodwork_pipeline.review.tracked_changes import Revisions, delete_run, replace_run, run_text
from goodwork_pipeline.testing.script_alignment import Script, Span

# espeak-ng's Dutch voice, slow and with two pitches: robotic, but Whisper 'base' gets the
# gist. The +f/+m variants are much harder for it, so the speakers differ by pitch.
VOICES: dict[str, tuple[str, int, int]] = {
    INTERVIEWER: ("nl", 105, 40),
    PARTICIPANT: ("nl", 100, 58),
}
PAUSE_S = 0.7

SAMPLE_CONVERSATION: tuple[tuple[str, str], ...] = (
    (INTERVIEWER, "Goedemiddag. Wie ben je en wat voor werk doe je?"),
    (PARTICIPANT, "Ik ben Anna. Ik werk als teammanager in de ouderenzorg, al twaalf jaar."),
    (INTERVIEWER, "Kun je een situatie beschrijven waarin je niet meteen wist wat goed was?"),
    (PARTICIPANT, "Een bewoner wilde niet meer eten. Haar dochter wilde dat wij haar dwongen."),
    (INTERVIEWER, "Wat heb je toen gedaan?"),
    (
        PARTICIPANT,
        "Ik ben met de dochter gaan praten. We hebben samen naar de wensen van haar moeder "
        "gekeken.",
    ),
    (INTERVIEWER, "Welke mogelijkheden heb je afgewogen?"),
    (
        PARTICIPANT,
        "Ik twijfelde tussen de regels volgen en luisteren naar de bewoner. Ik heb gekozen "
        "voor het gesprek.",
    ),
    (INTERVIEWER, "Wat vind je daarin belangrijk?"),
    (
        PARTICIPANT,
        "Ik vind het belangrijk dat de bewoner zelf mag kiezen, ook als dat moeilijk is voor "
        "de familie.",
    ),
    (INTERVIEWER, "Wat is voor jou goed werk in zo'n situatie?"),
    (
        PARTICIPANT,
        "Goed werk is dat je echt luistert en samen met de familie zoekt naar wat de bewoner wil.",
    ),
)

SAMPLE_SIDECAR = """\
# Metadata for the sample interview (all keys are optional).
participant: Anna de Vries
role: Teammanager
organisation: Zorggroep De Linde
group: teammanagers VVT 2026
date: 2026-03-12
interviewer: Sam
speakers:
  left: interviewer
  right: participant
vocabulary: [ouderenzorg, teammanager]
"""


@dataclass(frozen=True)
class Turn:
    role: str
    text: str
    start: float
    end: float


def espeak_available() -> bool:
    return shutil.which("espeak-ng") is not None


def speak(text: str, role: str) -> tuple[np.ndarray, int]:
    """One line spoken by espeak-ng: int16 samples and their sample rate."""
    if not espeak_available():
        raise GoodworkError(
            "espeak-ng is not installed; it is needed to make the sample interview. "
            "Install it with: sudo apt-get install espeak-ng"
        )
    voice, speed, pitch = VOICES[role]
    raw = subprocess.run(
        ["espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch), "-g", "4", "--stdout", text],
        capture_output=True,
        check=True,
    ).stdout
    with wave.open(io.BytesIO(raw)) as spoken:
        rate = spoken.getframerate()
        samples = np.frombuffer(spoken.readframes(spoken.getnframes()), dtype=np.int16)
    return samples, rate


def synthesize(
    lines: Sequence[tuple[str, str]],
    path: Path,
    *,
    stereo: bool = False,
    lead_in_s: float = 0.3,
) -> list[Turn]:
    """Write the conversation as a WAV file; return each turn with its time span.

    With ``stereo`` the interviewer speaks on the left channel and the participant on the
    right, each silent while the other talks, as with two lavalier microphones.
    """
    pieces: list[tuple[str, np.ndarray]] = []
    rate = 22050
    for role, text in lines:
        samples, rate = speak(text, role)
        pieces.append((role, samples))
    pause = np.zeros(int(PAUSE_S * rate), dtype=np.int16)
    left: list[np.ndarray] = [np.zeros(int(lead_in_s * rate), dtype=np.int16)]
    right: list[np.ndarray] = [left[0]]
    turns = []
    position = lead_in_s
    for (role, samples), (_, text) in zip(pieces, lines, strict=True):
        silent = np.zeros_like(samples)
        left.append(samples if (role == INTERVIEWER or not stereo) else silent)
        right.append(samples if (role == PARTICIPANT or not stereo) else silent)
        left.append(pause)
        right.append(pause)
        duration = len(samples) / rate
        turns.append(Turn(role, text, round(position, 2), round(position + duration, 2)))
        position += duration + PAUSE_S
    channels = [np.concatenate(left)] + ([np.concatenate(right)] if stereo else [])
    frames = np.stack(channels, axis=1) if stereo else channels[0]
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(2 if stereo else 1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(frames.astype("<i2").tobytes())
    atomic_write_bytes(path, buffer.getvalue())
    return turns


# The demo participant --------------------------------------------------------------------------

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
DEMO_NOTE = "DEMO: ingevuld door goodwork's voorbeeld-deelnemer, niet door een echte deelnemer."


def fill_in_as_participant(
    draft: Path,
    returned: Path,
    *,
    approve: bool = True,
    channels: Iterable[Channel] = (Channel.WEBSITE, Channel.SOCIAL),
    name_display: NameDisplay | Iterable[NameDisplay] | None = NameDisplay.FIRST,
    signer: str = "Anna de Vries (demo)",
    replace: dict[str, str] | None = None,
    demo_note: bool = True,
    script: Sequence[str] = (),
    when: dt.datetime | None = None,
) -> Path:
    """Tick boxes (as Word stores them), optionally edit text, and save as ``returned``.

    With ``script`` (what was really said), first correct the beeld to it with tracked
    changes, as a participant who remembers their own words would (see ``correct_to_script``).
    """
    names = (
        set()
        if name_display is None
        else {name_display}
        if isinstance(name_display, NameDisplay)
        else set(name_display)
    )
    wanted = ({APPROVE_LABEL} if approve else set()) | {CHANNEL_BOXES[c] for c in channels}
    wanted |= {NAME_BOXES[n] for n in names}
    with zipfile.ZipFile(draft) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    root = etree.fromstring(parts["word/document.xml"])
    if script:
        revisions = Revisions.for_document(root, signer or "DEMO", when or dt.datetime.now(dt.UTC))
        correct_to_script(root, script, revisions)
    for paragraph in root.iter(f"{W}p"):
        text = "".join(t.text or "" for t in paragraph.iter(f"{W}t"))
        label = text.lstrip("☐☒ ").strip()
        box = paragraph.find(f".//{W14}checkbox")
        if box is not None and label in wanted:
            box.find(f"{W14}checked").set(f"{W14}val", "1")
            for t in paragraph.iter(f"{W}t"):
                if t.text == "☐":
                    t.text = "☒"
        elif text.startswith("Naam:") and signer:
            paragraph.findall(f".//{W}t")[-1].text = f"Naam: {signer}"
        elif replace:
            for t in paragraph.iter(f"{W}t"):
                for old, new in replace.items():
                    if t.text and old in t.text:
                        t.text = t.text.replace(old, new)
    if demo_note:
        # At the very top, in the instructions: visible at once, and not in the consent
        # part, where any added text would count as a change to the consent wording.
        body = root.find(f"{W}body")
        note = etree.Element(f"{W}p")
        run = etree.SubElement(note, f"{W}r")
        etree.SubElement(run, f"{W}t").text = DEMO_NOTE
        body.insert(0, note)
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    atomic_write_bytes(returned, buffer.getvalue())
    return returned


# Styles of the participant's own words in the draft: the title, the text and the quote.
TITLE_STYLE = "Beeldtitel"
BEELD_STYLES = frozenset({TITLE_STYLE, "Beeldtekst", "Quote"})


def correct_to_script(root: etree._Element, script: Sequence[str], revisions: Revisions) -> int:
    """Put the script's words back where the draft misheard them; return the edits made.

    Every sentence (run) of the title, text and quote is matched to the stretch of a script
    line most like it (``Script.match``); one that differs is replaced by tracked changes.
    Consecutive sentences that continue one script line (Whisper broke a sentence in two)
    become that one sentence again: the first takes the words, the others are deleted. A
    sentence of the text or quote that is like nothing in the script (heard in noise) is
    deleted; the title is kept then (a beeld needs one).
    """
    known = Script(script)
    edits = 0
    for paragraph, style in _beeld_paragraphs(root):
        runs = [r for r in paragraph.findall(f"{W}r") if run_text(r).strip()]
        spans = [known.match(run_text(r)) for r in runs]
        index = 0
        while index < len(runs):
            first = spans[index]
            last = index
            while (
                first is not None
                and last + 1 < len(runs)
                and spans[last + 1] is not None
                and known.follows(spans[last], spans[last + 1])  # type: ignore[arg-type]
            ):
                last += 1
            if first is not None:
                part = slice(index, last + 1)
                edits += _put_back(known, runs[part], spans[part], revisions)
            elif style != TITLE_STYLE:
                delete_run(runs[index], revisions)
                edits += 1
            index = last + 1
    return edits


def _put_back(
    known: Script, runs: list[etree._Element], spans: list[Span | None], revisions: Revisions
) -> int:
    first, last = spans[0], spans[-1]
    assert first is not None and last is not None
    old = run_text(runs[0])
    closing = run_text(runs[-1]).strip()[-1:]
    end = max(span.end for span in spans if span is not None)
    words = known.text(
        Span(first.line, first.start, end, first.ratio),
        capital=old.strip()[:1].isupper(),
        closing=closing,
    )
    new = old[: len(old) - len(old.lstrip())] + words
    edits = 0
    if new != old:
        replace_run(runs[0], new, revisions)
        edits += 1
    for run in runs[1:]:
        delete_run(run, revisions)
        edits += 1
    return edits


def _beeld_paragraphs(root: etree._Element) -> Iterable[tuple[etree._Element, str]]:
    """Paragraphs in the participant's own words, before the consent part."""
    for paragraph in root.iter(f"{W}p"):
        text = "".join(t.text or "" for t in paragraph.iter(f"{W}t")).strip()
        if text == CONSENT_HEADING:
            return
        style = paragraph.find(f"{W}pPr/{W}pStyle")
        if style is not None and style.get(f"{W}val") in BEELD_STYLES:
            yield paragraph, style.get(f"{W}val")
