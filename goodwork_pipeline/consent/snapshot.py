"""An immutable, readable PDF of every consent event: what was agreed to, when, and how.

The ledger (``consents`` table) is the source of truth; the snapshot is its human-readable
copy, made at the moment of the event and never changed afterwards: the approved text in
full, the choices with the exact wording they were given under, time, source and who
recorded it. Written to ``workspace/stories/<id>/consent/<record>-<action>.pdf``, read-only.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jinja2

from goodwork_pipeline.consent_wording import (
    APPROVE_LABEL,
    CHANNEL_BOXES,
    CHANNELS_INTRO,
    CONSENT_EXPLANATION,
    NAME_BOXES,
    NAME_INTRO,
)
from goodwork_pipeline.errors import TemplateError
from goodwork_pipeline.files import atomic_write_bytes, file_mode, sha256_file
from goodwork_pipeline.models import Beeld, Channel, ConsentRecord, NameDisplay

TEMPLATE_FOLDER = "consent"
TEMPLATE = "snapshot.html.j2"

ACTIONS_NL = {
    "grant": "Toestemming gegeven",
    "withdraw": "Toestemming ingetrokken",
    "decline": "Tekst niet goedgekeurd",
}
SOURCES_NL = {
    "document": "teruggestuurd concept (Word/LibreOffice-document)",
    "cli": "vastgelegd door een medewerker met 'goodwork' (toestemming per e-mail of telefoon)",
    "prefect": "vastgelegd door een medewerker in Prefect (formulier)",
}


@dataclass(frozen=True)
class Snapshot:
    path: Path
    sha256: str


@dataclass(frozen=True)
class SnapshotView:
    """Everything the snapshot shows, already in words."""

    story_id: str
    record_id: int
    programme: str
    action: str
    action_nl: str
    at_utc: str
    at_local: str
    at_iso: str
    source_nl: str
    source_ref: str | None
    actor: str
    wording_version: str
    text_sha256: str | None
    note: str | None
    channel_boxes: tuple[tuple[str, bool], ...]
    name_boxes: tuple[tuple[str, bool], ...]
    withdrawn_nl: str
    remaining_nl: str
    beeld: Beeld | None
    wording: dict[str, str]


def snapshot_path(folder: Path, record: ConsentRecord) -> Path:
    return folder / f"{record.id:05d}-{record.action}.pdf"


def write_snapshot(
    folder: Path,
    record: ConsentRecord,
    *,
    beeld: Beeld | None,
    programme: str,
    templates_dir: Path,
    remaining: frozenset[Channel] = frozenset(),
    render: Callable[[SnapshotView], bytes] | None = None,
) -> Snapshot:
    """Render and keep the snapshot of ``record``; an existing one is never replaced.

    ``render`` is the renderer's ``snapshot_pdf`` (default: WeasyPrint, as ``Renderer``)."""
    path = snapshot_path(folder, record)
    if path.exists():
        return Snapshot(path, sha256_file(path))
    view = snapshot_view(record, beeld=beeld, programme=programme, remaining=remaining)
    pdf = render(view) if render is not None else render_snapshot(view, templates_dir)
    atomic_write_bytes(path, pdf)
    os.chmod(path, 0o444 & file_mode(path.parent))  # read-only; owner-only in a private folder
    return Snapshot(path, sha256_file(path))


def snapshot_view(
    record: ConsentRecord,
    *,
    beeld: Beeld | None,
    programme: str,
    remaining: frozenset[Channel] = frozenset(),
) -> SnapshotView:
    withdrawn = record.channels if record.channels else None
    return SnapshotView(
        story_id=record.story_id,
        record_id=record.id,
        programme=programme,
        action=record.action,
        action_nl=ACTIONS_NL.get(record.action, record.action),
        at_utc=record.at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S"),
        at_local=record.at.astimezone().strftime("%d-%m-%Y %H:%M"),
        at_iso=record.at.astimezone(dt.UTC).isoformat(timespec="seconds"),
        source_nl=SOURCES_NL.get(record.source, record.source),
        source_ref=record.source_ref,
        actor=record.actor,
        wording_version=record.wording_version,
        text_sha256=record.text_sha256,
        note=record.note,
        channel_boxes=tuple((label, c in record.channels) for c, label in CHANNEL_BOXES.items()),
        name_boxes=tuple((label, record.name_display == n) for n, label in NAME_BOXES.items()),
        withdrawn_nl=(
            "Ingetrokken voor: " + _channels_nl(withdrawn)
            if withdrawn
            else "Alle toestemming is ingetrokken."
        ),
        remaining_nl=_channels_nl(remaining) if remaining else "geen",
        beeld=beeld,
        wording={
            "explanation": CONSENT_EXPLANATION,
            "approve": APPROVE_LABEL,
            "channels_intro": CHANNELS_INTRO,
            "name_intro": NAME_INTRO,
        },
    )


def render_snapshot(view: SnapshotView, templates_dir: Path) -> bytes:
    from weasyprint import HTML

    folder = templates_dir / TEMPLATE_FOLDER
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    try:
        html = env.get_template(TEMPLATE).render(s=view)
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(
            f"Template {TEMPLATE_FOLDER}/{TEMPLATE} is missing from {templates_dir}; restore it "
            "or point 'templates' at a complete folder."
        ) from exc
    except jinja2.TemplateError as exc:
        raise TemplateError(f"Template {TEMPLATE_FOLDER}/{TEMPLATE} is broken: {exc}") from exc
    return HTML(string=html, base_url=str(folder) + "/").write_pdf(pdf_identifier=False)


def _channels_nl(channels: frozenset[Channel]) -> str:
    return ", ".join(CHANNEL_BOXES[c] for c in Channel if c in channels)


def name_nl(display: NameDisplay | None) -> str:
    return NAME_BOXES[display or NameDisplay.ROLE]
