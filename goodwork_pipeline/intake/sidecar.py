"""Reading ``<stem>.yaml``, the optional metadata next to a recording.

All keys are optional. Unknown keys and wrong types are errors that name the file, the key and
what to write instead, in Dutch for staff and English for operators.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from goodwork_pipeline.errors import SidecarError
from goodwork_pipeline.models import Sidecar
from goodwork_pipeline.own_name import same_name_key

SIDECAR_SUFFIXES = (".yaml", ".yml")
MAX_SIDECAR_BYTES = 64 * 1024


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, except that a value it cannot convert (a date that does not exist
    such as 2026-02-30, an integer too long for Python) stays the text it was, so that our own
    checks below say which key is wrong, instead of PyYAML raising ValueError."""


def _lenient(constructor: Any) -> Any:
    def construct(loader: _Loader, node: yaml.Node) -> Any:
        try:
            return constructor(loader, node)
        except (ValueError, TypeError, AttributeError, LookupError, OverflowError):
            return loader.construct_scalar(node)  # a ScalarNode here; others raise YAMLError

    return construct


for _tag in ("int", "float", "timestamp", "bool"):
    _Loader.add_constructor(
        f"tag:yaml.org,2002:{_tag}",
        _lenient(yaml.SafeLoader.yaml_constructors[f"tag:yaml.org,2002:{_tag}"]),
    )

_TEXT_KEYS = ("participant", "email", "role", "organisation", "group", "interviewer", "language")
_LIST_KEYS = ("pseudonymise", "vocabulary", "also_known_as")
KNOWN_KEYS = (*_TEXT_KEYS, "date", "speakers", *_LIST_KEYS)


def sidecar_for(recording: Path) -> Path | None:
    """The sidecar of a recording, if one lies next to it."""
    for suffix in SIDECAR_SUFFIXES:
        candidate = recording.with_suffix(suffix)
        if candidate.is_file():
            return candidate
    return None


def read_sidecar(path: Path | None) -> Sidecar:
    """Parse a sidecar file; ``None`` gives the empty sidecar."""
    if path is None:
        return Sidecar()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise _error(
            path, f"cannot be read ({exc.strerror})", "het bestand kan niet worden gelezen"
        ) from exc
    if len(raw) > MAX_SIDECAR_BYTES:
        raise _error(
            path, "larger than 64 KB", "het bestand is groter dan 64 KB; dit is geen metadata"
        )
    return parse_sidecar(raw, path)


def parse_sidecar(raw: bytes | str, path: Path) -> Sidecar:
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        data = yaml.load(text, Loader=_Loader)  # a SafeLoader: no Python objects
    except UnicodeDecodeError as exc:
        raise _error(path, "not UTF-8 text", "het is geen tekstbestand (UTF-8)") from exc
    except yaml.YAMLError as exc:
        where = ""
        mark = getattr(exc, "problem_mark", None)
        context = getattr(exc, "context_mark", None)
        if context is not None and (mark is None or context.line != mark.line):
            where = f" at line {context.line + 1}"
        elif mark is not None:
            where = f" at line {mark.line + 1}"
        raise _error(
            path,
            f"not valid YAML{where}",
            f"geen geldige YAML{where.replace('at line', 'op regel')}",
        ) from exc
    except RecursionError as exc:
        raise _error(path, "nested too deeply", "te diep genest") from exc
    except (ValueError, TypeError, AttributeError, LookupError, OverflowError) as exc:
        # PyYAML reports some malformed values this way rather than as a YAMLError
        raise _error(
            path,
            f"a value cannot be read ({exc.__class__.__name__}: {str(exc)[:80]})",
            "een waarde is onleesbaar; controleer datums, getallen en aanhalingstekens",
        ) from exc
    if data is None:
        return Sidecar()
    if not isinstance(data, dict):
        raise _error(
            path,
            "must be a list of 'key: value' lines",
            "moet bestaan uit regels 'sleutel: waarde'",
        )
    return Sidecar(**_fields(data, path))


def _fields(data: dict[Any, Any], path: Path) -> dict[str, Any]:
    unknown = [str(key) for key in data if key not in KNOWN_KEYS]
    if unknown:
        raise _error(
            path,
            f"unknown key(s) {', '.join(unknown)}; known keys: {', '.join(KNOWN_KEYS)}",
            f"onbekende sleutel(s) {', '.join(unknown)}; toegestaan zijn: {', '.join(KNOWN_KEYS)}",
        )
    fields: dict[str, Any] = {}
    for key, value in data.items():
        if value is None:
            continue
        if key in _TEXT_KEYS:
            fields[key] = _text(value, key, path)
        elif key == "date":
            fields[key] = _date(value, path)
        elif key == "speakers":
            fields[key] = _speakers(value, path)
        else:
            fields[key] = _list(value, key, path)
    if "language" in fields:
        language = fields["language"].lower()
        if not (2 <= len(language) <= 3 and language.isalpha()):
            raise _wrong_type(
                path, "language", "a language code such as nl", "een taalcode zoals nl"
            )
        fields["language"] = language
    _check_own_name_not_pseudonymised(fields, path)
    return fields


def _check_own_name_not_pseudonymised(fields: dict[str, Any], path: Path) -> None:
    """The participant's own name is shown as they choose; listing it among the third
    parties to replace contradicts that choice, so it is refused rather than guessed."""
    own = [fields.get("participant") or "", *fields.get("also_known_as", ())]
    mine = {same_name_key(name) for name in own if name.strip()}
    for entry in fields.get("pseudonymise", ()):
        name = entry.partition("=")[0]
        if same_name_key(name) in mine:
            raise _error(
                path,
                f"'{name.strip()}' is the participant's own name, listed under 'pseudonymise' "
                "(third parties). The participant's name is shown only as they choose in the "
                "returned draft; remove it from 'pseudonymise'",
                f"'{name.strip()}' is de naam van de deelnemer zelf, maar staat bij "
                "'pseudonymise' (namen van anderen). De naam van de deelnemer tonen we zoals "
                "die zelf kiest in het concept; haal de naam weg bij 'pseudonymise'",
            )


def _text(value: Any, key: str, path: Path) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _wrong_type(path, key, "text", "tekst")
    text = str(value).strip()
    if "\n" in text or len(text) > 200:
        raise _wrong_type(path, key, "one line of text", "één regel tekst")
    return text


def _date(value: Any, path: Path) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise _wrong_type(path, "date", "a date like 2026-03-14", "een datum zoals 2026-03-14")


def _speakers(value: Any, path: Path) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
        isinstance(k, str | int) and isinstance(v, str) for k, v in value.items()
    ):
        raise _wrong_type(
            path,
            "speakers",
            "pairs like 'left: interviewer' or 'Anna: participant'",
            "paren zoals 'left: interviewer' of 'Anna: participant'",
        )
    return {str(k).strip(): v.strip() for k, v in value.items()}


def _list(value: Any, key: str, path: Path) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(
        isinstance(item, str | int) and not isinstance(item, bool) for item in value
    ):
        raise _wrong_type(path, key, "a list of words or names", "een lijst van woorden of namen")
    items = tuple(str(item).strip() for item in value if str(item).strip())
    if any(len(item) > 100 for item in items):
        raise _wrong_type(path, key, "short names or words", "korte namen of woorden")
    return items


def _wrong_type(path: Path, key: str, expected_en: str, expected_nl: str) -> SidecarError:
    return _error(
        path,
        f"key '{key}' must be {expected_en}",
        f"de waarde bij '{key}' moet {expected_nl} zijn",
    )


def _error(path: Path, problem_en: str, problem_nl: str) -> SidecarError:
    return SidecarError(
        f"Sidecar {path.name}: {problem_en}. Fix the file and run again; the recording waits.",
        nl=(
            f"Het metadatabestand {path.name}: {problem_nl}. Pas het bestand aan en start "
            "opnieuw; de opname blijft bewaard in de inbox."
        ),
        path=path,
    )
