"""The overview page for communications staff: ``outbox/index.html``.

Built from what is in the outbox right now (each story folder's ``manifest.json`` and files,
and the group booklets), so it can never show a story whose consent was withdrawn: the folder
is gone, and ``publish.sync_story`` rebuilds this page after every change. It is one static
file with relative links and its styles and script inline: it opens from disk, no server.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from goodwork_pipeline.consent_wording import CHANNEL_BOXES
from goodwork_pipeline.models import Channel
from goodwork_pipeline.publishing.outbox import (
    BOOKLETS,
    CHANNEL_FOLDERS,
    booklets,
    read_manifest,
    story_folders,
)
from goodwork_pipeline.publishing.platform_texts import PLATFORM_BY_KEY
from goodwork_pipeline.publishing.render import Renderer
from goodwork_pipeline.text_nl import date_nl

THUMBNAILS = (
    "sociale-media/kaart-1080x1080.png",
    "website/kaart-1200x627.png",
    "website/beeld-voorbeeld.png",
    "groepsgesprek/beeld-voorbeeld.png",
    "intern/beeld-voorbeeld.png",
)
PDFS = ("website/beeld.pdf", "groepsgesprek/beeld.pdf", "intern/beeld.pdf")


@dataclass(frozen=True)
class TextEntry:
    key: str
    label: str
    text: str
    length: int
    limit: int
    unit: str


@dataclass(frozen=True)
class FileLink:
    label: str
    href: str
    note: str = ""


@dataclass(frozen=True)
class StoryEntry:
    folder: str
    story: str
    title: str
    who: str | None
    date: str
    date_nl: str
    channels: tuple[str, ...]
    thumbnail: str | None
    thumbnail_alt: str
    pdf: str | None
    texts: tuple[TextEntry, ...]
    cards: tuple[FileLink, ...]
    files: tuple[FileLink, ...] = field(default=())


def _href(*parts: str) -> str:
    return "/".join(quote(part) for part in "/".join(parts).split("/"))


def _date_nl(value: str) -> str:
    try:
        return date_nl(dt.date.fromisoformat(value))
    except ValueError:
        return value


def story_entry(folder: Path) -> StoryEntry:
    manifest = read_manifest(folder)
    by_path = {entry["path"]: entry for entry in manifest["files"]}
    channels = tuple(
        CHANNEL_BOXES[channel]
        for channel in Channel
        if channel.value in manifest["consent"]["channels"]
    )
    texts = []
    for path, entry in by_path.items():
        if entry["kind"] == "text":
            platform = PLATFORM_BY_KEY[entry["platform"]]
            texts.append(
                TextEntry(
                    key=f"{folder.name}/{entry['platform']}",
                    label=platform.label,
                    text=(folder / path).read_text(encoding="utf-8"),
                    length=entry["length"],
                    limit=entry["limit"],
                    unit=entry["counted_as"],
                )
            )
    cards = tuple(
        FileLink(
            f"{entry['width']}×{entry['height']}"
            + (" (website)" if path.startswith("web") else ""),
            _href(folder.name, path),
            entry.get("alt_text", ""),
        )
        for path, entry in by_path.items()
        if entry["kind"] == "card"
    )
    files = tuple(
        FileLink(label, _href(folder.name, path))
        for path, label in (
            ("website/beeld.html", "HTML voor de website"),
            ("website/beeld.md", "Markdown voor de website"),
        )
        if path in by_path
    )
    thumbnail = next((p for p in THUMBNAILS if p in by_path), None)
    alt = by_path[thumbnail].get("alt_text", "") if thumbnail else ""
    pdf = next((p for p in PDFS if p in by_path), None)
    return StoryEntry(
        folder=folder.name,
        story=manifest["story"],
        title=manifest["title"],
        who=manifest.get("who"),
        date=manifest.get("date", ""),
        date_nl=_date_nl(manifest.get("date", "")),
        channels=channels,
        thumbnail=_href(folder.name, thumbnail) if thumbnail else None,
        thumbnail_alt=alt or f"Eerste pagina van ‘{manifest['title']}’",
        pdf=_href(folder.name, pdf) if pdf else None,
        texts=tuple(sorted(texts, key=lambda t: list(PLATFORM_BY_KEY).index(t.key.split("/")[1]))),
        cards=cards,
        files=files,
    )


def render_overview(outbox: Path, renderer: Renderer) -> str:
    stories = sorted(
        (story_entry(folder) for folder in story_folders(outbox)),
        key=lambda s: (s.date, s.title),
        reverse=True,
    )
    books = [
        {**book, "href": _href(BOOKLETS, book["file"]), "count": len(book["stories"])}
        for book in booklets(outbox)
    ]
    texts = {text.key: text.text for story in stories for text in story.texts}
    # JSON inside <script>: '<' escaped so no text can close the element.
    texts_json = json.dumps(texts, ensure_ascii=False).replace("<", "\\u003c")
    return renderer.render_html(
        "overview.html.j2",
        stories=stories,
        booklets=books,
        texts_json=texts_json,
        folders=CHANNEL_FOLDERS,
    )
