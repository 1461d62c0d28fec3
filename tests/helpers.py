"""Helpers for tests: the scripted interview, test audio, dropping files in an inbox."""

from __future__ import annotations

import os
import shutil
import wave
from pathlib import Path

import numpy as np
import pytest

from goodwork_pipeline.settings import Settings

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
SHARED_SPEECH = Path(__file__).resolve().parents[2] / "shared" / "speech"


def require_tool(name: str) -> None:
    if shutil.which(name) is None:
        message = f"{name} is not installed (CI installs it through .ci/run)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


SCRIPT = [
    ("interviewer", "Goedemiddag. Wie ben je en wat voor werk doe je?"),
    ("participant", "Ik ben Anna. Ik werk als teammanager in de ouderenzorg, al twaalf jaar."),
    ("interviewer", "Kun je een situatie beschrijven waarin je niet meteen wist wat goed was?"),
    ("participant", "Een bewoner wilde niet meer eten. Haar dochter wilde dat wij haar dwongen."),
    ("interviewer", "Wat heb je toen gedaan?"),
    ("participant", "Ik ben met de dochter gaan praten over de wensen van haar moeder."),
    ("interviewer", "Welke mogelijkheden heb je afgewogen?"),
    ("participant", "Ik twijfelde tussen de regels volgen en luisteren naar de bewoner."),
    ("interviewer", "Wat vind je daarin belangrijk?"),
    (
        "participant",
        "Ik vind het belangrijk dat de bewoner zelf mag kiezen, ook als dat moeilijk is voor "
        "de familie.",
    ),
    ("interviewer", "Wat is voor jou goed werk in zo'n situatie?"),
    ("participant", "Goed werk is dat je echt luistert en samen zoekt naar wat iemand wil."),
]


def make_tone(path: Path, *, seconds: float, rate: int = 16000, channels: int = 1) -> Path:
    """A voice-like sound: a 120 Hz voice with vowel formants, four syllables a second.

    Voice activity detection takes it for speech (a pure tone it rightly rejects), so the
    pipeline accepts it; Whisper hears no words in it. Fast and needs no espeak-ng.
    """
    n = int(seconds * rate)
    t = np.arange(n) / rate
    phase = 2 * np.pi * np.cumsum(120 + 25 * np.sin(2 * np.pi * 0.7 * t)) / rate
    source = sum(np.sin(k * phase) / k for k in range(1, 30))
    vowels = ((730, 1090, 2440), (270, 2290, 3010), (300, 870, 2240), (530, 1840, 2480))
    signal = np.zeros(n)
    syllable = rate // 4
    for index, start in enumerate(range(0, n, syllable)):
        piece = source[start : start + syllable]
        spectrum = np.fft.rfft(piece)
        freqs = np.fft.rfftfreq(len(piece), 1 / rate)
        shape = sum(
            gain * np.exp(-0.5 * ((freqs - formant) / width) ** 2)
            for formant, width, gain in zip(
                vowels[index % 4], (80, 100, 150), (1.0, 0.6, 0.3), strict=True
            )
        )
        signal[start : start + syllable] = np.fft.irfft(spectrum * shape, len(piece))
    signal *= 0.5 - 0.5 * np.cos(2 * np.pi * 4 * t)
    signal = 0.3 * signal / np.max(np.abs(signal))
    frames = (signal * 32767).astype("<i2")
    if channels > 1:
        frames = np.repeat(frames[:, None], channels, axis=1)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(frames.tobytes())
    return path


def drop(
    settings: Settings, source: Path, name: str | None = None, sidecar: str | None = None
) -> Path:
    """Copy a file into the inbox as staff would."""
    target = settings.inbox_dir / (name or source.name)
    shutil.copyfile(source, target)
    if sidecar is not None:
        target.with_suffix(".yaml").write_text(sidecar, encoding="utf-8")
    return target


def pdf_text(path: Path) -> str:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def published_files(outbox: Path) -> list[Path]:
    """Every publish-ready file in the outbox (drafts for sending and the overview excluded)."""
    return sorted(
        p
        for p in outbox.rglob("*")
        if p.is_file()
        and p.relative_to(outbox).parts[0] != "concepten"
        and p.relative_to(outbox) != Path("index.html")
    )


def programme_pipeline(
    folder: Path,
    model_cache: Path,
    *,
    source: str,
    transcriber=None,
    settle: float = 0,
    renderer=None,
):
    """A programme folder (inbox, outbox, workspace and a goodwork.toml, so that a `goodwork`
    subprocess sees the same programme) and a Pipeline on it with a fixed clock."""
    from goodwork_pipeline.clock import FixedClock
    from goodwork_pipeline.pipeline import Pipeline
    from goodwork_pipeline.settings import load_settings
    from goodwork_pipeline.store.repository import Store

    for name in ("inbox", "outbox", "workspace"):
        (folder / name).mkdir(parents=True, exist_ok=True)
    (folder / "goodwork.toml").write_text(
        f'model_cache = "{model_cache}"\nsettle_seconds = {settle}\nthreads = 2\n',
        encoding="utf-8",
    )
    config = load_settings(folder, environ={})
    clock = FixedClock()
    return Pipeline(
        config,
        store=Store(config.database_url, clock=clock),
        transcriber=transcriber,
        clock=clock,
        source=source,
        renderer=renderer,
    )
