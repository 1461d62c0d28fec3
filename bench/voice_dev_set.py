"""A development set for who-said-what, spliced from real recorded voices (../shared).

Real Dutch speech of six people: "nathalie" (female; her recorded questions and statements in
``../shared/voices/nathalie``, her read clips in ``../shared/speech``), LibriVox readers 880 and
3798 (female), 2825, 11290 and Bart (male), in ``../shared/voices/audio``. Each conversation
has an interviewer (short turns: nathalie's questions, or short phrases of a reader), a
participant (long answers), short back-channel turns of the interviewer inside answers
("ja", "hm": a short phrase of that voice), the interviewer opening and closing; one per split
adds a third voice joining for two turns. Deterministic: the same files and choices every run
(the random choices are seeded by the conversation's name). Nothing is copied into the
project: the conversations are written to a temporary folder.

Tune/test split, fixed before tuning: by speaker pair. The pairs nathalie-2825, nathalie-880
and 2825-11290 (and a three-voice nathalie-2825-880) are tune; nathalie-11290, nathalie-3798,
880-3798 and Bart-11290 (and a three-voice nathalie-3798-Bart) are test. No pair is in both.
"""

from __future__ import annotations

import csv
import wave
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from _common import ROOT

RATE = 16000


def _find_voices() -> Path:
    candidates = [ROOT.parent / "shared" / "voices", ROOT.parent.parent / "shared" / "voices"]
    return next((c for c in candidates if c.is_dir()), candidates[0])


VOICES = _find_voices()
SPEECH = VOICES.parent / "speech"

# who, gender
PEOPLE = {
    "nathalie": "F",
    "880": "F",
    "3798": "F",
    "2825": "M",
    "11290": "M",
    "bart": "M",
}


@dataclass(frozen=True)
class Spec:
    name: str
    interviewer: str
    participant: str
    split: str
    other: str | None = None


SPECS = (
    Spec("nathalie asks 2825 (F/M)", "nathalie", "2825", "tune"),
    Spec("2825 asks nathalie (M/F)", "2825", "nathalie", "tune"),
    Spec("nathalie asks 880 (F/F)", "nathalie", "880", "tune"),
    Spec("2825 asks 11290 (M/M)", "2825", "11290", "tune"),
    Spec("nathalie asks 2825, 880 joins (3 voices)", "nathalie", "2825", "tune", "880"),
    Spec("nathalie asks 11290 (F/M)", "nathalie", "11290", "test"),
    Spec("11290 asks nathalie (M/F)", "11290", "nathalie", "test"),
    Spec("nathalie asks 3798 (F/F)", "nathalie", "3798", "test"),
    Spec("3798 asks nathalie (F/F)", "3798", "nathalie", "test"),
    Spec("880 asks 3798 (F/F)", "880", "3798", "test"),
    Spec("bart asks 11290 (M/M)", "bart", "11290", "test"),
    Spec("nathalie asks 3798, bart joins (3 voices)", "nathalie", "3798", "test", "bart"),
)


@dataclass(frozen=True)
class TruthTurn:
    start: float
    end: float
    person: str
    role: str  # interviewer, participant, other


@dataclass(frozen=True)
class Conversation:
    spec: Spec
    path: Path
    turns: tuple[TruthTurn, ...]
    duration: float


def available() -> bool:
    return (VOICES / "nathalie" / "metadata.csv").is_file() and (VOICES / "audio").is_dir()


def read(path: Path) -> np.ndarray:
    with wave.open(str(path)) as clip:
        pcm = np.frombuffer(clip.readframes(clip.getnframes()), np.int16)
    return pcm.astype(np.float32) / 32768.0


def phrases(wav: np.ndarray, min_pause: float = 0.12) -> list[np.ndarray]:
    """A reading cut at its pauses (quiet 20 ms frames, relative to the reading's own noise
    floor and loudness), silence trimmed."""
    frame = RATE // 50
    count = len(wav) // frame
    energy = np.square(wav[: count * frame].reshape(count, frame)).mean(axis=1)
    db = 10 * np.log10(energy + 1e-12)
    floor, top = np.percentile(db, 10), np.percentile(db, 95)
    loud = db > floor + 0.35 * (top - floor)
    pieces, start, quiet = [], None, 0
    for i, voiced in enumerate(loud):
        if voiced:
            if start is None:
                start = i
            quiet = 0
        elif start is not None:
            quiet += 1
            if quiet * frame >= min_pause * RATE:
                pieces.append(wav[start * frame : (i - quiet + 1) * frame])
                start, quiet = None, 0
    if start is not None:
        pieces.append(wav[start * frame : count * frame])
    return [p for p in pieces if len(p) >= 0.25 * RATE]


def _join(chunks: list[np.ndarray], low: float, high: float) -> list[np.ndarray]:
    """Consecutive phrases joined (with their natural 0.2 s pause) into pieces low..high s."""
    out, current = [], []
    for chunk in chunks:
        current.append(chunk)
        length = sum(len(c) for c in current) / RATE
        if length >= low:
            if length > high and len(current) > 1:
                out.append(current[:-1])
                current = [chunk]
            else:
                out.append(current)
                current = []
    if current:
        out.append(current)
    pause = np.zeros(int(0.2 * RATE), np.float32)
    result = []
    for group in out:
        parts = []
        for c in group:
            parts += [c, pause]
        result.append(np.concatenate(parts[:-1]))
    return result


@dataclass(frozen=True)
class Material:
    questions: list[np.ndarray]  # short turns
    answers: list[np.ndarray]  # long turns
    backchannels: list[np.ndarray]  # 0.3-1.0 s
    profile: list[np.ndarray]  # recordings NOT used in any conversation (for a voice profile)


def material(person: str) -> Material:
    if person == "nathalie":
        folder = VOICES / "nathalie"
        with (folder / "metadata.csv").open(encoding="utf-8") as handle:
            names = [row[0] for row in csv.reader(handle, delimiter="|") if row]
        questions = [read(folder / n) for n in names if "_q" in n]
        statements = [read(folder / n) for n in names if "_s" in n]
        answers = _join([p for s in statements for p in phrases(s)], 5.0, 10.0)
        short = [p for q in questions for p in phrases(q, 0.08)]
        backchannels = [p[: int(0.9 * RATE)] for p in short if len(p) >= 0.3 * RATE][:10]
        profile = [read(p) for p in sorted((SPEECH / "audio").glob("*.wav"))[:2]]
        return Material(questions, answers, backchannels, profile)
    files = sorted((VOICES / "audio").glob(f"nl_*{'css10_bart' if person == 'bart' else person}_*"))
    readings = [read(f) for f in files]
    if len(readings) > 1:  # the last reading is kept apart for the voice profile
        used, profile = readings[:-1], readings[-1:]
    else:  # Bart: one 8.5 s reading, its second half for the profile
        half = len(readings[0]) // 2
        used, profile = [readings[0][:half]], [readings[0][half:]]
    chunks = [p for r in used for p in phrases(r)]
    questions = [q for q in _join(chunks, 1.5, 3.5) if len(q) <= 4.0 * RATE]
    answers = _join(chunks, 5.0, 10.0)
    backchannels = [c[: int(0.9 * RATE)] for c in phrases(np.concatenate(used), 0.06)][:10]
    return Material(questions, answers, backchannels, profile)


def build(spec: Spec, folder: Path, *, pairs: int = 6) -> Conversation:
    rng = np.random.default_rng(zlib.crc32(spec.name.encode()))
    asker, answerer = material(spec.interviewer), material(spec.participant)
    other = material(spec.other) if spec.other else None
    gain = {p: 10 ** (rng.uniform(-4, 4) / 20) for p in PEOPLE}
    audio: list[np.ndarray] = [np.zeros(int(0.4 * RATE), np.float32)]
    turns: list[TruthTurn] = []
    position = 0.4
    q_order = rng.permutation(len(asker.questions))
    a_order = rng.permutation(len(answerer.answers))

    def add(wav: np.ndarray, person: str, role: str, gap: float) -> None:
        nonlocal position
        wav = wav * gain[person]
        audio.append(wav)
        turns.append(
            TruthTurn(round(position, 3), round(position + len(wav) / RATE, 3), person, role)
        )
        position += len(wav) / RATE
        audio.append(np.zeros(int(gap * RATE), np.float32))
        position += int(gap * RATE) / RATE

    qi = 0
    for pair in range(pairs):
        add(
            asker.questions[q_order[qi % len(q_order)]],
            spec.interviewer,
            "interviewer",
            rng.uniform(0.4, 0.9),
        )
        qi += 1
        answer = answerer.answers[a_order[pair % len(a_order)]]
        if pair % 2 == 1 and len(answer) > 4 * RATE:  # a back-channel inside the answer
            cut = len(answer) // 2
            add(answer[:cut], spec.participant, "participant", rng.uniform(0.15, 0.3))
            back = asker.backchannels[pair % len(asker.backchannels)]
            add(back, spec.interviewer, "interviewer", rng.uniform(0.15, 0.3))
            add(answer[cut:], spec.participant, "participant", rng.uniform(0.5, 1.0))
        else:
            add(answer, spec.participant, "participant", rng.uniform(0.5, 1.0))
        if other is not None and pair in (2, 3):
            add(
                other.answers[pair % len(other.answers)], spec.other, "other", rng.uniform(0.5, 1.0)
            )
    add(asker.questions[q_order[qi % len(q_order)]], spec.interviewer, "interviewer", 0.5)
    samples = np.concatenate(audio)
    samples = samples / max(1.0, float(np.abs(samples).max()) / 0.95)
    path = folder / f"{zlib.crc32(spec.name.encode()):08x}.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes((samples * 32767).astype("<i2").tobytes())
    return Conversation(spec, path, tuple(turns), len(samples) / RATE)
