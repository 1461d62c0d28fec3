"""The programme folder as the operator's commands find it: is there a database yet, is this
story code known, do the inbox, outbox and workspace exist (and is the workspace private)."""

from __future__ import annotations

from goodwork_pipeline.errors import SettingsError, UnknownStoryError
from goodwork_pipeline.files import is_private, make_dirs
from goodwork_pipeline.settings import Settings
from goodwork_pipeline.store.repository import Store

SQLITE_NAME = "goodwork.sqlite"


def has_database(settings: Settings) -> bool:
    """False when nothing was ever processed here (no database URL set, no SQLite file): a
    reading command then says so instead of creating an empty database."""
    return settings.database is not None or (settings.workspace_dir / SQLITE_NAME).exists()


def open_store(settings: Settings) -> Store | None:
    """The store, or None when nothing was ever processed here."""
    return Store(settings.database_url) if has_database(settings) else None


def known_story(settings: Settings, story: str) -> str:
    """STORY's full code, checked before any flow starts: an unknown code is an
    ``UnknownStoryError`` (a usage error) with one message, not a failed flow run."""
    if not has_database(settings):
        raise UnknownStoryError(
            f"No story with code {story!r}: nothing has been processed in {settings.base_dir} "
            "yet. Run goodwork in the programme folder (-C FOLDER) or check the code.",
            nl=f"Er is geen verhaal met code {story}: in {settings.base_dir} is nog niets "
            "verwerkt. Start goodwork in de map van het programma (-C MAP) of controleer de code.",
        )
    store = Store(settings.database_url)
    try:
        return store.story(story).id
    finally:
        store.close()


def ensure_folders(settings: Settings) -> None:
    """Make the inbox, outbox and (private) workspace; a file in their place is a
    settings error."""
    for folder in (settings.inbox_dir, settings.outbox_dir, settings.workspace_dir):
        try:
            make_dirs(folder, private=True if folder == settings.workspace_dir else None)
        except (FileExistsError, NotADirectoryError) as exc:
            raise SettingsError(
                f"{folder} is a file, not a folder. Move it away (or point the setting "
                "'inbox', 'outbox' or 'workspace' elsewhere), then run again.",
                nl=f"{folder} is een bestand, geen map. Zet het ergens anders neer (of kies "
                "een andere map in goodwork.toml) en start opnieuw.",
                path=folder,
            ) from exc


def workspace_is_open(settings: Settings) -> bool:
    """True when other users of this computer can read the workspace (recordings, names)."""
    return settings.workspace_dir.is_dir() and not is_private(settings.workspace_dir)
