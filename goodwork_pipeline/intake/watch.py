"""Watching the inbox: which files are ready to be handled, as they land.

``InboxWatcher.batches()`` yields lists of inbox items that are completely written: first
everything already in the inbox (files dropped while goodwork was not running), then each
file as it lands. A file counts as complete when its size and modification time have not
changed for ``settle_seconds`` (the rule of ``intake.wait_until_complete``), so a large file
copied slowly is ignored until the copy is done; the watcher never blocks on one slow file
while others are ready.

watchfiles (inotify on Linux) wakes the watcher when something changes; every wake-up, and
every ``rescan_seconds`` in any case, it rescans the inbox, so an event missed (a network
share, an overflow) delays a file but never loses it. A file is handed out once per version:
a rejected file that stays in the inbox is not handed out again until it changes, or until
its sidecar does (fixing the sidecar retries the recording).

Nothing here knows about Prefect; ``flows/watch_inbox.py`` decides what to run for a batch.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import watchfiles

from goodwork_pipeline.intake.inbox import (
    InboxItem,
    Kind,
    changed_lately,
    is_complete,
    scan_inbox,
)
from goodwork_pipeline.logs import fields

log = logging.getLogger(__name__)

Signature = tuple[int, int]  # size, mtime in ns
Key = tuple[Signature, Signature | None]  # the file's and its sidecar's


@dataclass
class _Seen:
    key: Key
    since: float  # monotonic time this version was first seen


@dataclass
class InboxWatcher:
    inbox: Path
    settle_seconds: float = 2.0
    rescan_seconds: float = 10.0
    stop: threading.Event = field(default_factory=threading.Event)
    force_polling: bool | None = None
    clock: Callable[[], float] = time.monotonic
    _seen: dict[Path, _Seen] = field(default_factory=dict)
    _handled: dict[Path, Key] = field(default_factory=dict)

    def batches(self) -> Iterator[list[InboxItem]]:
        """Ready items, in batches (some empty), until ``stop`` is set or Ctrl-C."""
        self.inbox.mkdir(parents=True, exist_ok=True)
        yield self.ready()  # what was there before we started
        tick_ms = int(min(max(self.settle_seconds / 2, 0.2), self.rescan_seconds) * 1000)
        last_scan = self.clock()
        for _changes in watchfiles.watch(
            self.inbox,
            stop_event=self.stop,
            yield_on_timeout=True,
            rust_timeout=tick_ms,
            debounce=min(tick_ms, 500),
            step=50,
            force_polling=self.force_polling,
            raise_interrupt=False,
        ):
            # Rescan on events, and while files are settling; otherwise now and then.
            if _changes or self._seen or self.clock() - last_scan >= self.rescan_seconds:
                last_scan = self.clock()
                yield self.ready()  # may be empty: the caller gets a turn now and then
            if self.stop.is_set():
                return

    def ready(self) -> list[InboxItem]:
        """Scan once: the items complete and not yet handed out in this version."""
        now = self.clock()
        items = scan_inbox(self.inbox)
        present = {item.path for item in items}
        for gone in set(self._seen) - present:
            del self._seen[gone]
        for gone in set(self._handled) - present:
            del self._handled[gone]
        sidecars = {item.path: _signature(item.path) for item in items if item.kind == Kind.SIDECAR}
        ready: list[InboxItem] = []
        for item in items:
            if item.kind == Kind.SIDECAR:
                continue
            signature = _signature(item.path)
            if signature is None:
                continue
            key = (signature, _sidecar_signature(item.path, sidecars))
            if self._handled.get(item.path) == key:
                continue
            seen = self._seen.get(item.path)
            if seen is None or seen.key != key:
                # New or changed. A file whose modification time is already older than the
                # settle time is not being written (it was there before we looked).
                self._seen[item.path] = _Seen(key, now)
                if not is_complete(item.path, quiet_seconds=self.settle_seconds):
                    continue
            elif now - seen.since < self.settle_seconds or changed_lately(
                item.path, quiet_seconds=self.settle_seconds
            ):
                continue
            del self._seen[item.path]
            self._handled[item.path] = key
            ready.append(item)
        if ready:
            log.info("%d inbox file(s) ready", len(ready), extra=fields(count=len(ready)))
        return ready

    def forget(self, path: Path) -> None:
        """Hand ``path`` out again when it is next complete (e.g. its run could not start)."""
        self._handled.pop(path, None)


def _signature(path: Path) -> Signature | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


def _sidecar_signature(path: Path, sidecars: dict[Path, Signature | None]) -> Signature | None:
    for candidate, signature in sidecars.items():
        if candidate.parent == path.parent and candidate.stem == path.stem:
            return signature
    return None
