"""Writing files so that a crash never leaves a half-written one, and checksums.

Every output goes through ``atomic_write_bytes`` (temp file in the same folder, fsync, rename,
fsync of the folder) or ``replace_dir`` (a whole folder staged and swapped in). Temporary names
start with ``.goodwork-tmp-`` so tools and the overview page can ignore them.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

TMP_PREFIX = ".goodwork-tmp-"
_CHUNK = 1 << 20


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):  # not every filesystem lets a folder be fsynced
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def _temp_beside(path: Path) -> Iterator[Path]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=TMP_PREFIX, dir=path.parent)
    os.close(fd)
    temp = Path(name)
    try:
        yield temp
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def atomic_write_bytes(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never a part."""
    with _temp_beside(path) as temp:
        with temp.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    _fsync_dir(path.parent)
    return path


def atomic_write_text(path: Path, text: str) -> Path:
    return atomic_write_bytes(path, text.encode("utf-8"))


def atomic_copy(source: Path, target: Path, expected_sha256: str | None = None) -> str:
    """Copy ``source`` to ``target`` atomically; verify the copy's checksum; return it."""
    with _temp_beside(target) as temp:
        with source.open("rb") as src, temp.open("wb") as dst:
            shutil.copyfileobj(src, dst, _CHUNK)
            dst.flush()
            os.fsync(dst.fileno())
        copied = sha256_file(temp)
        if expected_sha256 is not None and copied != expected_sha256:
            raise OSError(f"copy of {source} to {target} does not match its checksum")
        os.chmod(temp, 0o644)
        os.replace(temp, target)
    _fsync_dir(target.parent)
    return copied


def replace_dir(target: Path, staged: Path) -> None:
    """Swap the fully written folder ``staged`` in at ``target``; the old one goes last."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        retired = target.parent / f"{TMP_PREFIX}old-{target.name}-{os.getpid()}"
        shutil.rmtree(retired, ignore_errors=True)
        os.replace(target, retired)
        os.replace(staged, target)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        os.replace(staged, target)
    _fsync_dir(target.parent)


def staging_dir(parent: Path, name: str) -> Path:
    """A fresh hidden folder beside where ``name`` will live, to be swapped in by replace_dir."""
    parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}{name}-", dir=parent))


def remove_stale_temp(folder: Path) -> int:
    """Remove leftovers of writes that a crash interrupted; return how many were removed."""
    removed = 0
    if not folder.is_dir():
        return 0
    for leftover in folder.rglob(f"{TMP_PREFIX}*"):
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)
        removed += 1
    return removed
