"""Which faster-whisper configuration should be the default? Speed, memory and accuracy.

Runs raw faster-whisper (the bundled base model) on the real Dutch speech in ../shared/speech
(the six clips joined into one recording) in several configurations, each in its own process
so peak memory is its own, alternating the order over rounds because the machine is shared.
Prints real-time factor (RTF: seconds of work per second of audio), word error rate (WER) and
peak memory per configuration.

    .venv/bin/python bench/choose_defaults.py [--rounds 2] [--threads 2]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

CONFIGS = {
    "sequential int8 beam5": dict(batched=False, compute_type="int8", beam=5),
    "sequential float32 beam5": dict(batched=False, compute_type="float32", beam=5),
    "batched4 int8 beam5": dict(batched=True, compute_type="int8", beam=5, batch=4),
    "batched8 int8 beam5": dict(batched=True, compute_type="int8", beam=5, batch=8),
    "batched8 float32 beam5": dict(batched=True, compute_type="float32", beam=5, batch=8),
    "batched8 int8 beam1": dict(batched=True, compute_type="int8", beam=1, batch=8),
    "batched16 int8 beam5": dict(batched=True, compute_type="int8", beam=5, batch=16),
}


def run_one(name: str, threads: int) -> dict[str, float]:
    from _common import joined_speech, peak_rss_mb, wer
    from faster_whisper import BatchedInferencePipeline, WhisperModel

    from goodwork_pipeline.settings import load_settings
    from goodwork_pipeline.transcription.whisper_model import resolve_model

    config = CONFIGS[name]
    settings = load_settings(environ={})
    location = resolve_model("base", base_dir=Path.cwd(), cache_dir=settings.model_cache_dir)
    audio, reference = joined_speech()
    model = WhisperModel(
        location.path_or_name,
        device="cpu",
        compute_type=config["compute_type"],
        cpu_threads=threads,
    )
    options = dict(language="nl", beam_size=config["beam"], word_timestamps=True, vad_filter=True)
    if config["batched"]:
        engine = BatchedInferencePipeline(model)
        options["batch_size"] = config["batch"]
    else:
        engine = model
    list(engine.transcribe(audio[: 16000 * 5], **options)[0])  # warm up
    started = time.perf_counter()
    segments, _ = engine.transcribe(audio, **options)
    text = " ".join(s.text.strip() for s in segments)
    seconds = time.perf_counter() - started
    return {
        "rtf": seconds / (len(audio) / 16000),
        "wer": wer(reference, text),
        "peak_mb": peak_rss_mb(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--only", action="append", help="run only these configurations")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.threads)))
        return
    from _common import speech_clips

    speech_clips()  # exits with a message when the speech is absent
    names = args.only or list(CONFIGS)
    results: dict[str, list[dict[str, float]]] = {name: [] for name in names}
    for round_number in range(args.rounds):
        order = names if round_number % 2 == 0 else list(reversed(names))
        for name in order:
            output = subprocess.run(
                [sys.executable, __file__, "--one", name, "--threads", str(args.threads)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            results[name].append(json.loads(output.strip().splitlines()[-1]))
            print(f"  round {round_number + 1}: {name}: {results[name][-1]}", flush=True)
    print(f"\n| configuration ({args.threads} threads) | RTF (median) | WER | peak memory |")
    print("|---|---|---|---|")
    for name in names:
        runs = results[name]
        rtf = statistics.median(r["rtf"] for r in runs)
        print(
            f"| {name} | {rtf:.3f} | {runs[0]['wer']:.1%} | "
            f"{max(r['peak_mb'] for r in runs):.0f} MB |"
        )


if __name__ == "__main__":
    main()
