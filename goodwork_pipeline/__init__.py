"""goodwork-pipeline: from a recorded conversation to a consented 'beeld van goed werk'.

The engine, stage by stage: intake -> transcribe -> draft -> review -> consent -> render ->
publish. It never imports Prefect; the flows in ``flows/`` wire these stages together.

The names in ``__all__`` are the public face: ``flows/`` and users import from here only, so
the modules behind it may move. Each name is imported on first use (PEP 562), which keeps
``import goodwork_pipeline`` (and so the CLI's start-up) cheap.
"""

# ruff: noqa: F401  (the TYPE_CHECKING imports at the end are the face, for type checkers)
from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_ERRORS = (
    "GoodworkError",
    "SettingsError",
    "ModelError",
    "GuideError",
    "DraftError",
    "TemplateError",
    "DiskFullError",
    "StoreError",
    "UnknownStoryError",
    "ConsentError",
    "MailError",
    "EditError",
    "StaleDraftError",
    "ProfileError",
    "InputError",
    "SidecarError",
    "AudioError",
    "TranscriptFileError",
    "DocumentError",
    "NamesFileError",
)
_MODELS = (
    "State",
    "Channel",
    "NameDisplay",
    "Sidecar",
    "Word",
    "Segment",
    "Gap",
    "Transcript",
    "Sentence",
    "Section",
    "Beeld",
    "ConsentChoices",
    "ConsentRecord",
    "Consent",
)

# public name -> the module that defines it
_WHERE: dict[str, str] = {
    **dict.fromkeys(_ERRORS, "errors"),
    **dict.fromkeys(_MODELS, "models"),
    "Pipeline": "pipeline",
    "StepResult": "results",
    "Settings": "settings",
    "load_settings": "settings",
    "SETTINGS_FILE": "settings",
    "SystemClock": "clock",
    "configure_logging": "logs",
    "fields": "logs",
    "atomic_write_text": "files",
    "Step": "lifecycle",
    "next_automatic": "lifecycle",
    "retry_steps": "lifecycle",
    "Store": "store.repository",
    "purge_recordings": "store.retention",
    "purge_programme": "store.retention",
    "has_database": "store.programme",
    "open_store": "store.programme",
    "known_story": "store.programme",
    "ensure_folders": "store.programme",
    "workspace_is_open": "store.programme",
    "InboxItem": "intake.inbox",
    "Kind": "intake.inbox",
    "TRANSCRIPT_SUFFIXES": "intake.inbox",
    "InboxWatcher": "intake.watch",
    "ChunkResult": "transcription.stage",
    "ProgressMeter": "transcription.progress",
    "TranscriptionPlan": "transcription.stage",
    "transcribe_one": "transcription.standalone",
    "transcript_format": "transcription.standalone",
    "transcribe_to": "transcription.standalone",
    "needs_transcribing": "transcription.standalone",
    "render_transcript": "intake.transcript_files",
    "make_profile": "transcription.profiles",
    "save_profile": "transcription.profiles",
    "load_profiles": "transcription.profiles",
    "remove_profile": "transcription.profiles",
    "story_pseudonyms": "privacy.pseudonymise",
    "Doubt": "review.answers",
    "read_document": "review.returned_document",
    "SOURCE_CLI": "consent.summary",
    "SOURCE_PREFECT": "consent.summary",
    "parse_channels": "consent.summary",
    "consent_view": "consent.summary",
    "story_groups": "publishing.booklet",
    "DRAFTS_FOLDER": "publishing.outbox",
    "StatusRow": "status",
    "status_rows": "status",
    "story_history": "status",
    "story_markdown": "status",
    "Line": "pipeline.report_lines",
    "Table": "pipeline.report_lines",
    "status_report": "pipeline.reports",
    "groups_report": "pipeline.reports",
    "names_report": "pipeline.reports",
    "pseudonyms_report": "pipeline.reports",
    "purge_report": "pipeline.reports",
    "settings_report": "pipeline.reports",
    "profiles_report": "pipeline.reports",
    "result_notes": "pipeline.reports",
    "time_left": "pipeline.reports",
    "transcript_summary": "pipeline.reports",
    "review_intro": "pipeline.reports",
    "review_stopped": "pipeline.reports",
    "PSEUDONYMS_NOTE": "pipeline.reports",
    "WATCH_STOPPED": "pipeline.reports",
    "run_report": "pipeline.reports",
    "watch_intro": "pipeline.reports",
    "send_newest_draft": "pipeline.actions",
    "change_names": "pipeline.actions",
    "mark_newest_sent": "pipeline.actions",
    "purge_now": "pipeline.actions",
    "add_interviewer": "pipeline.actions",
    "list_interviewers": "pipeline.actions",
    "remove_interviewer": "pipeline.actions",
    "ReviewServer": "review_page",
    "ReviewSession": "review_page",
    "open_review": "review_page",
    "SAMPLE_CONVERSATION": "testing.samples",
    "SAMPLE_SIDECAR": "testing.samples",
    "fill_in_as_participant": "testing.samples",
    "synthesize": "testing.samples",
}
# the face's name for a name its module spells differently
_RENAMED = {"purge_recordings": "purge", "story_groups": "groups", "render_transcript": "render"}

__all__ = ["__version__", *_WHERE]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'goodwork_pipeline' has no attribute {name!r}")
    value = getattr(import_module(f"goodwork_pipeline.{module}"), _RENAMED.get(name, name))
    globals()[name] = value  # imported once
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:  # what type checkers and editors see; nothing of it runs
    # ruff cannot read the __all__ built from _WHERE, so it would call these unused
    from goodwork_pipeline.clock import SystemClock
    from goodwork_pipeline.consent.summary import (
        SOURCE_CLI,
        SOURCE_PREFECT,
        consent_view,
        parse_channels,
    )
    from goodwork_pipeline.errors import (
        AudioError,
        ConsentError,
        DiskFullError,
        DocumentError,
        DraftError,
        EditError,
        GoodworkError,
        GuideError,
        InputError,
        MailError,
        ModelError,
        NamesFileError,
        ProfileError,
        SettingsError,
        SidecarError,
        StaleDraftError,
        StoreError,
        TemplateError,
        TranscriptFileError,
        UnknownStoryError,
    )
    from goodwork_pipeline.files import atomic_write_text
    from goodwork_pipeline.intake.inbox import TRANSCRIPT_SUFFIXES, InboxItem, Kind
    from goodwork_pipeline.intake.transcript_files import render as render_transcript
    from goodwork_pipeline.intake.watch import InboxWatcher
    from goodwork_pipeline.lifecycle import Step, next_automatic, retry_steps
    from goodwork_pipeline.logs import configure_logging, fields
    from goodwork_pipeline.models import (
        Beeld,
        Channel,
        Consent,
        ConsentChoices,
        ConsentRecord,
        Gap,
        NameDisplay,
        Section,
        Segment,
        Sentence,
        Sidecar,
        State,
        Transcript,
        Word,
    )
    from goodwork_pipeline.pipeline import Pipeline
    from goodwork_pipeline.pipeline.actions import (
        add_interviewer,
        change_names,
        list_interviewers,
        mark_newest_sent,
        purge_now,
        remove_interviewer,
        send_newest_draft,
    )
    from goodwork_pipeline.pipeline.report_lines import Line, Table
    from goodwork_pipeline.pipeline.reports import (
        PSEUDONYMS_NOTE,
        WATCH_STOPPED,
        groups_report,
        names_report,
        profiles_report,
        pseudonyms_report,
        purge_report,
        result_notes,
        review_intro,
        review_stopped,
        run_report,
        settings_report,
        status_report,
        time_left,
        transcript_summary,
        watch_intro,
    )
    from goodwork_pipeline.privacy.pseudonymise import story_pseudonyms
    from goodwork_pipeline.publishing.booklet import groups as story_groups
    from goodwork_pipeline.publishing.outbox import DRAFTS_FOLDER
    from goodwork_pipeline.results import StepResult
    from goodwork_pipeline.review.answers import Doubt
    from goodwork_pipeline.review.returned_document import read_document
    from goodwork_pipeline.review_page import ReviewServer, ReviewSession, open_review
    from goodwork_pipeline.settings import SETTINGS_FILE, Settings, load_settings
    from goodwork_pipeline.status import StatusRow, status_rows, story_history, story_markdown
    from goodwork_pipeline.store.programme import (
        ensure_folders,
        has_database,
        known_story,
        open_store,
        workspace_is_open,
    )
    from goodwork_pipeline.store.repository import Store
    from goodwork_pipeline.store.retention import purge as purge_recordings
    from goodwork_pipeline.store.retention import purge_programme
    from goodwork_pipeline.testing.samples import (
        SAMPLE_CONVERSATION,
        SAMPLE_SIDECAR,
        fill_in_as_participant,
        synthesize,
    )
    from goodwork_pipeline.transcription.profiles import (
        load_profiles,
        make_profile,
        remove_profile,
        save_profile,
    )
    from goodwork_pipeline.transcription.progress import ProgressMeter
    from goodwork_pipeline.transcription.stage import ChunkResult, TranscriptionPlan
    from goodwork_pipeline.transcription.standalone import (
        needs_transcribing,
        transcribe_one,
        transcribe_to,
        transcript_format,
    )
