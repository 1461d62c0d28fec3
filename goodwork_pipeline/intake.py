"""What is in the inbox: recordings, returned drafts, and files to leave alone.

The inbox may have sub-folders (e.g. one for returned drafts). Hidden files, office lock files
and partial downloads are ignored; a file still being copied is waited for, not read
half-written; a symlink that leads outside the inbox is refused.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from .audio import AUDIO_SUFFIXES
from .sidecar import SIDECAR_SUFFIXES
from .transcript_files import TRANSCRIPT_SUFFIXES

DOCUMENT_SUFFIXES = (".docx", ".docm", ".odt", ".doc")
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


def is_complete(path: Path, *, quiet_seconds: float = 2.0, now: float | None = None) -> bool:
    """True when the file has not changed for ``quiet_seconds`` (so it is not being copied)."""
    try:
        stat = path.stat()
    except OSError:
        return False
    now = time.time() if now is None else now
    return now - stat.st_mtime >= quiet_seconds


def wait_until_complete(
    path: Path, *, quiet_seconds: float = 2.0, timeout: float = 600.0, poll: float = 0.5
) -> bool:
    """Wait until size and modification time stay the same for ``quiet_seconds``."""
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
        elif time.monotonic() - stable_since >= quiet_seconds and is_complete(
            path, quiet_seconds=quiet_seconds
        ):
            return True
        time.sleep(poll)
    return False
