"""One file to a transcript without a story ('goodwork transcribe', for researchers): the
same engine, settings and safeguards as the pipeline, with the sidecar beside the file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from goodwork_pipeline.files import atomic_write_text
from goodwork_pipeline.intake.sidecar import read_sidecar, sidecar_for
from goodwork_pipeline.intake.transcript_files import (
    is_transcript_file,
    read_transcript_file,
    render,
)
from goodwork_pipeline.models import Transcript
from goodwork_pipeline.settings import Settings
from goodwork_pipeline.transcription.progress import ProgressMeter
from goodwork_pipeline.transcription.stage import Transcription

FORMATS = ("txt", "json", "srt", "vtt")


def transcript_format(output: Path | None) -> str:
    """The format an output file's extension asks for; txt when it names none."""
    suffix = output.suffix.lower().lstrip(".") if output else ""
    return suffix if suffix in FORMATS else "txt"


def needs_transcribing(file: Path) -> bool:
    """False for a .vtt, .srt or .txt transcript: that is converted, not transcribed."""
    return not is_transcript_file(file)


def transcribe_one(
    settings: Settings,
    file: Path,
    *,
    language: str | None = None,
    progress: Callable[[ProgressMeter], None] | None = None,
) -> Transcript:
    """FILE's transcript; the language is ``language``, else the sidecar's, else the setting."""
    sidecar = read_sidecar(sidecar_for(file))
    language = language or sidecar.language or settings.language
    if not needs_transcribing(file):
        return read_transcript_file(file, language=language)
    return Transcription(settings).transcribe_file(
        file, sidecar=replace(sidecar, language=language), progress=progress
    )


def transcribe_to(
    settings: Settings,
    file: Path,
    *,
    fmt: str | None = None,
    output: Path | None = None,
    language: str | None = None,
    progress: Callable[[ProgressMeter], None] | None = None,
) -> tuple[Transcript, str]:
    """FILE's transcript and its text in ``fmt`` (default: what ``output``'s extension asks
    for), written to ``output`` when one is given."""
    transcript = transcribe_one(settings, file, language=language, progress=progress)
    text = render(transcript, fmt or transcript_format(output))
    if output is not None:
        atomic_write_text(output, text)
    return transcript, text
