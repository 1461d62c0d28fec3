"""Making ``outbox/`` match consent: assets for exactly the consented channels, nothing else.

``sync_story`` is the only code that writes or removes a story's publish-ready files. It
renders every asset of the consented channels into a hidden staging folder, writes the
manifest last, and swaps the folder in at once. With no valid consent it removes the story's
folder. Either way it then rebuilds the overview page (``outbox/index.html``), so a withdrawn
story disappears from it at once. Run it after every consent change, withdrawal or text
change: the outbox then always equals what the ledger allows for the current approved text.
``sync_booklet`` does the same for a group's booklet (``outbox/groepsboekjes/``).

Which file belongs to which channel (every file to exactly one; a channel folder exists only
when that channel is consented):

    website/        beeld.pdf, beeld-voorbeeld.png (page 1, for a download link),
                    beeld.html (fragment for the CMS), beeld.md (Markdown + front matter),
                    kaart-1200x627.png + .alt.txt (the page's share image)
    sociale-media/  linkedin.txt, x.txt, instagram.txt, bluesky.txt,
                    kaart-1080x1080.png, kaart-1080x1350.png, kaart-1200x627.png (+ .alt.txt)
    groepsgesprek/  beeld.pdf, beeld-voorbeeld.png (to print for a group session)
    intern/         beeld.pdf, beeld-voorbeeld.png (the programme's own learning)

Platform texts carry the link placeholder only when the website channel is consented: with
no web page there is nothing to link to.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import shutil
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from goodwork_pipeline.files import atomic_write_bytes, replace_dir, sha256_bytes, staging_dir
from goodwork_pipeline.models import Beeld, Channel, Consent, NameDisplay, Sidecar
from goodwork_pipeline.privacy.pseudonymise import Pseudonymiser
from goodwork_pipeline.publishing.cards import CARDS, LANDSCAPE, Card, CardSpec
from goodwork_pipeline.publishing.outbox import (
    BOOKLETS,
    CHANNEL_FOLDERS,
    MANIFEST,
    OVERVIEW,
    RESERVED,
    story_folders,
)
from goodwork_pipeline.publishing.overview import render_overview
from goodwork_pipeline.publishing.platform_texts import PLATFORMS, PlatformText
from goodwork_pipeline.publishing.render import Renderer
from goodwork_pipeline.publishing.view import PublicView, public_view

PREVIEW_WIDTH = 620


class Bundle:
    """Every asset of one story, each rendered at most once, on first use."""

    def __init__(self, renderer: Renderer, view: PublicView, *, link: bool):
        self.renderer = renderer
        self.view = view
        self.link = link
        self._texts: dict[str, PlatformText] = {}
        self._cards: dict[CardSpec, Card] = {}

    @functools.cached_property
    def pdf(self) -> bytes:
        return self.renderer.pdf(self.view)

    @functools.cached_property
    def preview(self) -> bytes:
        return self.renderer.page_preview(self.pdf, PREVIEW_WIDTH)

    def text(self, platform: str) -> PlatformText:
        if platform not in self._texts:
            self._texts[platform] = self.renderer.platform_text(self.view, platform, link=self.link)
        return self._texts[platform]

    def card(self, spec: CardSpec) -> Card:
        if spec not in self._cards:
            self._cards[spec] = self.renderer.card(self.view, spec)
        return self._cards[spec]

    @functools.cached_property
    def website_html(self) -> bytes:
        return self.renderer.website_html(self.view).encode("utf-8")

    @functools.cached_property
    def markdown(self) -> bytes:
        return self.renderer.markdown(self.view).encode("utf-8")


@dataclass(frozen=True)
class Asset:
    channel: Channel
    name: str
    kind: str
    render: Callable[[Bundle], bytes]
    describe: Callable[[Bundle], dict[str, object]] = lambda _bundle: {}


def _text_asset(channel: Channel, platform: str) -> Asset:
    def describe(bundle: Bundle) -> dict[str, object]:
        text = bundle.text(platform)
        return {
            "platform": platform,
            "length": text.length,
            "limit": text.limit,
            "counted_as": text.platform.unit,
            "dropped_parts": list(text.dropped),
        }

    return Asset(
        channel,
        f"{platform}.txt",
        "text",
        lambda bundle: bundle.text(platform).text.encode("utf-8"),
        describe,
    )


def _card_assets(channel: Channel, spec: CardSpec) -> tuple[Asset, Asset]:
    def describe(bundle: Bundle) -> dict[str, object]:
        card = bundle.card(spec)
        return {
            "width": spec.width,
            "height": spec.height,
            "alt_text": card.alt_text,
            "alt_text_file": f"{spec.name}.alt.txt",
            "font_size_px": card.fit.size,
            "quote_shortened": card.text.shortened,
        }

    return (
        Asset(channel, f"{spec.name}.png", "card", lambda b: b.card(spec).png, describe),
        Asset(
            channel,
            f"{spec.name}.alt.txt",
            "alt-text",
            lambda b: (b.card(spec).alt_text + "\n").encode("utf-8"),
        ),
    )


def _pdf_assets(channel: Channel) -> tuple[Asset, Asset]:
    return (
        Asset(channel, "beeld.pdf", "pdf", lambda b: b.pdf),
        Asset(channel, "beeld-voorbeeld.png", "preview", lambda b: b.preview),
    )


ASSETS: tuple[Asset, ...] = (
    *_pdf_assets(Channel.WEBSITE),
    Asset(Channel.WEBSITE, "beeld.html", "html", lambda b: b.website_html),
    Asset(Channel.WEBSITE, "beeld.md", "markdown", lambda b: b.markdown),
    *_card_assets(Channel.WEBSITE, LANDSCAPE),
    *(_text_asset(Channel.SOCIAL, platform.key) for platform in PLATFORMS),
    *(asset for spec in CARDS for asset in _card_assets(Channel.SOCIAL, spec)),
    *_pdf_assets(Channel.GROUP),
    *_pdf_assets(Channel.INTERNAL),
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
    pseudonyms: Sequence[str] = (),
) -> PublishResult:
    """Make the story's outbox folder what ``consent`` allows for ``approved``; nothing else.

    ``pseudonyms`` are names staff marked (``pseudoniemen.yaml``); the sidecar's names are
    always applied, whatever the caller passes.
    """
    existing = story_folders(outbox, story_id)
    if consent is None or approved is None or approved.text_sha256() != consent.text_sha256:
        for folder in existing:
            shutil.rmtree(folder)
        write_overview(outbox, renderer)
        return PublishResult(story_id, None, frozenset(), (), tuple(existing))

    pseudonymiser = Pseudonymiser.for_publishing(sidecar, pseudonyms, consent.name_display)
    published = pseudonymiser.beeld(approved)
    view = public_view(published, sidecar, consent.name_display, programme=programme, date=date)
    bundle = Bundle(renderer, view, link=Channel.WEBSITE in consent.channels)
    name = folder_name(date, published.title, sidecar, consent.name_display)
    target = _free_folder(outbox, name, story_id)
    staged = staging_dir(outbox, target.name)
    try:
        entries = []
        for asset in ASSETS:
            if asset.channel not in consent.channels:
                continue
            data = asset.render(bundle)
            relative = f"{CHANNEL_FOLDERS[asset.channel]}/{asset.name}"
            atomic_write_bytes(staged / relative, data)
            entries.append(
                {
                    "path": relative,
                    "channel": asset.channel.value,
                    "kind": asset.kind,
                    "sha256": sha256_bytes(data),
                    "bytes": len(data),
                    "consent_record": consent.record_id,
                    **asset.describe(bundle),
                }
            )
        manifest = {
            "story": story_id,
            "title": view.title,
            "who": view.credit,
            "date": date.isoformat(),
            "published_at": now.isoformat(timespec="seconds"),
            "consent": {
                "ledger_record": consent.record_id,
                "channels": sorted(c.value for c in consent.channels),
                "name_display": consent.name_display.value,
                "text_sha256": consent.text_sha256,
            },
            "published_text": {
                "approved_text_sha256": approved.text_sha256(),
                "published_text_sha256": published.text_sha256(),
                "is_pseudonymised_approved_text": True,
                "identical_to_approved": published == approved,
                "stand_ins": list(pseudonymiser.stand_ins_used(approved)),
                "note": "The approved text, with third parties' names replaced by their stand-ins "
                "and the participant's name shown as they chose; nothing else differs.",
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
    write_overview(outbox, renderer)
    return PublishResult(
        story_id,
        target,
        consent.channels,
        tuple(str(entry["path"]) for entry in entries),
        tuple(removed),
    )


def write_overview(outbox: Path, renderer: Renderer) -> Path:
    """Rebuild ``outbox/index.html`` from the manifests now in the outbox."""
    return atomic_write_bytes(outbox / OVERVIEW, render_overview(outbox, renderer).encode())


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
    elif candidate.exists() or name in RESERVED:
        return outbox / f"{name}-{story_id[3:].lower()}"
    return candidate


# Group booklets ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BookletResult:
    group: str
    path: Path | None
    stories: tuple[str, ...]
    removed: bool


def booklet_path(outbox: Path, group: str) -> Path:
    return outbox / BOOKLETS / f"{_slug(group) or 'groep'}.pdf"


def booklet_manifest(outbox: Path, group: str) -> dict | None:
    path = booklet_path(outbox, group).with_suffix(".json")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None


def sync_booklet(
    *,
    group: str,
    pdf: bytes | None,
    stories: Sequence[dict[str, object]],
    outbox: Path,
    renderer: Renderer,
    now: dt.datetime,
) -> BookletResult:
    """Write (or, with no group-consented story, remove) the group's booklet and its manifest.

    ``stories`` name each beeld in it with the consent record it rests on.
    """
    path = booklet_path(outbox, group)
    manifest_path = path.with_suffix(".json")
    if pdf is None or not stories:
        existed = path.exists() or manifest_path.exists()
        path.unlink(missing_ok=True)
        manifest_path.unlink(missing_ok=True)
        write_overview(outbox, renderer)
        return BookletResult(group, None, (), existed)
    atomic_write_bytes(path, pdf)
    manifest = {
        "group": group,
        "file": path.name,
        "sha256": sha256_bytes(pdf),
        "built_at": now.isoformat(timespec="seconds"),
        "channel": Channel.GROUP.value,
        "stories": list(stories),
    }
    atomic_write_bytes(
        manifest_path, json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
    )
    write_overview(outbox, renderer)
    return BookletResult(group, path, tuple(str(s["story"]) for s in stories), False)


# END
