"""Making ``outbox/`` match consent: assets for exactly the consented channels, nothing else.

``sync_story`` is the only code that writes or removes publish-ready files. It renders every
asset of the consented channels into a hidden staging folder, writes the manifest last, and
swaps the folder in at once. With no valid consent it removes the story's folder. Run it
after every consent change, withdrawal or text change: the outbox then always equals what the
ledger allows for the current approved text.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .files import atomic_write_bytes, replace_dir, sha256_bytes, staging_dir
from .models import Beeld, Channel, Consent, NameDisplay, Sidecar
from .render import PublicView, Renderer, public_view

MANIFEST = "manifest.json"
CHANNEL_FOLDERS: dict[Channel, str] = {
    Channel.WEBSITE: "website",
    Channel.SOCIAL: "sociale-media",
    Channel.GROUP: "groepsgesprek",
    Channel.INTERNAL: "intern",
}


@dataclass(frozen=True)
class Asset:
    channel: Channel
    name: str
    render: Callable[[Renderer, PublicView], bytes]


def _pdf(renderer: Renderer, view: PublicView) -> bytes:
    return renderer.pdf(view)


def _linkedin(renderer: Renderer, view: PublicView) -> bytes:
    return renderer.linkedin(view).encode("utf-8")


ASSETS: tuple[Asset, ...] = (
    Asset(Channel.WEBSITE, "beeld.pdf", _pdf),
    Asset(Channel.SOCIAL, "linkedin.txt", _linkedin),
    Asset(Channel.GROUP, "beeld.pdf", _pdf),
    Asset(Channel.INTERNAL, "beeld.pdf", _pdf),
)


@dataclass(frozen=True)
class PublishResult:
    story_id: str
    folder: Path | None
    channels: frozenset[Channel]
    files: tuple[str, ...]
    removed: tuple[Path, ...]


def sync_story(
    *,
    story_id: str,
    consent: Consent | None,
    approved: Beeld | None,
    sidecar: Sidecar,
    renderer: Renderer,
    outbox: Path,
    programme: str,
    date: dt.date,
    now: dt.datetime,
) -> PublishResult:
    existing = story_folders(outbox, story_id)
    if consent is None or approved is None or approved.text_sha256() != consent.text_sha256:
        for folder in existing:
            shutil.rmtree(folder)
        return PublishResult(story_id, None, frozenset(), (), tuple(existing))

    view = public_view(approved, sidecar, consent.name_display, programme=programme, date=date)
    name = folder_name(date, approved.title, sidecar, consent.name_display)
    target = _free_folder(outbox, name, story_id)
    staged = staging_dir(outbox, target.name)
    try:
        entries = []
        rendered: dict[str, bytes] = {}
        for asset in ASSETS:
            if asset.channel not in consent.channels:
                continue
            key = asset.render.__name__
            if key not in rendered:
                rendered[key] = asset.render(renderer, view)
            relative = f"{CHANNEL_FOLDERS[asset.channel]}/{asset.name}"
            atomic_write_bytes(staged / relative, rendered[key])
            entries.append(
                {
                    "path": relative,
                    "channel": asset.channel.value,
                    "sha256": sha256_bytes(rendered[key]),
                    "bytes": len(rendered[key]),
                }
            )
        manifest = {
            "story": story_id,
            "title": approved.title,
            "published_at": now.isoformat(timespec="seconds"),
            "consent": {
                "ledger_record": consent.record_id,
                "channels": sorted(c.value for c in consent.channels),
                "name_display": consent.name_display.value,
                "text_sha256": consent.text_sha256,
            },
            "files": entries,
        }
        atomic_write_bytes(
            staged / MANIFEST,
            json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8"),
        )
        replace_dir(target, staged)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    removed = []
    for folder in existing:
        if folder != target:
            shutil.rmtree(folder)
            removed.append(folder)
    return PublishResult(
        story_id,
        target,
        consent.channels,
        tuple(entry["path"] for entry in entries),
        tuple(removed),
    )


def story_folders(outbox: Path, story_id: str) -> list[Path]:
    """Every publish folder in the outbox that belongs to this story (by its manifest)."""
    found = []
    if not outbox.is_dir():
        return found
    for manifest in outbox.glob(f"*/{MANIFEST}"):
        if manifest.parent.name.startswith("."):
            continue
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
        if data.get("story") == story_id:
            found.append(manifest.parent)
    return found


def read_manifest(folder: Path) -> dict:
    return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))


def folder_name(date: dt.date, title: str, sidecar: Sidecar, name_display: NameDisplay) -> str:
    hidden = set()
    if name_display != NameDisplay.FULL and sidecar.participant:
        names = sidecar.participant.split()
        hidden = {_slug(n) for n in (names if name_display == NameDisplay.ROLE else names[1:])}
    words = [w for w in _slug(title).split("-") if w and w not in hidden]
    slug = "-".join(words)[:60].rstrip("-") or "beeld"
    return f"{date.isoformat()}-{slug}"


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _free_folder(outbox: Path, name: str, story_id: str) -> Path:
    candidate = outbox / name
    manifest = candidate / MANIFEST
    if candidate.exists() and manifest.exists():
        try:
            owner = json.loads(manifest.read_text(encoding="utf-8")).get("story")
        except (OSError, json.JSONDecodeError):
            owner = None
        if owner != story_id:
            return outbox / f"{name}-{story_id[3:].lower()}"
    elif candidate.exists():
        return outbox / f"{name}-{story_id[3:].lower()}"
    return candidate
