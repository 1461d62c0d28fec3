"""A 45-minute interview through the whole transcription stage: wall time and peak memory.

The recording is an espeak-ng conversation (the interviewer asking, the participant
answering, two voices, pauses between turns) of 45 minutes, made once and kept in the
system's temp folder. Two measurements, each in its own process:

- ``stage``: what ``goodwork transcribe`` does: decode and check the recording, voice
  activity, every chunk, loop and gap checks, speakers, the four transcript files.
- ``flow``: the pipeline as it runs from the inbox: ``Pipeline.receive`` (decode and check)
  then the ``transcribe-story`` Prefect flow, every chunk a cached task, up to the transcript
  files and the story moving on. Embedded Prefect's own start-up (once per process, with a
  new database here) is measured before and reported apart (``prefect_start_s``).

Both include loading the model. Targets (issue 3): <= 3 minutes and <= 1.5 GB on 2 cores.

    .venv/bin/python bench/long_recording.py [--minutes 45] [--threads 2] [--only stage|flow]
                                             [--stereo]
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

CACHE = Path(tempfile.gettempdir()) / "goodwork-bench"


def make_recording(minutes: float, *, stereo: bool = False) -> Path:
    """The conversations of bench/speakers.py, one after another, until ``minutes`` long;
    with ``stereo`` the interviewer on the left channel and the participant on the right."""
    from speakers import CONVERSATIONS

    from goodwork_pipeline.testing import samples

    path = CACHE / f"interview-{minutes:g}min{'-stereo' if stereo else ''}.wav"
    if path.is_file():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    spoken: dict[tuple[str, str], np.ndarray] = {}
    rate = 22050
    pause = np.zeros(int(samples.PAUSE_S * rate), dtype=np.int16)
    pieces: list[np.ndarray] = []
    length = 0.0
    lines = [line for conversation in CONVERSATIONS.values() for line in conversation]
    while length < minutes * 60:
        for role, text in lines:
            if (role, text) not in spoken:
                spoken[(role, text)], rate = samples.speak(text, role)
            voice = spoken[(role, text)]
            if stereo:
                silent = np.zeros_like(voice)
                voice = np.stack(
                    [voice, silent] if role == samples.INTERVIEWER else [silent, voice]
                )
                pieces += [voice, np.stack([pause, pause])]
            else:
                pieces += [voice, pause]
            length += voice.shape[-1] / rate + samples.PAUSE_S
            if length >= minutes * 60:
                break
    frames = np.concatenate(pieces, axis=-1)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(2 if stereo else 1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes((frames.T if stereo else frames).astype("<i2").tobytes())
    path.write_bytes(buffer.getvalue())
    return path


def run_stage(recording: Path, threads: int) -> dict[str, float]:
    from _common import peak_rss_mb

    from goodwork_pipeline.intake.transcript_files import write_transcript
    from goodwork_pipeline.settings import load_settings
    from goodwork_pipeline.transcription.stage import Transcription

    started = time.perf_counter()
    settings = load_settings(environ={}, threads=threads)
    transcript = Transcription(settings).transcribe_file(recording)
    with tempfile.TemporaryDirectory() as folder:
        write_transcript(transcript, Path(folder))
    return {
        "seconds": time.perf_counter() - started,
        "peak_mb": peak_rss_mb(),
        "segments": len(transcript.segments),
        "gaps": len(transcript.gaps),
        "speakers": len({s.speaker for s in transcript.segments if s.speaker}),
    }


def run_flow(recording: Path, threads: int) -> dict[str, float]:
    import os

    from _common import peak_rss_mb

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        os.environ["PREFECT_HOME"] = str(root / "prefect-home")
        (root / "inbox").mkdir()
        (root / "goodwork.toml").write_text(f"threads = {threads}\nsettle_seconds = 0\n")
        target = root / "inbox" / recording.name
        shutil.copyfile(recording, target)
        from prefect import flow

        from flows.transcribe_story import transcribe_story
        from goodwork_pipeline.pipeline import Pipeline
        from goodwork_pipeline.settings import load_settings

        @flow(name="start-prefect")
        def start_prefect() -> None:
            """The embedded server starts once per process (and makes its database)."""

        begun = time.perf_counter()
        start_prefect()
        prefect_start = time.perf_counter() - begun
        started = time.perf_counter()

        pipeline = Pipeline(load_settings(root), source="bench")
        received = pipeline.receive(target)
        assert received.ok and received.story_id, received
        result = transcribe_story(pipeline, received.story_id)
        assert result.ok, result
        seconds = time.perf_counter() - started
        story = pipeline.store.story(received.story_id)
        return {
            "seconds": seconds,
            "peak_mb": peak_rss_mb(),
            "state": str(story.state),
            "prefect_start_s": round(prefect_start, 1),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=45)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--only", choices=["stage", "flow"], action="append")
    parser.add_argument("--stereo", action="store_true", help="one speaker per channel")
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        kind, recording = args.one
        run = run_stage if kind == "stage" else run_flow
        print(json.dumps(run(Path(recording), args.threads)))
        return
    from goodwork_pipeline.testing.samples import espeak_available

    if not espeak_available():
        print("SKIP: espeak-ng is needed to make the recording")
        return
    started = time.perf_counter()
    recording = make_recording(args.minutes, stereo=args.stereo)
    with wave.open(str(recording)) as handle:
        duration = handle.getnframes() / handle.getframerate()
    print(
        f"recording: {recording} ({duration / 60:.1f} min, made or found in "
        f"{time.perf_counter() - started:.0f} s)"
    )
    print("\n| measurement | wall time | real-time factor | peak memory | target |")
    print("|---|---|---|---|---|")
    for kind in args.only or ["stage", "flow"]:
        output = subprocess.run(
            [
                sys.executable,
                __file__,
                "--one",
                kind,
                str(recording),
                "--threads",
                str(args.threads),
            ],
            capture_output=True,
            text=True,
        )
        if output.returncode != 0:
            print(f"| {kind} | failed: {output.stderr.strip().splitlines()[-1]} | | | |")
            continue
        result = json.loads(output.stdout.strip().splitlines()[-1])
        minutes, secs = divmod(round(result["seconds"]), 60)
        print(
            f"| {kind} | {minutes}:{secs:02d} | {result['seconds'] / duration:.3f} | "
            f"{result['peak_mb']:.0f} MB | <= 3:00, <= 1536 MB |  {json.dumps(result)}",
            flush=True,
        )


if __name__ == "__main__":
    main()
