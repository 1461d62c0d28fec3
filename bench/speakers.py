"""How well are interviewer and participant told apart? Measured, not assumed.

Conversations spoken by espeak-ng (two voices, one asking questions) go through the real
transcription stage (``Transcription.transcribe_file``: Whisper, then speakers); every word
whose middle falls in a known turn is scored against who really spoke. Variants: the default
voices (pitch 40 vs 58), closer voices (50 vs 58), the same pitch (58 vs 58, speed differs),
stereo with one voice per channel, and real speech of one person (../shared/speech), where
the right answer is "unknown", not two people.

    .venv/bin/python bench/speakers.py

Prints per conversation: words scored, correct, unknown, and the method used.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from goodwork_pipeline import samples
from goodwork_pipeline.samples import INTERVIEWER as I
from goodwork_pipeline.samples import PARTICIPANT as P

CONVERSATIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "sample interview": samples.SAMPLE_CONVERSATION,
    "learning coach": (
        (I, "Fijn dat je er bent. Vertel eens, wat doe je precies?"),
        (P, "Ik ben leercoach voor studenten in de wijkverpleging."),
        (I, "Dank je. Welke situatie is je bijgebleven?"),
        (P, "Een student maakte een fout met medicatie en durfde het niet te zeggen."),
        (P, "Ik merkte het pas een week later, via een collega."),
        (I, "Hoe ben je daarmee omgegaan?"),
        (P, "Ik heb eerst naar haar geluisterd. Daarna hebben we samen de melding gedaan."),
        (I, "Dat klinkt als een lastige afweging."),
        (P, "Ja. Weet je, ik wilde haar beschermen, maar de bewoner ging voor."),
        (I, "Wat betekent goed werk voor jou?"),
        (P, "Eerlijk zijn, ook als het moeilijk is, en de student daarin steunen."),
    ),
    "team manager": (
        (I, "Goedemorgen. Waar werk je?"),
        (P, "Ik ben teammanager op een afdeling voor mensen met dementie."),
        (I, "Wat was de puzzel die je wilde bespreken?"),
        (
            P,
            "Twee collega's hadden ruzie over het rooster. De sfeer in het team werd slecht.",
        ),
        (I, "En wat deed je?"),
        (P, "Ik heb ze apart gesproken en daarna samen. Dat was spannend."),
        (I, "Waarom koos je voor die volgorde?"),
        (P, "Ik wilde dat ze zich eerst gehoord voelden, voordat ze elkaar moesten horen."),
        (I, "Wat heb je daarvan geleerd?"),
        (P, "Dat rust nemen soms meer oplevert dan snel een oplossing kiezen."),
    ),
}

VOICE_VARIANTS: dict[str, dict[str, tuple[str, int, int]]] = {
    "pitch 40 vs 58": {I: ("nl", 105, 40), P: ("nl", 100, 58)},
    "pitch 50 vs 58": {I: ("nl", 105, 50), P: ("nl", 100, 58)},
    "pitch 58 vs 58": {I: ("nl", 115, 58), P: ("nl", 95, 58)},
}


def score(transcript: object, turns: list[samples.Turn]) -> tuple[int, int, int]:
    scored = correct = unknown = 0
    for segment in transcript.segments:  # type: ignore[attr-defined]
        for word in segment.words:
            middle = (word.start + word.end) / 2
            turn = next((t for t in turns if t.start - 0.4 <= middle <= t.end + 0.4), None)
            if turn is None:
                continue
            scored += 1
            correct += segment.speaker == turn.role
            unknown += segment.speaker is None
    return scored, correct, unknown


def main() -> None:
    import logging

    from goodwork_pipeline.models import Sidecar
    from goodwork_pipeline.settings import load_settings
    from goodwork_pipeline.transcription import Transcription

    logging.basicConfig(level=logging.WARNING)
    method = {"value": "?"}

    class Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.getMessage().startswith("speakers: "):
                method["value"] = record.getMessage().removeprefix("speakers: ")

    logger = logging.getLogger("goodwork_pipeline.transcription")
    logger.setLevel(logging.INFO)
    logger.addHandler(Capture())
    stage = Transcription(load_settings(environ={}, threads=2))
    rows = []
    totals = [0, 0, 0]
    with tempfile.TemporaryDirectory() as folder:
        for voices_name, voices in VOICE_VARIANTS.items():
            samples.VOICES.update(voices)
            for name, lines in CONVERSATIONS.items():
                for stereo in (False, True) if voices_name == "pitch 58 vs 58" else (False,):
                    path = Path(folder) / f"{len(rows)}.wav"
                    turns = samples.synthesize(lines, path, stereo=stereo)
                    transcript = stage.transcribe_file(path, sidecar=Sidecar())
                    scored, correct, unknown = score(transcript, turns)
                    kind = "stereo" if stereo else "mono"
                    rows.append((name, f"{voices_name}, {kind}", scored, correct, unknown))
                    if not stereo:
                        totals = [
                            a + b for a, b in zip(totals, (scored, correct, unknown), strict=True)
                        ]
                    print(f"  {rows[-1]} {method['value']}", flush=True)
                    rows[-1] = (*rows[-1], method["value"])
    print("\n| conversation | voices | words | correct | unknown | method |")
    print("|---|---|---|---|---|---|")
    for name, voices_name, scored, correct, unknown, how in rows:
        print(
            f"| {name} | {voices_name} | {scored} | {correct / scored:.1%} | "
            f"{unknown / scored:.1%} | {how} |"
        )
    print(f"\nall mono conversations: {totals[1] / totals[0]:.1%} of {totals[0]} words correct")
    one_person(stage, method)


def one_person(stage: object, method: dict[str, str]) -> None:
    """Real speech of one person: two roles would be wrong; 'unknown' is right."""
    from _common import SPEECH

    clips = sorted((SPEECH / "audio").glob("*.wav")) if SPEECH.is_dir() else []
    if not clips:
        print(f"\nSKIP one-person check: real speech not found at {SPEECH}")
        return
    print("\n| one person (real speech) | segments labelled | method |\n|---|---|---|")
    for clip in clips:
        transcript = stage.transcribe_file(clip)  # type: ignore[attr-defined]
        labelled = sum(s.speaker is not None for s in transcript.segments)
        print(f"| {clip.stem} | {labelled} of {len(transcript.segments)} | {method['value']} |")


if __name__ == "__main__":
    main()
