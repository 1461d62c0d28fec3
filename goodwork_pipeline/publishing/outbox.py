"""The outbox's layout: one folder per published beeld (with its manifest), one folder per
channel inside it, the group booklets, and the overview page. Reading it back is here too,
so the overview and ``goodwork status`` need nothing of the publishing itself.
"""

from __future__ import annotations

import json
from pathlib import Path

from goodwork_pipeline.models import Channel

MANIFEST = "manifest.json"
OVERVIEW = "index.html"
BOOKLETS = "groepsboekjes"
DRAFTS_FOLDER = "concepten"  # drafts to send, by story code and version
RESERVED = frozenset({DRAFTS_FOLDER, BOOKLETS})  # outbox folders that are not stories
CHANNEL_FOLDERS: dict[Channel, str] = {
    Channel.WEBSITE: "website",
    Channel.SOCIAL: "sociale-media",
    Channel.GROUP: "groepsgesprek",
    Channel.INTERNAL: "intern",
}


def story_folders(outbox: Path, story_id: str | None = None) -> list[Path]:
    """Every publish folder in the outbox (of one story, by its manifest), oldest name first."""
    found: list[Path] = []
    if not outbox.is_dir():
        return found
    for manifest in sorted(outbox.glob(f"*/{MANIFEST}")):
        folder = manifest.parent
        if folder.name.startswith(".") or folder.name in RESERVED:
            continue
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
        if story_id is None or data.get("story") == story_id:
            found.append(folder)
    return found


def read_manifest(folder: Path) -> dict:
    return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))


def booklets(outbox: Path) -> list[dict]:
    """The manifests of every booklet in the outbox."""
    folder = outbox / BOOKLETS
    found = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            found.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, json.JSONDecodeError):
            continue
    return found
