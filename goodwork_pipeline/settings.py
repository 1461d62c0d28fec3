"""One settings object with every default in one place.

Layers, lowest to highest: the defaults below, ``goodwork.toml`` in the folder goodwork runs
in, ``GOODWORK_<NAME>`` environment variables, then explicit overrides (tests, CLI flags).
Relative paths are resolved against that folder, so one install serves several programmes'
folders. Build the settings once at the entry point and pass them down.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from goodwork_pipeline.errors import SettingsError

SETTINGS_FILE = "goodwork.toml"
ENV_PREFIX = "GOODWORK_"
# Other names a setting answers to in the environment (the usual name for a database URL).
ENV_ALIASES = {"database_url": "database"}

ComputeType = Literal["int8", "int8_float32", "float32", "float16", "auto"]
Engine = Literal["faster-whisper", "openai-whisper"]


def _default_threads() -> int:
    return max(1, os.cpu_count() or 1)


def _default_model_cache() -> Path:
    root = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(root) / "goodwork-pipeline"


class Settings(BaseModel):
    """Everything a run needs to know. Field descriptions are the settings documentation."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    base_dir: Path = Field(
        default_factory=Path.cwd,
        description="The programme folder goodwork runs in; relative paths start here.",
    )
    inbox: Path = Field(Path("inbox"), description="Where recordings and returned drafts land.")
    outbox: Path = Field(Path("outbox"), description="Drafts to send and publish-ready assets.")
    workspace: Path = Field(
        Path("workspace"),
        description="Private state: originals, transcripts, drafts, the database. Never shared.",
    )
    templates: Path | None = Field(
        None, description="A local templates folder; empty means the project's bundled templates."
    )
    engine: Engine = Field(
        "faster-whisper",
        description=(
            "Transcription engine: 'faster-whisper' (CTranslate2, the default) or "
            "'openai-whisper' (the reference implementation; needs pip install '.[openai]')."
        ),
    )
    model: str = Field(
        "base",
        description=(
            "Whisper model: 'base' is the bundled offline model (verified by SHA-256); a folder "
            "path loads a local CTranslate2 model; another name (e.g. 'small', 'large-v3') is "
            "downloaded by faster-whisper when online."
        ),
    )
    model_cache: Path = Field(
        default_factory=_default_model_cache,
        description="Where the bundled model is assembled on first use (shared by all folders).",
    )
    language: str = Field("nl", description="Language spoken in the recordings (ISO 639-1).")
    threads: int = Field(
        default_factory=_default_threads, ge=1, le=256, description="CPU threads for transcription."
    )
    compute_type: ComputeType = Field("int8", description="CTranslate2 compute type on the CPU.")
    beam_size: int = Field(5, ge=1, le=20, description="Beam width of the Whisper decoder.")
    batch_size: int = Field(
        4,
        ge=1,
        le=64,
        description=(
            "30-second windows faster-whisper decodes together (its batched pipeline); "
            "1 decodes one window at a time."
        ),
    )
    chunk_seconds: float = Field(
        300.0,
        ge=10,
        description=(
            "Long recordings are cut at pauses into chunks of about this many seconds; each "
            "chunk is transcribed and cached on its own, so a restart resumes where it stopped."
        ),
    )
    min_speech_s: float = Field(
        1.0,
        ge=0,
        description="Recordings with less speech than this (voice activity) are rejected.",
    )
    programme: str = Field(
        "Beelden van Goed Werk", description="Programme name printed on drafts and PDFs."
    )
    database: str | None = Field(
        None,
        description=(
            "SQLAlchemy URL of the store; empty means SQLite in the workspace. Keep a password "
            "out of goodwork.toml: set the whole URL as GOODWORK_DATABASE_URL, or the password "
            "in 'database_password_file'."
        ),
    )
    database_password_file: Path | None = Field(
        None,
        description=(
            "A file holding only the database password (e.g. readable by the goodwork user "
            "alone); it is put into the 'database' URL when connecting, never shown."
        ),
    )
    min_duration_s: float = Field(
        3.0, ge=0, description="Recordings shorter than this are rejected as too short."
    )
    settle_seconds: float = Field(
        2.0,
        ge=0,
        description="A file in the inbox is read only after it has not changed for this long.",
    )
    actor: str = Field("goodwork", description="Name recorded as the actor of automatic steps.")
    transcription_slots: int | None = Field(
        None,
        ge=1,
        le=256,
        description=(
            "Transcriptions that may run at once (a Prefect tag concurrency limit on "
            "'goodwork-transcription', set by 'goodwork watch' and 'goodwork run'); empty "
            "means CPUs divided by 'threads', so a machine is never oversubscribed."
        ),
    )
    keep_recordings_days: int = Field(
        30,
        ge=0,
        description=(
            "Days a recording is kept after its story is approved or declined; then "
            "'goodwork purge' deletes it. Recordings of open stories are never deleted."
        ),
    )
    keep_transcripts: bool = Field(
        True,
        description="Keep the transcript when the recording is deleted (false: delete it too).",
    )
    require_review_before_send: bool = Field(
        False,
        description=(
            "Send a draft ('goodwork send', 'goodwork sent') only after the interviewer checked "
            "its newest version against the recording in 'goodwork review' and marked it ready."
        ),
    )
    smtp_host: str | None = Field(
        None,
        description=(
            "SMTP server for 'goodwork send'; empty (the default) means goodwork never sends "
            "e-mail: staff send the .eml next to each draft from their own mail program."
        ),
    )
    smtp_port: int = Field(587, ge=1, le=65535, description="Port of the SMTP server.")
    smtp_security: Literal["starttls", "ssl", "none"] = Field(
        "starttls",
        description="How to secure the SMTP connection: starttls (port 587), ssl (465), none.",
    )
    smtp_user: str | None = Field(None, description="SMTP login name; empty: no login.")
    smtp_password: SecretStr | None = Field(
        None,
        description="SMTP password; set it as GOODWORK_SMTP_PASSWORD rather than in the file.",
    )
    mail_from: str | None = Field(
        None,
        description="Sender address of draft e-mails, e.g. 'Goed Werk <goedwerk@example.org>'.",
    )
    insecure_api: bool = Field(
        False,
        description=(
            "Talk to a Prefect API on another machine without authentication. Only on a "
            "trusted private network: anyone who reaches that server can record consent."
        ),
    )
    hashtags: list[str] = Field(
        default_factory=lambda: ["#BeeldenVanGoedWerk"],
        description="Hashtags closing every platform text (LinkedIn, X, Instagram, Bluesky).",
    )
    link_length: int = Field(
        40,
        ge=10,
        le=500,
        description="Characters the [LINK] placeholder is counted as in LinkedIn, Instagram "
        "and Bluesky texts (X counts every link as 23).",
    )

    @field_validator("hashtags", mode="before")
    @classmethod
    def _hashtag_list(cls, value: Any) -> Any:
        # "#A #B" or "#A, #B" in an environment variable is a list too.
        return value.replace(",", " ").split() if isinstance(value, str) else value

    @field_validator("database")
    @classmethod
    def _database_url(cls, value: str | None) -> str | None:
        # Checked here, so 'goodwork settings' refuses it and no command gets to SQLAlchemy.
        # The message never repeats the value: a URL may hold a password.
        if value is None or not value.strip():
            return None
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError, NoSuchModuleError

        try:
            dialect = make_url(value.strip()).get_dialect()
        except (ArgumentError, NoSuchModuleError, ValueError) as exc:
            raise ValueError(
                "not a database URL goodwork can use; write e.g. "
                "'sqlite:////srv/goodwork/goodwork.sqlite' or "
                "'postgresql+psycopg://goodwork@dbhost/goodwork', or leave it out for SQLite "
                "in the workspace"
            ) from exc
        try:
            dialect.import_dbapi()
        except ImportError as exc:
            raise ValueError(
                f"the database driver for '{dialect.name}+{dialect.driver}' is not installed "
                f"({exc.name}); install it, or use 'postgresql+psycopg://...' (installed)"
            ) from exc
        return value.strip()

    @field_validator("language")
    @classmethod
    def _language_code(cls, value: str) -> str:
        value = value.strip().lower()
        if not (2 <= len(value) <= 3 and value.isalpha()):
            raise ValueError("use a two-letter language code such as 'nl'")
        return value

    # Resolved locations ---------------------------------------------------------------

    def _resolve(self, path: Path) -> Path:
        path = path.expanduser()
        return path if path.is_absolute() else (self.base_dir / path)

    @property
    def inbox_dir(self) -> Path:
        return self._resolve(self.inbox)

    @property
    def outbox_dir(self) -> Path:
        return self._resolve(self.outbox)

    @property
    def workspace_dir(self) -> Path:
        return self._resolve(self.workspace)

    @property
    def templates_dir(self) -> Path:
        return self._resolve(self.templates) if self.templates else bundled_templates_dir()

    @property
    def model_cache_dir(self) -> Path:
        return self._resolve(self.model_cache)

    @property
    def transcription_limit(self) -> int:
        """``transcription_slots``, or as many transcriptions as the CPUs hold at ``threads``."""
        return self.transcription_slots or max(1, _default_threads() // self.threads)

    @property
    def database_url(self) -> str:
        """The store's URL to connect with (the password from its file put in)."""
        if self.database is None:
            return f"sqlite:///{self.workspace_dir / 'goodwork.sqlite'}"
        if self.database_password_file is None:
            return self.database
        path = self._resolve(self.database_password_file)
        try:
            password = path.read_text(encoding="utf-8").strip("\r\n")
        except (OSError, UnicodeDecodeError) as exc:
            raise SettingsError(
                f"database_password_file {path}: cannot be read ({exc}). Point it at a file "
                "holding the database password, readable by this user."
            ) from exc
        return make_url(self.database).set(password=password).render_as_string(False)

    def shown(self, name: str) -> object:
        """A setting's value as it may be printed: passwords never appear."""
        value = getattr(self, name)
        if name == "database" and value:
            try:
                return make_url(value).render_as_string(hide_password=True)
            except ArgumentError:
                return "(not a database URL)"
        return value


def bundled_templates_dir() -> Path:
    """The templates shipped with the project (source checkout or installed wheel)."""
    package_dir = Path(__file__).resolve().parent
    for candidate in (package_dir.parent / "templates", package_dir / "_bundled_templates"):
        if candidate.is_dir():
            return candidate
    raise SettingsError(
        "The bundled templates folder is missing from this installation; "
        "reinstall goodwork-pipeline or set 'templates' in goodwork.toml."
    )


SETTING_NAMES: tuple[str, ...] = tuple(name for name in Settings.model_fields if name != "base_dir")


def load_settings(
    base_dir: Path | str | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    **overrides: Any,
) -> Settings:
    """Build the settings for a programme folder: defaults < goodwork.toml < env < overrides."""
    base = Path(base_dir).resolve() if base_dir is not None else Path.cwd().resolve()
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    values.update(_read_toml(base / SETTINGS_FILE))
    values.update(_read_environ(environ))
    values.update({key: value for key, value in overrides.items() if value is not None})
    values["base_dir"] = base
    try:
        settings = Settings.model_validate(values)
    except ValidationError as exc:
        raise SettingsError(_describe(exc, base / SETTINGS_FILE)) from exc
    check_folders(settings)
    return settings


# What goes wrong when two of the folders overlap, per pair (either way round).
_OVERLAP_HARM = {
    ("inbox", "outbox"): "goodwork would read the drafts it sends as returned documents",
    ("inbox", "workspace"): "goodwork would take its own transcripts and archived recordings "
    "in again as new input",
    ("outbox", "workspace"): "the private workspace (recordings, transcripts, the database) "
    "would be handed over with the outbox",
}


def check_folders(settings: Settings) -> None:
    """Refuse an inbox, outbox and workspace that are one folder or lie inside each other.

    Compared after '..' and symbolic links are resolved, so a link named 'outbox' that
    points at the inbox is caught as well."""
    folders = {
        "inbox": settings.inbox_dir,
        "outbox": settings.outbox_dir,
        "workspace": settings.workspace_dir,
    }
    real = {name: path.resolve() for name, path in folders.items()}
    for (first, second), harm in _OVERLAP_HARM.items():
        a, b = real[first], real[second]
        if a == b:
            relation = f"'{second}' ({folders[second]}) is the same folder as '{first}' ({a})"
        elif b.is_relative_to(a):
            relation = f"'{second}' ({folders[second]}) lies inside '{first}' ({a})"
        elif a.is_relative_to(b):
            relation = f"'{first}' ({folders[first]}) lies inside '{second}' ({b})"
        else:
            continue
        raise SettingsError(
            f"Invalid settings: {relation}, so {harm}. Give inbox, outbox and workspace three "
            "separate folders, none inside another (in "
            f"{settings.base_dir / SETTINGS_FILE} or GOODWORK_INBOX, GOODWORK_OUTBOX, "
            "GOODWORK_WORKSPACE).",
            path=settings.base_dir / SETTINGS_FILE,
        )


def _read_toml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{path}: not valid TOML ({exc}). Fix the file or remove it.") from exc
    unknown = sorted(set(data) - set(SETTING_NAMES))
    if unknown:
        raise SettingsError(
            f"{path}: unknown setting(s) {', '.join(unknown)}. "
            f"Known settings: {', '.join(SETTING_NAMES)}."
        )
    return data


def _read_environ(environ: Mapping[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, raw in environ.items():
        if not key.startswith(ENV_PREFIX):
            continue
        name = key[len(ENV_PREFIX) :].lower()
        if name in ENV_ALIASES and ENV_PREFIX + ENV_ALIASES[name].upper() in environ:
            raise SettingsError(
                f"Both {key} and {ENV_PREFIX}{ENV_ALIASES[name].upper()} are set; keep one."
            )
        name = ENV_ALIASES.get(name, name)
        if name not in SETTING_NAMES:
            raise SettingsError(
                f"Environment variable {key} is not a goodwork setting. "
                f"Known: {', '.join(ENV_PREFIX + n.upper() for n in SETTING_NAMES)}."
            )
        values[name] = _parse_env_value(raw)
    return values


def _parse_env_value(raw: str) -> Any:
    # Lists and tables may be given as JSON; everything else stays a string for pydantic.
    stripped = raw.strip()
    if stripped[:1] in "[{":
        try:
            return json.loads(stripped)
        except json.JSONDecodeError:
            return raw
    return raw


def _describe(exc: ValidationError, toml_path: Path) -> str:
    problems = []
    for error in exc.errors():
        name = ".".join(str(part) for part in error["loc"]) or "settings"
        problems.append(
            f"'{name}' ({ENV_PREFIX}{name.upper()} or in {toml_path.name}): {error['msg']}"
        )
    return "Invalid settings: " + "; ".join(problems)
