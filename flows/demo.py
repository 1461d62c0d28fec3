"""The demo: the whole path on a sample interview, with a clearly labelled demo participant."""

from __future__ import annotations

import time
from pathlib import Path

from rich.console import Console

from flows._states import results_of
from flows.cli.output import say
from flows.process_inbox import process_inbox
from goodwork_pipeline import (
    DRAFTS_FOLDER,
    SAMPLE_CONVERSATION,
    SAMPLE_SIDECAR,
    SETTINGS_FILE,
    Beeld,
    Pipeline,
    Settings,
    Store,
    atomic_write_text,
    fill_in_as_participant,
    load_settings,
    read_document,
    status_rows,
    synthesize,
)

DEMO_SETTINGS = """\
# Settings of the demo programme folder (see 'goodwork settings' for all of them).
programme = "Beelden van Goed Werk (demo)"
settle_seconds = 0.5
"""


def run_demo(folder: Path, console: Console) -> None:
    started = time.monotonic()
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / SETTINGS_FILE).exists():
        atomic_write_text(folder / SETTINGS_FILE, DEMO_SETTINGS)
    settings = load_settings(folder)
    for path in (settings.inbox_dir, settings.outbox_dir, settings.workspace_dir):
        path.mkdir(parents=True, exist_ok=True)

    console.rule("1. Een voorbeeldgesprek (gesproken door espeak-ng) gaat de inbox in")
    recording = settings.inbox_dir / "gesprek-anna.wav"
    synthesize(SAMPLE_CONVERSATION, recording)
    atomic_write_text(recording.with_suffix(".yaml"), SAMPLE_SIDECAR)
    console.print(f"opname: {recording}")

    console.rule("2. goodwork run: uitschrijven en een concept maken")
    first = results_of(process_inbox(str(folder), return_state=True))
    drafts = [Path(o) for r in first for o in r["outputs"] if str(o).endswith(".docx")]
    for result in first:
        say(result["ok"], result["message_nl"] or result["message"], to=console, indent="  ")
    if not drafts:
        store = Store(settings.database_url)
        rows, _ = status_rows(store, settings)
        existing = sorted((settings.outbox_dir / DRAFTS_FOLDER).glob("*.docx"))
        if not existing:
            console.print("[red]Er is geen concept gemaakt; zie 'goodwork -C demo status'.[/]")
            return
        drafts = existing[-1:]
        console.print(f"  (al eerder gemaakt: {len(rows)} verhaal/verhalen)")
    draft = drafts[-1]
    console.print(f"concept voor de deelnemer: {draft}")

    console.rule("3. DEMO-deelnemer: verbetert, keurt goed, kiest website + LinkedIn, voornaam")
    returned = settings.inbox_dir / "teruggestuurd-concept.docx"
    # Like a participant who knows what they said: what Whisper misheard is put back as the
    # script says it, with tracked changes (Word's 'Wijzigingen bijhouden'), then approved.
    fill_in_as_participant(draft, returned, script=[text for _, text in SAMPLE_CONVERSATION])
    changes = read_document(returned).tracked_changes
    console.print(
        f"verbeterd met {changes} bijgehouden wijziging(en), ingevuld als demo (duidelijk "
        f"gemarkeerd) en teruggezet: {returned}"
    )

    console.rule("4. goodwork run: toestemming lezen en publiceren")
    second = results_of(process_inbox(str(folder), return_state=True))
    folders: set[Path] = set()
    for result in second:
        say(result["ok"], result["message_nl"] or result["message"], to=console, indent="  ")
        for output in result["outputs"]:
            path = Path(output)
            if path.is_relative_to(settings.outbox_dir) and path.parent.name != DRAFTS_FOLDER:
                folders.add(settings.outbox_dir / path.relative_to(settings.outbox_dir).parts[0])
    for story_id in dict.fromkeys(r["story_id"] for r in second if r["story_id"]):
        approved = approved_text(settings, story_id)
        if approved is not None:
            console.print(f"  gepubliceerde titel: {approved.title}")
            console.print(f"  gepubliceerd citaat: {approved.quote}")
    for published in sorted(folders):
        console.print(f"  publicatiemap: {published}")
        for channel in sorted(p for p in published.iterdir() if p.is_dir()):
            names = ", ".join(sorted(f.name for f in channel.iterdir()))
            console.print(f"    {channel.name}/: {names}")

    console.rule("Klaar")
    console.print(f"Concept:          {draft}")
    console.print(f"Overzichtspagina: {settings.outbox_dir / 'index.html'}")
    console.print(f"Status:           goodwork -C {folder} status")
    console.print(f"Tijd:             {time.monotonic() - started:.0f} s")


def approved_text(settings: Settings, story_id: str) -> Beeld | None:
    """The text the demo participant approved (with their corrections), as published."""
    pipeline = Pipeline(settings, source="demo")
    story = pipeline.store.story(story_id)
    if not story.approved_sha256:
        return None
    return pipeline.approved_beeld(story.id, story.approved_sha256)
