"""The pipeline's transcription vs raw faster-whisper: speed, memory and word error rate.

Same weights (the bundled base model), same audio (the real Dutch speech in ../shared/speech,
the six clips joined into one 3-minute recording, as a WAV file both read themselves), same
threads, beam, batch size and compute type. Raw faster-whisper is its batched pipeline with
its own VAD and word timestamps; the pipeline is ``Transcription.transcribe_file`` (decode and
checks, VAD, chunks, gap accounting, loop checks, speakers, segments). Each measurement runs
in its own process (so peak memory is its own), alternating the order over rounds, because
the machine is shared. The model is loaded and warmed up before the clock starts, for both.

    .venv/bin/python bench/transcription.py [--rounds 3] [--threads 2]

Prints a Markdown table: median real-time factor (seconds of work per second of audio), the
pipeline's overhead over raw faster-whisper, peak memory, and word error rate per clip.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ENGINES = ("raw faster-whisper", "pipeline")


def write_wav(path: Path, samples: object) -> None:
    import numpy as np

    data = (np.clip(np.asarray(samples), -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(data.tobytes())


def run_one(engine: str, audio: Path, threads: int) -> dict[str, object]:
    from _common import peak_rss_mb

    from goodwork_pipeline.settings import load_settings

    settings = load_settings(environ={}, threads=threads)
    warm = audio.with_name("warm-up.wav")
    if engine == "pipeline":
        from goodwork_pipeline.transcription.stage import Transcription

        stage = Transcription(settings)
        stage.transcribe_file(warm)
        engine = stage.transcriber
        inner = engine.transcribe
        in_engine = [0.0]

        def timed(samples: object, options: object) -> object:
            begun = time.perf_counter()
            try:
                return inner(samples, options)  # type: ignore[arg-type]
            finally:
                in_engine[0] += time.perf_counter() - begun

        engine.transcribe = timed  # type: ignore[method-assign]
        started = time.perf_counter()
        transcript = stage.transcribe_file(audio)
        seconds = time.perf_counter() - started
        words = [(w.start, w.text) for s in transcript.segments for w in s.words]
        gaps = len(transcript.gaps)
        return {
            "seconds": seconds,
            "own_seconds": seconds - in_engine[0],
            "peak_mb": peak_rss_mb(),
            "words": words,
            "gaps": gaps,
        }
    else:
        from faster_whisper import BatchedInferencePipeline, WhisperModel

        from goodwork_pipeline.transcription.whisper_model import resolve_model

        location = resolve_model("base", base_dir=Path.cwd(), cache_dir=settings.model_cache_dir)
        model = WhisperModel(
            location.path_or_name,
            device="cpu",
            compute_type=settings.compute_type,
            cpu_threads=threads,
        )
        batched = BatchedInferencePipeline(model)
        options = dict(
            language="nl",
            beam_size=settings.beam_size,
            batch_size=settings.batch_size,
            word_timestamps=True,
        )
        list(batched.transcribe(str(warm), **options)[0])
        started = time.perf_counter()
        segments = list(batched.transcribe(str(audio), **options)[0])
        seconds = time.perf_counter() - started
        words = [(w.start, w.word.strip()) for s in segments for w in s.words or ()]
        gaps = 0
    return {"seconds": seconds, "peak_mb": peak_rss_mb(), "words": words, "gaps": gaps}


def word_error_rates(words: list[list[object]], clips: list[tuple[str, float, float, str]]) -> dict:
    from _common import word_errors

    table = {}
    total_errors = total_words = 0
    for name, start, end, reference in clips:
        hypothesis = " ".join(str(text) for time, text in words if start <= float(time) < end)
        errors, count = word_errors(reference, hypothesis)
        table[name] = errors / count
        total_errors += errors
        total_words += count
    table["all"] = total_errors / total_words
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        engine, audio = args.one
        print(json.dumps(run_one(engine, Path(audio), args.threads)))
        return

    import numpy as np
    from _common import speech_clips

    clips = speech_clips()
    with tempfile.TemporaryDirectory() as folder:
        audio = Path(folder) / "speech.wav"
        pause = np.zeros(16000, dtype=np.float32)
        pieces, spans, position = [], [], 0.0
        for clip in clips:
            pieces += [clip.samples, pause]
            spans.append((clip.name, position, position + clip.duration + 0.5, clip.reference))
            position += clip.duration + 1.0
        write_wav(audio, np.concatenate(pieces))
        write_wav(audio.with_name("warm-up.wav"), clips[0].samples[: 16000 * 8])
        duration = position
        runs: dict[str, list[dict]] = {engine: [] for engine in ENGINES}
        for round_number in range(args.rounds):
            order = ENGINES if round_number % 2 == 0 else tuple(reversed(ENGINES))
            for engine in order:
                output = subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--one",
                        engine,
                        str(audio),
                        "--threads",
                        str(args.threads),
                    ],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
                runs[engine].append(json.loads(output.strip().splitlines()[-1]))
                print(
                    f"  round {round_number + 1}: {engine}: "
                    f"{runs[engine][-1]['seconds']:.1f} s, {runs[engine][-1]['peak_mb']:.0f} MB",
                    flush=True,
                )
    rtf = {e: statistics.median(r["seconds"] for r in runs[e]) / duration for e in ENGINES}
    ratios = [
        p["seconds"] / r["seconds"]
        for p, r in zip(runs["pipeline"], runs["raw faster-whisper"], strict=True)
    ]
    wer = {e: word_error_rates(runs[e][0]["words"], spans) for e in ENGINES}
    from goodwork_pipeline.settings import load_settings

    defaults = load_settings(environ={})
    print(
        f"\n{duration:.0f} s of real Dutch speech, {args.threads} threads, base "
        f"{defaults.compute_type}, beam {defaults.beam_size}, batch {defaults.batch_size}, "
        f"{args.rounds} rounds\n"
    )
    print("| | RTF (median) | peak memory | WER (all clips) | passages not understood |")
    print("|---|---|---|---|---|")
    for engine in ENGINES:
        print(
            f"| {engine} | {rtf[engine]:.3f} | {max(r['peak_mb'] for r in runs[engine]):.0f} MB | "
            f"{wer[engine]['all']:.1%} | {runs[engine][0]['gaps']} |"
        )
    own = statistics.median(r["own_seconds"] for r in runs["pipeline"])
    raw_seconds = statistics.median(r["seconds"] for r in runs["raw faster-whisper"])
    print(
        f"\npipeline time / raw time, per round: {', '.join(f'{r:.3f}' for r in ratios)}; "
        f"median overhead {statistics.median(ratios) - 1:+.1%}"
    )
    print(
        f"the pipeline's own work (all but the engine calls): {own:.2f} s = "
        f"{own / raw_seconds:.1%} of raw faster-whisper's time (median)\n"
    )
    print("| clip | " + " | ".join(ENGINES) + " |")
    print("|---|---|---|")
    for name, *_ in spans:
        print(f"| {name} | " + " | ".join(f"{wer[e][name]:.1%}" for e in ENGINES) + " |")


if __name__ == "__main__":
    main()
