"""One sidecar beside two inputs: ``g.txt``, ``g.vtt`` and ``g.yaml`` in the inbox.

A sidecar belongs to the recording or transcript with its name, but here two have that name
(a Teams meeting exported twice, a recording and its transcript). The first by name (the
order the inbox is read in) gets the sidecar; every other is refused until staff rename it,
because taking it in without the sidecar would make a story without name, e-mail or group,
silently. The refusal names the file that got the sidecar.
"""

from __future__ import annotations

from pathlib import Path

from goodwork_pipeline.errors import SidecarError
from goodwork_pipeline.intake.audio import AUDIO_SUFFIXES
from goodwork_pipeline.intake.sidecar import sidecar_for
from goodwork_pipeline.intake.transcript_files import TRANSCRIPT_SUFFIXES

INPUT_SUFFIXES = (*AUDIO_SUFFIXES, *TRANSCRIPT_SUFFIXES)


def inputs_of(sidecar: Path) -> list[Path]:
    """Every recording or transcript ``sidecar`` lies next to, in the inbox's order."""
    try:
        entries = list(sidecar.parent.iterdir())
    except OSError:
        return []
    found = [
        path
        for path in entries
        if path.stem == sidecar.stem
        and path.suffix.lower() in INPUT_SUFFIXES
        and not path.name.startswith(".")
        and path.is_file()
        and sidecar_for(path) == sidecar
    ]
    return sorted(found, key=str)


def kind_of(path: Path) -> str:
    return "transcript" if path.suffix.lower() in TRANSCRIPT_SUFFIXES else "recording"


def shared_sidecar_error(
    path: Path, sidecar: Path, given_to: Path, story_id: str | None
) -> SidecarError:
    """``path`` is refused: ``sidecar`` also belongs to ``given_to``, which gets it."""
    story = f" (story {story_id})" if story_id else ""
    verhaal = f" (verhaal {story_id})" if story_id else ""
    example = f"{path.stem}-2{path.suffix}"
    return SidecarError(
        f"{path.name} was not taken in: the sidecar {sidecar.name} lies next to two inputs "
        f"with one name ({given_to.name} and {path.name}) and goes to {given_to.name}{story}, "
        f"the first by name. Rename {path.name} (e.g. {example}, with its own "
        f"{path.stem}-2.yaml if it is another conversation), or remove it if it is the same "
        "conversation. The file stays in the inbox.",
        nl=f"{path.name} is niet verwerkt: het metadatabestand {sidecar.name} staat naast "
        f"twee bestanden met dezelfde naam ({given_to.name} en {path.name}) en is gegeven aan "
        f"{given_to.name}{verhaal}. Geef {path.name} een eigen naam (bijvoorbeeld {example}, "
        f"met een eigen {path.stem}-2.yaml als het een ander gesprek is), of haal het uit de "
        "inbox als het hetzelfde gesprek is. Het bestand blijft in de inbox staan.",
        path=path,
    )
