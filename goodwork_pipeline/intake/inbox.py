"""What is in the inbox: recordings, transcripts, returned drafts, and files to leave alone.

The inbox may have sub-folders (e.g. one for returned drafts). Hidden files, office lock files
and partial downloads are ignored; a file still being copied is waited for, not read
half-written; a symlink that leads outside the inbox is refused.

"Still being copied" means: its size or modification time changed within the last few
seconds, or it is *locked*. Linux has no mandatory locks, so locked means what a copy leaves
visible: another process holds the file open for writing (``/proc/<pid>/fd`` and ``fdinfo``,
for the processes we may inspect), or an exclusive lock is on it (``/proc/locks``: ``flock``
or ``fcntl``, as Samba takes for a file a Windows user is copying in). A copy made from
another machine onto a network share shows neither; there the quiet time is what protects.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from goodwork_pipeline.errors import InputError
from goodwork_pipeline.intake.audio import AUDIO_SUFFIXES
from goodwork_pipeline.intake.sidecar import SIDECAR_SUFFIXES
from goodwork_pipeline.intake.transcript_files import TRANSCRIPT_SUFFIXES

DOCUMENT_SUFFIXES = (".docx", ".docm", ".odt", ".doc", ".pdf")  # .pdf: a paper answer
IGNORED_PREFIXES = (".", "~$", "~")
IGNORED_SUFFIXES = (".part", ".crdownload", ".tmp", ".download", ".partial", ".swp")


class Kind(StrEnum):
    RECORDING = "recording"
    TRANSCRIPT = "transcript"
    DOCUMENT = "document"
    SIDECAR = "sidecar"
    UNSUPPORTED = "unsupported"


@dataclass(frozen=True)
class InboxItem:
    path: Path
    kind: Kind

    @property
    def name(self) -> str:
        return self.path.name


def scan_inbox(inbox: Path) -> list[InboxItem]:
    """Every file in the inbox worth looking at, recordings first, in name order."""
    if not inbox.is_dir():
        return []
    items = []
    root = inbox.resolve()
    for dirpath, dirnames, filenames in os.walk(inbox, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(IGNORED_PREFIXES))
        for name in dirnames:
            # A linked folder is not followed (it may lead anywhere); a folder named like a
            # recording or document is not one. Both are reported, not silently skipped.
            folder = Path(dirpath) / name
            if folder.is_symlink() or _looks_like_input(name):
                items.append(InboxItem(folder, Kind.UNSUPPORTED))
        for name in sorted(filenames):
            if name.startswith(IGNORED_PREFIXES) or name.lower().endswith(IGNORED_SUFFIXES):
                continue
            path = Path(dirpath) / name
            items.append(InboxItem(path, classify(path, root)))
    order = {
        Kind.RECORDING: 0,
        Kind.TRANSCRIPT: 0,
        Kind.DOCUMENT: 1,
        Kind.UNSUPPORTED: 2,
        Kind.SIDECAR: 3,
    }
    return sorted(items, key=lambda item: (order[item.kind], str(item.path)))


def _looks_like_input(name: str) -> bool:
    return name.lower().endswith((*AUDIO_SUFFIXES, *DOCUMENT_SUFFIXES))


def classify(path: Path, inbox_root: Path) -> Kind:
    if path.is_symlink():
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):
            return Kind.UNSUPPORTED
        if not target.is_relative_to(inbox_root) or not target.is_file():
            return Kind.UNSUPPORTED
    suffix = path.suffix.lower()
    if suffix in AUDIO_SUFFIXES:
        return Kind.RECORDING
    if suffix in TRANSCRIPT_SUFFIXES:
        return Kind.TRANSCRIPT
    if suffix in DOCUMENT_SUFFIXES:
        return Kind.DOCUMENT
    if suffix in SIDECAR_SUFFIXES:
        return Kind.SIDECAR
    return Kind.UNSUPPORTED


def inside_inbox(path: Path, inbox: Path) -> bool:
    """True when ``path`` really lies in the inbox: after '..' and links are followed."""
    try:
        return path.resolve().is_relative_to(inbox.resolve())
    except (OSError, RuntimeError):  # a link loop
        return False


def is_complete(path: Path, *, quiet_seconds: float = 2.0, now: float | None = None) -> bool:
    """True when the file has not changed for ``quiet_seconds`` (so it is not being copied).

    A modification time further in the future than that (a recorder or computer whose clock
    runs ahead, its time kept by the copy) says nothing about the file's age: not complete at
    first sight, but see ``changed_lately``: watched unchanged, it is."""
    try:
        stat = path.stat()
    except OSError:
        return False
    now = time.time() if now is None else now
    return now - stat.st_mtime >= quiet_seconds


def changed_lately(path: Path, *, quiet_seconds: float = 2.0, now: float | None = None) -> bool:
    """True when the file's modification time lies within ``quiet_seconds`` of now, so a
    writer may still be at it; a time far in the future is not a recent write (a write sets
    the time to now), so a file that stayed unchanged while watched is complete then too."""
    try:
        stat = path.stat()
    except OSError:
        return True
    now = time.time() if now is None else now
    return abs(now - stat.st_mtime) < quiet_seconds


def wait_until_complete(
    path: Path, *, quiet_seconds: float = 2.0, timeout: float = 600.0, poll: float = 0.5
) -> bool:
    """Wait until size and modification time stay the same for ``quiet_seconds`` and no
    process writes to or locks the file; False if that did not happen within ``timeout``.

    A file last changed more than ``quiet_seconds`` ago and not held by a writer is complete
    at once: watching it settle again would cost every file in a run ``quiet_seconds``."""
    if is_complete(path, quiet_seconds=quiet_seconds) and not is_locked(path):
        return True
    deadline = time.monotonic() + timeout
    last: tuple[int, int] | None = None
    stable_since = time.monotonic()
    while time.monotonic() < deadline:
        try:
            stat = path.stat()
        except OSError:
            return False
        current = (stat.st_size, stat.st_mtime_ns)
        if current != last:
            last, stable_since = current, time.monotonic()
        elif time.monotonic() - stable_since >= quiet_seconds and not changed_lately(
            path, quiet_seconds=quiet_seconds
        ):
            if not is_locked(path):
                return True
            stable_since = time.monotonic()  # still held by a writer: wait a full quiet time
        time.sleep(poll)
    return False


def is_locked(path: Path) -> bool:
    """True when a process holds the file open for writing or has an exclusive lock on it."""
    try:
        stat = path.stat()
    except OSError:
        return False
    return _has_write_lock(stat) or _open_for_writing(path, stat)


def _has_write_lock(stat: os.stat_result) -> bool:
    """An exclusive flock/fcntl lock in /proc/locks ('... WRITE <pid> MAJ:MIN:INODE ...')."""
    try:
        lines = Path("/proc/locks").read_text().splitlines()
    except OSError:
        return False
    wanted = (os.major(stat.st_dev), os.minor(stat.st_dev), stat.st_ino)
    for line in lines:
        fields = line.split()
        if "->" in fields:  # a process waiting for a lock: not a holder
            continue
        if len(fields) < 6 or fields[3] != "WRITE":
            continue
        try:
            major, minor, inode = fields[5].split(":")
            if (int(major, 16), int(minor, 16), int(inode)) == wanted:
                return True
        except ValueError:
            continue
    return False


def _open_for_writing(path: Path, stat: os.stat_result) -> bool:
    """Some process has the file open with O_WRONLY or O_RDWR (/proc/<pid>/fd, fdinfo)."""
    target = str(path.resolve())
    try:
        pids = [entry for entry in os.listdir("/proc") if entry.isdigit()]
    except OSError:
        return False
    for pid in pids:
        try:
            descriptors = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue  # gone, or another user's process we may not inspect
        for fd in descriptors:
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}") != target:
                    continue
                info = Path(f"/proc/{pid}/fdinfo/{fd}").read_text()
                held = os.stat(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if (held.st_dev, held.st_ino) != (stat.st_dev, stat.st_ino):
                continue
            flags = next(
                (line.split()[1] for line in info.splitlines() if line.startswith("flags:")), "0"
            )
            if int(flags, 8) & (os.O_WRONLY | os.O_RDWR):
                return True
    return False


def kept_in_inbox(error: InputError) -> InputError:
    """The same error, adding that the file stays in the inbox (where the pipeline found it)."""
    return type(error)(
        f"{error.message} The file stays in the inbox.",
        nl=f"{error.nl} Het bestand blijft in de inbox staan.",
        path=error.path,
    )
