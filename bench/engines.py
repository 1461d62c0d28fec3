"""openai-whisper versus faster-whisper on the same weights, audio, threads and beam.

    .venv/bin/python bench/engines.py [--speech ../shared/speech] [--threads 2] [--beam 5]
                                      [--rounds 1] [--json bench/engines.json]
                                      [--case short|long|both] [--long-minutes 10]

Engines compared, each in its own process (so its peak memory is its own):

- ``openai-whisper``: the reference implementation, float32, the project's engine on the
  checkpoint derived from the bundled model;
- ``faster-whisper (pipeline default)``: the transcriber the pipeline builds from the default
  settings (whatever compute type and options are the default at the time of the run);
- ``faster-whisper float32``: the same at float32, to separate engine from precision;
- ``faster-whisper batched int8``: faster-whisper's own batched pipeline (batch 8) on the same
  model, for reference while it is not the pipeline's path.

All use the bundled base model, the same beam, voice activity detection, word timestamps, no
conditioning on previous text and the same thread count. Side by side means clip by clip: all
engines are loaded first, then each clip goes to one engine after the other (one at a time,
the order alternating between rounds), so a burst of load from elsewhere hits all of them
alike. Loading and a short warm-up (numba compiles openai-whisper's alignment code on first
use) are timed apart. The real-time factor is transcription time / audio duration over all
clips, from the fastest of the rounds for each clip; the speed-up is also given as the median
of the per-clip ratios. Word error rate is measured against the human references in
``../shared/speech`` (lower-cased, punctuation removed); without that folder the espeak-ng
sample interview is timed instead and WER is skipped.

Two cases (``--case``): ``short`` gives each of the six 25-56 s clips to the engines on its own,
where a batched decoder has one or two 30 s windows per call and little to batch; ``long``
joins real speech from ``../shared/speech`` and ``../shared/voices`` (the six clips, the
"nathalie" questions and statements, the five audiobook readers, 0.6 s of silence between
pieces, repeated in order until ``--long-minutes`` of speech) into one recording, as an
interview is one long recording. Its word error rate counts only the pieces with a human
reference (the audiobook readers have none): each recognised word goes to the piece its
midpoint falls in (the boundary between two pieces is the middle of the pause).

Every engine runs with ``OMP_WAIT_POLICY=PASSIVE`` unless told otherwise: on a shared machine
OpenMP's default spinning turns each of PyTorch's many small decoder operations into a wait for
a descheduled thread (a layer norm went from 0.005 ms to 2 ms under load here), which would
flatter faster-whisper's ratio for reasons that have nothing to do with the engines. (The
openai-whisper engine sets this policy itself unless ``OMP_WAIT_POLICY`` is set; with
``--omp-wait-policy inherit`` faster-whisper keeps its stock setting.)
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SPEECH = ROOT.parent / "shared" / "speech"
VARIANTS: dict[str, dict[str, str]] = {
    "openai-whisper": {"engine": "openai-whisper"},
    "faster-whisper (pipeline default)": {"engine": "faster-whisper"},
    "faster-whisper float32": {"engine": "faster-whisper", "compute_type": "float32"},
    "faster-whisper batched int8": {"engine": "faster-whisper", "compute_type": "int8"},
}
BASELINE = "openai-whisper"
BATCH_SIZE = 8


# Word error rate -----------------------------------------------------------------------------


def normalise(text: str) -> list[str]:
    """Lower-cased words without punctuation ('zo'n' -> 'zon', 'a-a' -> 'a a')."""
    text = unicodedata.normalize("NFC", text.lower()).replace("'", "").replace("’", "")
    return re.sub(r"[^\w\s]|_", " ", text).split()


def word_errors(reference: list[str], hypothesis: list[str]) -> int:
    """Substitutions + deletions + insertions (Levenshtein distance over words)."""
    previous = list(range(len(hypothesis) + 1))
    for i, ref_word in enumerate(reference, start=1):
        current = [i]
        for j, hyp_word in enumerate(hypothesis, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ref_word != hyp_word))
            )
        previous = current
    return previous[-1]


# One engine, in its own process: clip paths in on stdin, one JSON line out per clip ----------


class _Batched:
    """faster-whisper's BatchedInferencePipeline on the pipeline's model, same options."""

    def __init__(self, transcriber: Any):
        from faster_whisper import BatchedInferencePipeline

        self.model = f"{transcriber.model}, batch {BATCH_SIZE}"
        self.pipeline = BatchedInferencePipeline(transcriber._whisper())

    def transcribe(self, samples: Any, options: Any) -> list:
        segments, _ = self.pipeline.transcribe(
            samples,
            language=options.language,
            beam_size=options.beam_size,
            batch_size=BATCH_SIZE,
            word_timestamps=True,
            initial_prompt=", ".join(options.vocabulary) or None,
        )
        return list(segments)


def serve(variant: str, threads: int, beam: int, cache: str, warm_up: str) -> None:
    sys.path.insert(0, str(ROOT))
    from goodwork_pipeline.intake.recording import load_audio
    from goodwork_pipeline.settings import load_settings
    from goodwork_pipeline.transcription.engine import TranscribeOptions, make_transcriber

    def say(message: dict) -> None:
        print(json.dumps(message), flush=True)

    with tempfile.TemporaryDirectory() as folder:
        settings = load_settings(
            folder,
            environ={},
            threads=threads,
            beam_size=beam,
            model_cache=cache,
            **VARIANTS[variant],
        )
    started = time.perf_counter()
    transcriber: Any = make_transcriber(settings)
    if "batched" in variant:
        transcriber = _Batched(transcriber)
    options = TranscribeOptions(language=settings.language, beam_size=beam)
    transcriber.transcribe(load_audio(Path(warm_up), min_duration=0).mono()[: 16000 * 8], options)
    openai = settings.engine == "openai-whisper"
    say(
        {
            "compute_type": "float32" if openai else settings.compute_type,
            "model": transcriber.model,
            "load_seconds": time.perf_counter() - started,
        }
    )
    for line in sys.stdin:
        samples = load_audio(Path(line.strip()), min_duration=0).mono()
        started = time.perf_counter()
        segments = transcriber.transcribe(samples, options)
        say(
            {
                "seconds": time.perf_counter() - started,
                "duration": len(samples) / 16000,
                "text": " ".join(s.text.strip() for s in segments),
                "words": [
                    [(w.start + w.end) / 2, getattr(w, "text", None) or w.word]
                    for s in segments
                    for w in (s.words or [_whole(s)])
                ],
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )


def _whole(segment: Any) -> Any:
    """A segment without word timestamps as one 'word' at its middle (for piece assignment)."""
    from types import SimpleNamespace

    return SimpleNamespace(start=segment.start, end=segment.end, text=segment.text)


class Engine:
    """The parent's handle on one engine process."""

    def __init__(self, variant: str, args: argparse.Namespace, warm_up: Path):
        env = dict(os.environ)
        if args.omp_wait_policy != "inherit":
            env["OMP_WAIT_POLICY"] = args.omp_wait_policy
        command = [
            sys.executable, __file__, "--serve", variant, "--threads", str(args.threads),
            "--beam", str(args.beam), "--cache", str(args.cache), "--warm-up", str(warm_up),
        ]  # fmt: skip
        self.variant = variant
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env
        )
        self.info = self._answer()

    def _answer(self) -> dict:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            sys.exit(f"{self.variant} stopped (exit code {self.process.wait()}); see above")
        return json.loads(line)

    def transcribe(self, clip: Path) -> dict:
        assert self.process.stdin is not None
        self.process.stdin.write(f"{clip}\n")
        self.process.stdin.flush()
        return self._answer()

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait(timeout=60)


# The comparison -------------------------------------------------------------------------------


def sample_clips(folder: Path) -> list[Path]:
    sys.path.insert(0, str(ROOT))
    from goodwork_pipeline.testing.samples import SAMPLE_CONVERSATION, synthesize

    path = folder / "sample-interview.wav"
    synthesize(SAMPLE_CONVERSATION, path)
    return [path]


# The long-form case: one recording of ten minutes or more, joined from real speech -----------

PAUSE_S = 0.6


def long_pieces(speech: Path) -> list[tuple[Path, str | None]]:
    """Every real Dutch utterance beside the project, with its reference text where known."""
    pieces: list[tuple[Path, str | None]] = []
    for wav in sorted((speech / "audio").glob("*.wav")):
        ref = speech / "ref" / f"{wav.stem}.txt"
        pieces.append((wav, ref.read_text(encoding="utf-8").strip() if ref.is_file() else None))
    voices = speech.parent / "voices"
    metadata = voices / "nathalie" / "metadata.csv"
    if metadata.is_file():
        for line in metadata.read_text(encoding="utf-8").splitlines():
            name, _, text = line.partition("|")
            if (voices / "nathalie" / name).is_file():
                pieces.append((voices / "nathalie" / name, text.strip()))
    pieces += [(wav, None) for wav in sorted((voices / "audio").glob("*.wav"))]
    return pieces


def join_long(
    pieces: list[tuple[Path, str | None]], minutes: float, path: Path
) -> list[dict[str, Any]]:
    """Write the pieces (cycled until ``minutes`` of speech) as one WAV; return their spans."""
    sys.path.insert(0, str(ROOT))
    import wave

    import numpy as np

    from goodwork_pipeline.intake.recording import load_audio

    audio = {p: load_audio(p, min_duration=0, min_speech=0).mono() for p, _ in pieces}
    pause = np.zeros(int(PAUSE_S * 16000), dtype=np.float32)
    chunks: list[Any] = []
    spans: list[dict[str, Any]] = []
    position = speech = 0
    index = 0
    while speech < minutes * 60 * 16000:
        wav, reference = pieces[index % len(pieces)]
        samples = audio[wav]
        spans.append(
            {"piece": wav.name, "start": position / 16000,
             "end": (position + len(samples)) / 16000, "reference": reference}
        )  # fmt: skip
        chunks += [samples, pause]
        position += len(samples) + len(pause)
        speech += len(samples)
        index += 1
    pcm = (np.clip(np.concatenate(chunks), -1.0, 1.0) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(pcm.tobytes())
    return spans


def piece_errors(spans: list[dict[str, Any]], words: list[list]) -> tuple[int, int]:
    """Word errors and reference words over the pieces that have a reference."""
    heard: list[list[str]] = [[] for _ in spans]
    bounds = [(a["end"] + b["start"]) / 2 for a, b in itertools.pairwise(spans)]
    for middle, text in words:
        heard[sum(middle >= b for b in bounds)].append(text)
    errors = total = 0
    for span, hypothesis in zip(spans, heard, strict=True):
        if span["reference"] is not None:
            reference = normalise(span["reference"])
            errors += word_errors(reference, normalise(" ".join(hypothesis)))
            total += len(reference)
    return errors, total


def measure(clips: list[Path], args: argparse.Namespace) -> dict[str, dict]:
    """Load every engine, then give each clip to each engine in turn, ``rounds`` times."""
    print(f"loading {len(VARIANTS)} engines", file=sys.stderr, flush=True)
    engines = [Engine(variant, args, clips[0]) for variant in VARIANTS]
    runs: dict[str, dict] = {e.variant: {**e.info, "clips": {}} for e in engines}
    try:
        for round_number in range(args.rounds):
            order = engines if round_number % 2 == 0 else engines[::-1]
            for clip in clips:
                print(f"round {round_number + 1}: {clip.name}", file=sys.stderr, flush=True)
                for engine in order:
                    result = engine.transcribe(clip)
                    seen = runs[engine.variant]["clips"].get(clip.stem)
                    if seen is None or result["seconds"] < seen["seconds"]:
                        runs[engine.variant]["clips"][clip.stem] = result
                    runs[engine.variant]["peak_rss_mb"] = result["peak_rss_mb"]
    finally:
        for engine in engines:
            engine.close()
    return runs


def summarise(
    runs: dict[str, dict],
    references: dict[str, str],
    spans: dict[str, list[dict[str, Any]]] | None = None,
) -> dict[str, dict]:
    baseline = runs[BASELINE]["clips"]
    best = {}
    for variant, run in runs.items():
        clips = run["clips"]
        seconds = sum(c["seconds"] for c in clips.values())
        duration = sum(c["duration"] for c in clips.values())
        errors = words = 0
        for name, clip in clips.items():
            if spans and name in spans:
                clip_errors, clip_words = piece_errors(spans[name], clip["words"])
                errors, words = errors + clip_errors, words + clip_words
            elif name in references:
                reference = normalise(references[name])
                errors += word_errors(reference, normalise(clip["text"]))
                words += len(reference)
        best[variant] = {
            "compute_type": run["compute_type"],
            "seconds": seconds,
            "audio_seconds": duration,
            "rtf": seconds / duration,
            "load_seconds": run["load_seconds"],
            "peak_rss_mb": run["peak_rss_mb"],
            "wer": errors / words if words else None,
            "median_clip_speedup": statistics.median(
                baseline[name]["seconds"] / clip["seconds"] for name, clip in clips.items()
            ),
            "same_text_as_openai": sum(
                clip["text"] == baseline[name]["text"] for name, clip in clips.items()
            ),
            "texts": {name: clip["text"] for name, clip in clips.items()},
        }
    for figures in best.values():
        figures["speedup_vs_openai"] = best[BASELINE]["rtf"] / figures["rtf"]
    return best


def report(best: dict, args: argparse.Namespace, clips: list[Path], command: str, case: str) -> str:
    lines = [
        f"case: {case}",
        f"command: {command}",
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"load average at the end {os.getloadavg()[0]:.2f}; threads {args.threads}, "
        f"beam {args.beam}, rounds {args.rounds}, OMP_WAIT_POLICY {args.omp_wait_policy}",
        f"audio: {len(clips)} clip(s), {best[BASELINE]['audio_seconds']:.1f} s",
        "",
        "| engine | compute | RTF | speed-up vs openai-whisper (total; median per clip) "
        "| WER | same text as openai-whisper | peak memory | load + warm-up |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, f in best.items():
        wer = f"{f['wer'] * 100:.1f} %" if f["wer"] is not None else "n/a"
        lines.append(
            f"| {name} | {f['compute_type']} | {f['rtf']:.3f} "
            f"| {f['speedup_vs_openai']:.1f}x; {f['median_clip_speedup']:.1f}x | {wer} "
            f"| {f['same_text_as_openai']} of {len(clips)} clips "
            f"| {f['peak_rss_mb']:.0f} MB | {f['load_seconds']:.1f} s |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--speech", type=Path, default=DEFAULT_SPEECH)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--beam", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write all figures and texts here")
    parser.add_argument(
        "--case",
        choices=("short", "long", "both"),
        default="both",
        help="short: each clip on its own; long: one recording of --long-minutes joined speech",
    )
    parser.add_argument("--long-minutes", type=float, default=10.0)
    parser.add_argument(
        "--omp-wait-policy",
        default="PASSIVE",
        help="OMP_WAIT_POLICY for every engine ('inherit': leave the environment alone)",
    )
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        / "goodwork-pipeline",
        help="the model cache (the bundled model and the derived checkpoint)",
    )
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--warm-up", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.serve:
        serve(args.serve, args.threads, args.beam, str(args.cache), args.warm_up)
        return

    command = "python bench/engines.py " + " ".join(sys.argv[1:])
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as scratch:
        if (args.speech / "audio").is_dir():
            clips = sorted((args.speech / "audio").glob("*.wav"))
            references = {
                p.stem: p.read_text(encoding="utf-8").strip()
                for p in (args.speech / "ref").glob("*.txt")
            }
        else:
            print(
                f"No real speech at {args.speech}: word error rate skipped; timing the "
                "espeak-ng sample interview instead (no long-form case).",
                file=sys.stderr,
            )
            clips, references = sample_clips(Path(scratch)), {}
        if args.case in ("short", "both"):
            best = summarise(measure(clips, args), references)
            print(report(best, args, clips, command, "short clips, one at a time"), flush=True)
            results["short"] = best
        if args.case in ("long", "both") and references:
            long_clip = Path(scratch) / f"long-{args.long_minutes:g}min.wav"
            spans = join_long(long_pieces(args.speech), args.long_minutes, long_clip)
            best = summarise(measure([long_clip], args), {}, {long_clip.stem: spans})
            described = (
                f"long form, one recording of {len(spans)} pieces of real speech "
                f"({args.long_minutes:g} min of speech, {PAUSE_S} s pauses)"
            )
            print("\n" + report(best, args, [long_clip], command, described), flush=True)
            results["long"] = best
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
