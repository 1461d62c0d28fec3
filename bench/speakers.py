"""Who said what, on real recorded voices: interviewer, participant (and a third voice).

Mono conversations spliced from real Dutch speech of six people (``voice_dev_set.py``: the
files, the tune/test split by speaker pair, the truth of who spoke when) go through the real
transcription stage (``Transcription.transcribe_file``: Whisper, then the voice model and the
role decision). Every word whose middle lies in a true turn is scored: right role, unknown,
or wrong; and the diarization error rate (DER: missed, false and confused speech over all
true speech, 0.25 s collar around each true turn's edges; an unknown speaker counts as
missed). The speaker step is timed beside transcription, as a fraction of real time.

Each conversation is scored three ways: roles from the conversation alone; with a voice
profile of the interviewer (made from recordings NOT spliced into any conversation) and no
name in the sidecar (the profile has to match); and with the sidecar naming the interviewer.

    .venv/bin/python bench/speakers.py            # transcribe (Whisper) and score
    .venv/bin/python bench/speakers.py --cached   # re-score the speaker step on the words
                                                  # of the last run (for tuning, no Whisper)
    .venv/bin/python bench/speakers.py --ami      # also DER on the AMI meeting clips
    .venv/bin/python bench/speakers.py --cached --split tune   # one split only

Prints a markdown table per split; ``SPEAKERS.md`` keeps the last figures.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import voice_dev_set as dev

from goodwork_pipeline.models import Sidecar, Word

CACHE = Path("/tmp/goodwork-bench-speakers")
COLLAR = 0.25
CONFIDENCE: dict[str, tuple[float | None, ...]] = {}
UNSURE = (0.25, 0.5, 0.75)  # thresholds tried for leaving a participant word out of the beeld


def truth_role(turns: Sequence[dev.TruthTurn], time_s: float) -> str | None:
    inside = [t for t in turns if t.start - 0.15 <= time_s <= t.end + 0.15]
    if not inside:
        return None
    return min(inside, key=lambda t: abs((t.start + t.end) / 2 - time_s)).role


def score_words(
    words: Sequence[Word], labels: Sequence[str | None], turns: Sequence[dev.TruthTurn]
) -> dict[str, float]:
    right = unknown = wrong = 0
    for word, label in zip(words, labels, strict=True):
        truth = truth_role(turns, (word.start + word.end) / 2)
        if truth is None:
            continue
        if label is None:
            unknown += 1
        elif label == truth:
            right += 1
        else:
            wrong += 1
    total = max(right + unknown + wrong, 1)
    return {
        "words": total,
        "right": right / total,
        "unknown": unknown / total,
        "wrong": wrong / total,
    }


def der(
    words: Sequence[Word],
    labels: Sequence[str | None],
    turns: Sequence[dev.TruthTurn],
    duration: float,
    mapping: Callable[[str], str] = lambda x: x,
) -> float:
    """Frame-level (10 ms) DER with a collar; hypothesis = the words' spans, gaps under 0.5 s
    between words of one speaker filled."""
    n = int(duration * 100) + 1
    ref = np.full(n, "", dtype=object)
    scored = np.ones(n, dtype=bool)
    for t in turns:
        ref[int(t.start * 100) : int(t.end * 100)] = t.role
        for edge in (t.start, t.end):
            scored[max(0, int((edge - COLLAR) * 100)) : int((edge + COLLAR) * 100)] = False
    hyp = np.full(n, "", dtype=object)
    previous: tuple[float, str] | None = None
    for word, label in zip(words, labels, strict=True):
        if label is None:
            previous = None
            continue
        label = mapping(label)
        start = word.start
        if previous and previous[1] == label and word.start - previous[0] < 0.5:
            start = previous[0]
        hyp[int(start * 100) : int(word.end * 100)] = label
        previous = (word.end, label)
    speech = (ref != "") & scored
    missed = speech & (hyp == "")
    false = (ref == "") & (hyp != "") & scored
    confused = speech & (hyp != "") & (hyp != ref)
    return float((missed.sum() + false.sum() + confused.sum()) / max(speech.sum(), 1))


def transcribe(conversations: list[dev.Conversation]) -> dict[str, dict]:
    """Whisper + speakers through the real stage; keeps the words for --cached runs."""
    import goodwork_pipeline.transcription.stage as transcription
    from goodwork_pipeline.settings import load_settings
    from goodwork_pipeline.transcription.voice_encoder import shared_encoder

    stage = transcription.Transcription(load_settings(CACHE, environ={}, threads=2))
    shared_encoder(2)  # loaded once per process, not timed per conversation
    original = transcription.label_words
    seen: dict[str, object] = {}

    def timed(audio, speech, words, sidecar, **kwargs):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        labels = original(audio, speech, words, sidecar, **kwargs)
        seen["seconds"] = time.perf_counter() - started
        seen["words"] = [[w.start, w.end, w.text] for w in words]
        seen["speech"] = [[s.start, s.end] for s in speech]
        return labels

    transcription.label_words = timed
    results = {}
    try:
        for conversation in conversations:
            started = time.perf_counter()
            stage.transcribe_file(conversation.path, sidecar=Sidecar())
            total = time.perf_counter() - started
            results[conversation.spec.name] = {
                "words": seen["words"],
                "speech": seen["speech"],
                "whisper_s": total - float(seen["seconds"]),
                "duration": conversation.duration,
            }
            print(f"  transcribed {conversation.spec.name}", flush=True)
    finally:
        transcription.label_words = original
    return results


def run_speakers(
    conversation: dev.Conversation, cached: dict, sidecar: Sidecar, profiles: dict
) -> tuple[list[Word], tuple[str | None, ...], float, str]:
    from goodwork_pipeline.intake.recording import load_audio
    from goodwork_pipeline.intake.vad import Span
    from goodwork_pipeline.transcription.speakers import label_words

    audio = load_audio(conversation.path)
    words = [Word(a, b, text) for a, b, text in cached["words"]]
    speech = [Span(a, b) for a, b in cached["speech"]]
    started = time.perf_counter()
    labels = label_words(audio, speech, words, sidecar, profiles=profiles, threads=2)
    CONFIDENCE[conversation.spec.name] = labels.confidence
    return words, labels.speakers, time.perf_counter() - started, labels.method


def unsure_counts(
    spec: dev.Spec,
    words: Sequence[Word],
    labels: Sequence[str | None],
    turns: Sequence[dev.TruthTurn],
    totals: dict[str, list[float]],
) -> None:
    """Words labelled participant (what goes into the beeld): how many of the wrong and of
    the right ones a confidence threshold would leave out."""
    for word, label, sure in zip(words, labels, CONFIDENCE[spec.name], strict=True):
        truth = truth_role(turns, (word.start + word.end) / 2)
        if label != "participant" or truth is None or sure is None:
            continue
        kind = "right" if truth == "participant" else "wrong"
        for threshold in UNSURE:
            totals.setdefault(f"unsure {spec.split} {threshold} {kind}", []).append(1)
            if sure < threshold:
                totals.setdefault(f"unsure {spec.split} {threshold} {kind} out", []).append(1)


def profile_of(person: str) -> np.ndarray:
    """The voice profile made from the person's held-out recordings (as 'interviewer add')."""
    from goodwork_pipeline.transcription.voice_encoder import (
        mel_spectrogram,
        partial_slices,
        shared_encoder,
    )

    wav = np.concatenate(dev.material(person).profile)
    mel = mel_spectrogram(wav)
    windows = [mel[a:b] for a, b in partial_slices(len(wav)) if b <= len(mel)]
    mean = shared_encoder(2).embed_partials(windows).mean(axis=0)
    return mean / np.linalg.norm(mean)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cached", action="store_true")
    parser.add_argument("--ami", action="store_true")
    parser.add_argument("--split", choices=("tune", "test"), help="score one split only")
    args = parser.parse_args()
    if not dev.available():
        print(f"SKIP: real voices not found at {dev.VOICES} (they sit beside the project)")
        return
    folder = CACHE / "audio"
    folder.mkdir(parents=True, exist_ok=True)
    conversations = [dev.build(spec, folder) for spec in dev.SPECS]
    words_file = CACHE / "words.json"
    if args.cached and words_file.is_file():
        cached = json.loads(words_file.read_text())
    else:
        cached = transcribe(conversations)
        words_file.write_text(json.dumps(cached))
    conversations = [c for c in conversations if args.split in (None, c.spec.split)]
    from goodwork_pipeline.transcription.voice_encoder import shared_encoder

    shared_encoder(2)
    rows: dict[str, list[str]] = {"tune": [], "test": []}
    totals: dict[str, list[float]] = {}
    for conversation in conversations:
        spec = conversation.spec
        data = cached[spec.name]
        profile = {spec.interviewer: profile_of(spec.interviewer)}
        variants = {
            "conversation": (Sidecar(), {}),
            "profile": (Sidecar(), profile),
            "profile + sidecar name": (Sidecar(interviewer=spec.interviewer), profile),
        }
        cells = []
        for variant, (sidecar, profiles) in variants.items():
            words, labels, seconds, method = run_speakers(conversation, data, sidecar, profiles)
            s = score_words(words, labels, conversation.turns)
            d = der(words, labels, conversation.turns, conversation.duration)
            cells.append(f"{s['right']:.1%} / {s['unknown']:.1%} / {s['wrong']:.1%} | {d:.1%}")
            if variant == "conversation":
                speaker_rtf = seconds / conversation.duration
                unsure_counts(spec, words, labels, conversation.turns, totals)
                print(f"  {spec.name}: {method}", flush=True)
            key = f"{spec.split} {variant} {'3' if spec.other else '2'}"
            totals.setdefault(key, []).append(s["right"])
        whisper_rtf = data["whisper_s"] / data["duration"]
        rows[spec.split].append(
            f"| {spec.name} | {conversation.duration:.0f} s | "
            + " | ".join(cells)
            + f" | {speaker_rtf:.4f} | {whisper_rtf:.3f} |"
        )
    header = (
        "| conversation | length | roles from the conversation: right / unknown / wrong | DER "
        "| with a profile | DER | profile + sidecar name | DER | speakers × real time "
        "| Whisper × real time |\n|---|---|---|---|---|---|---|---|---|---|"
    )
    splits = [s for s in ("test", "tune") if args.split in (None, s)]
    for split in splits:
        print(f"\n### {split}\n\n{header}")
        print("\n".join(rows[split]))
    print()
    for key, values in sorted(totals.items()):
        if not key.startswith("unsure"):
            print(f"{key}: lowest right {min(values):.1%}, mean {np.mean(values):.1%}")
    print("\n| split | confidence below | wrong participant words left out | right ones left out |")
    print("|---|---|---|---|")
    for split in splits:
        for threshold in UNSURE:
            wrong_all, wrong_out, right_all, right_out = (
                sum(totals.get(f"unsure {split} {threshold} {part}", [0]))
                for part in ("wrong", "wrong out", "right", "right out")
            )
            print(
                f"| {split} | {threshold} | {wrong_out} of {wrong_all} | "
                f"{right_out} of {right_all} ({right_out / max(right_all, 1):.1%}) |"
            )
    one_person()
    if args.ami:
        ami()


def one_person() -> None:
    """Real read speech of one person (../shared/speech): two roles would be wrong."""
    from goodwork_pipeline.intake.recording import load_audio
    from goodwork_pipeline.transcription.diarization import diarize
    from goodwork_pipeline.transcription.voice_encoder import shared_encoder

    clips = sorted((dev.SPEECH / "audio").glob("*.wav"))[2:]  # the first two make a profile
    if not clips:
        return
    print("\n| one person (real speech, no words: 1 s pieces) | voices found |\n|---|---|")
    for clip in clips:
        audio = load_audio(clip)
        words = [Word(t, t + 0.9, "x") for t in np.arange(0.2, audio.duration - 1, 1.0)]
        found = diarize(audio, words, shared_encoder(2))
        print(f"| {clip.stem} | {len(found.centroids)} |")


def ami() -> None:
    """DER on real English meeting speech with its own RTTM (clusters mapped optimally)."""
    from itertools import permutations

    from goodwork_pipeline.intake.recording import load_audio
    from goodwork_pipeline.intake.vad import speech_spans
    from goodwork_pipeline.transcription.diarization import diarize
    from goodwork_pipeline.transcription.voice_encoder import shared_encoder

    folder = dev.VOICES / "conversations"
    rttm = (folder / "ami.rttm").read_text().split("\n")
    print("\n| AMI clip (VAD spans as 0.8 s pieces) | voices found | DER |\n|---|---|---|")
    for clip in sorted(folder.glob("*.wav")):
        turns = []
        for line in rttm:
            parts = line.split()
            if len(parts) > 7 and parts[1] == clip.stem.removeprefix("ami_"):
                start, length = float(parts[3]), float(parts[4])
                turns.append(dev.TruthTurn(start, start + length, parts[7], parts[7]))
        audio = load_audio(clip)
        words = []
        for span in speech_spans(audio):
            t = span.start
            while t < span.end - 0.2:
                words.append(Word(round(t, 2), round(min(t + 0.75, span.end), 2), "x"))
                t += 0.8
        found = diarize(audio, words, shared_encoder(2))
        people = sorted({t.person for t in turns})
        labels = [None if v is None else str(v) for v in found.voices]
        best = 1.0
        for order in permutations(people, min(len(people), len(found.centroids))):
            mapping = {str(i): person for i, person in enumerate(order)}
            best = min(
                best,
                der(words, labels, turns, audio.duration, lambda x, m=mapping: m.get(x, "?")),
            )
        print(f"| {clip.stem} | {len(found.centroids)} | {best:.1%} |")


if __name__ == "__main__":
    main()
