"""The YAML lists of names staff keep in a story's folder (``pseudoniemen.yaml``, the names to
replace, and the names cleared to stay): one reader for both, with one kind of message."""

from __future__ import annotations

from pathlib import Path

import yaml

from goodwork_pipeline.errors import NamesFileError


def read_name_list(path: Path, *, redo: str, redo_nl: str) -> list[str]:
    """The names in ``path`` in their order (none when it is missing or empty). A file that is
    not a YAML list of names is a ``NamesFileError`` saying how to make it again (``redo``)."""
    if not path.is_file():
        return []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise NamesFileError(
            f"{path} is not a valid YAML list of names ({exc.__class__.__name__}). Fix it, "
            f"or remove it and {redo}.",
            nl=f"{path.name} is geen geldige lijst met namen. Herstel het bestand of verwijder "
            f"het en {redo_nl}.",
            path=path,
        ) from exc
    if data is None:
        return []
    if not isinstance(data, list) or not all(isinstance(item, str) for item in data):
        raise NamesFileError(
            f"{path} must be a YAML list of names, one '- Naam' per line.",
            nl=f"{path.name} moet een lijst met namen zijn, één '- Naam' per regel.",
            path=path,
        )
    return [item.strip() for item in data if item.strip()]
