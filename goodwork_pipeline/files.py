"""Writing files so that a crash never leaves a half-written one, and checksums.

Every output goes through ``atomic_write_bytes`` (temp file in the same folder, fsync, rename,
fsync of the folder) or ``replace_dir`` (a whole folder staged and swapped in). Temporary names
start with ``.goodwork-tmp-`` so tools and the overview page can ignore them, followed by the
writer's process id and host (``p1234h0a1b2c3d-``), so that ``remove_stale_temp`` can tell the
leftovers of a crashed (or killed) process from the work of a live one.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import shutil
import socket
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from goodwork_pipeline.errors import DiskFullError

TMP_PREFIX = ".goodwork-tmp-"
_CHUNK = 1 << 20
_HOST = hashlib.sha256(socket.gethostname().encode()).hexdigest()[:8]
_OWNER = re.compile(rf"^{re.escape(TMP_PREFIX)}p(\d+)h([0-9a-f]{{8}})-")
# A leftover without a live owner we can check (another host, an older name) is removed only
# when nothing has touched it for this long.
FOREIGN_TEMP_AGE_S = 24 * 3600


# The workspace holds personal data: it is created for its owner alone, and what goodwork
# writes in a folder that others cannot enter is made owner-only too. Elsewhere (outbox/,
# which communications staff read) files stay readable.
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
SHARED_FILE_MODE = 0o644


def is_private(path: Path) -> bool:
    """Whether ``path`` (or, while it does not exist, its nearest existing folder) is closed
    to group and others."""
    for candidate in (path, *path.parents):
        try:
            return candidate.stat().st_mode & 0o077 == 0
        except FileNotFoundError:
            continue
    return False


def make_dirs(path: Path, *, private: bool | None = None) -> None:
    """``mkdir -p`` in which every folder made is private when asked, or when the folder it is
    made in is private (``Path.mkdir(parents=True)`` gives parents the default mode)."""
    if path.is_dir():
        return
    private = is_private(path) if private is None else private
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=PRIVATE_DIR_MODE if private else 0o777)
            if private:
                os.chmod(folder, PRIVATE_DIR_MODE)  # whatever the umask
    if not path.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "not a folder", str(path))


def make_private_dir(path: Path) -> None:
    """Create ``path`` readable by its owner only; an existing folder is left as it is
    (``goodwork status`` warns when it is open to others)."""
    make_dirs(path, private=True)


def file_mode(folder: Path) -> int:
    return PRIVATE_FILE_MODE if is_private(folder) else SHARED_FILE_MODE


def temp_prefix() -> str:
    """The start of every temporary name this process writes."""
    return f"{TMP_PREFIX}p{os.getpid()}h{_HOST}-"


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


_FULL = frozenset({errno.ENOSPC, errno.EDQUOT})


def disk_full(path: Path) -> DiskFullError:
    return DiskFullError(
        f"No space left on the disk while writing {path}. Nothing that was there before was "
        "changed. Free some space (or enlarge the disk) and run 'goodwork run' again.",
        nl=f"De schijf is vol: {path.name} kon niet worden geschreven. Wat er al stond is "
        "niet veranderd. Vraag de beheerder ruimte te maken; daarna gaat het vanzelf verder.",
        path=path,
    )


@contextlib.contextmanager
def _temp_beside(path: Path) -> Iterator[Path]:
    try:
        make_dirs(path.parent)
        fd, name = tempfile.mkstemp(prefix=temp_prefix(), dir=path.parent)
    except OSError as error:
        if error.errno in _FULL:
            raise disk_full(path) from error
        raise
    os.close(fd)
    temp = Path(name)
    try:
        yield temp
    except BaseException as error:
        temp.unlink(missing_ok=True)
        if isinstance(error, OSError) and error.errno in _FULL:
            raise disk_full(path) from error
        raise


def atomic_write_bytes(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never a part."""
    with _temp_beside(path) as temp:
        with temp.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, file_mode(path.parent))
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
        os.chmod(temp, file_mode(target.parent))
        os.replace(temp, target)
    _fsync_dir(target.parent)
    return copied


def replace_dir(target: Path, staged: Path) -> None:
    """Swap the fully written folder ``staged`` in at ``target``; the old one goes last."""
    make_dirs(target.parent)
    if target.exists():
        retired = target.parent / f"{temp_prefix()}old-{target.name}"
        shutil.rmtree(retired, ignore_errors=True)
        os.replace(target, retired)
        os.replace(staged, target)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        os.replace(staged, target)
    _fsync_dir(target.parent)


def staging_dir(parent: Path, name: str) -> Path:
    """A fresh hidden folder beside where ``name`` will live, to be swapped in by replace_dir."""
    try:
        make_dirs(parent)
        return Path(tempfile.mkdtemp(prefix=f"{temp_prefix()}{name}-", dir=parent))
    except OSError as error:
        if error.errno in _FULL:
            raise disk_full(parent / name) from error
        raise


def _is_stale(leftover: Path, now: float) -> bool:
    match = _OWNER.match(leftover.name)
    if match is not None and match.group(2) == _HOST:
        pid = int(match.group(1))
        if pid == os.getpid():
            return False
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True  # the writer is gone: killed or crashed half-way
        except PermissionError:
            return False  # alive, another user's
        return False
    try:
        return now - leftover.lstat().st_mtime > FOREIGN_TEMP_AGE_S
    except FileNotFoundError:
        return False


def remove_stale_temp(folder: Path) -> int:
    """Remove leftovers of writes that a crash interrupted; return how many were removed.

    Only leftovers of processes that no longer run (on this host) are removed, so a run may
    call this while another process (watch mode, a consent command) is writing.
    """
    removed = 0
    if not folder.is_dir():
        return 0
    now = time.time()
    for leftover in sorted(folder.rglob(f"{TMP_PREFIX}*")):
        if not leftover.exists() or not _is_stale(leftover, now):
            continue
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)
        removed += 1
    return removed
