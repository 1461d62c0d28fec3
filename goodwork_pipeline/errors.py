"""Every error goodwork raises on purpose, and what each means.

    GoodworkError                 base: names the file (if any), says what is wrong and what to do
    ├── SettingsError             goodwork.toml or a GOODWORK_* variable is invalid (operator)
    ├── ModelError                the Whisper model is missing, corrupt or fails its checksum
    ├── GuideError                the interview guide (templates/*.yaml) is invalid (staff)
    ├── DraftError                a transcript no draft can be made from (no participant speech)
    ├── TemplateError             a template under templates/ is missing or broken (staff/operator)
    ├── StoreError                the workspace database is unusable or a story is unknown
    │   └── UnknownStoryError     a story code that the store has never seen
    ├── ConsentError              consent cannot be recorded as asked (no text yet, bad channel)
    ├── MailError                 the draft e-mail cannot be built or sent (SMTP, address)
    ├── EditError                 a correction from the review page cannot be applied
    │   └── StaleDraftError       ... because the draft moved on (a newer version, sent back)
    ├── ProfileError              an interviewer's voice profile name that is unusable or unknown
    └── InputError                a file dropped in the inbox cannot be used (staff)
        ├── SidecarError          <stem>.yaml: invalid YAML, unknown key, wrong type
        ├── AudioError            empty, not audio, truncated, too short, silent
        ├── TranscriptFileError   a .vtt/.srt/.txt transcript that cannot be read
        ├── NamesFileError        a story's pseudoniemen.yaml (names staff marked) is invalid
        └── DocumentError         a returned draft that is unreadable, hostile or not ours

Each error carries an English message for operators (``str(error)``) and a Dutch one for
staff and participants (``error.nl``), both naming the file and what to do next. Errors
become user messages only at the boundary (the flow or the CLI); inside the engine they
are raised and caught as values of these types.

"Nothing to publish yet" and "no consent" are not errors: they are decisions, returned as
values (see ``consent.py``).
"""

from __future__ import annotations

from pathlib import Path


class GoodworkError(Exception):
    """Base class: an error with an English and a Dutch message and the file it concerns."""

    def __init__(self, message: str, *, nl: str | None = None, path: Path | str | None = None):
        super().__init__(message)
        self.message = message
        self.nl = nl or message
        self.path = Path(path) if path is not None else None

    def __str__(self) -> str:
        return self.message


class SettingsError(GoodworkError):
    """The settings (goodwork.toml or GOODWORK_* environment variables) are invalid."""


class ModelError(GoodworkError):
    """The transcription model cannot be used."""


class GuideError(GoodworkError):
    """The interview guide is invalid."""


class DraftError(GoodworkError):
    """No draft can be made from a transcript (e.g. not one sentence of the participant)."""


class TemplateError(GoodworkError):
    """A template is missing or broken."""


class DiskFullError(GoodworkError, OSError):
    """The disk (or quota) is full while writing an output; what was there is kept.

    Also an ``OSError``, so code that handles failed writes in general still sees it."""


class StoreError(GoodworkError):
    """The workspace store cannot do what was asked."""


class UnknownStoryError(StoreError):
    """A story code the store does not know."""


class ConsentError(GoodworkError):
    """Consent (or a withdrawal) cannot be recorded as asked."""


class MailError(GoodworkError):
    """The draft e-mail cannot be built or sent."""


class EditError(GoodworkError):
    """A correction from the review page cannot be applied (an older version, an unknown
    sentence, an empty text)."""


class StaleDraftError(EditError):
    """The review page shows a version that is no longer the one to change."""


class ProfileError(GoodworkError):
    """An interviewer's voice profile that cannot be named so, or that does not exist."""


class InputError(GoodworkError):
    """A file in the inbox cannot be used as it is."""


class SidecarError(InputError):
    """A sidecar metadata file is invalid."""


class AudioError(InputError):
    """A recording cannot be transcribed."""


class TranscriptFileError(InputError):
    """A transcript file (.vtt, .srt, .txt) cannot be read."""


class DocumentError(InputError):
    """A returned document cannot be read or is not one of our drafts."""


class NamesFileError(InputError):
    """A story's list of names to pseudonymise (pseudoniemen.yaml) is invalid."""
