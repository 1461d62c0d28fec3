"""A participant who answered on paper: a returned PDF is kept with its story, for staff.

The PDF is recognised by its story code (``returned_pdf.py``), archived byte for byte
beside the story's other returned documents (``returned/<sha256>.pdf``, atomically, checked
against its checksum) and left out of the inbox. Nothing is recorded as consent: the story
gets an event, and ``goodwork status`` shows staff that the participant answered on paper,
where the PDF is and the ``goodwork consent`` command that records their choices, bound to
the draft version on paper.
"""

from __future__ import annotations

from goodwork_pipeline.store.repository import Event, Store

PAPER_EVENT = "paper_answer"
# Events after which a paper answer is dealt with: consent recorded or withdrawn, a new state.
_SETTLED_BY = ("consent", "state")


def consent_command(story_id: str, version: int | None) -> str:
    pinned = f" --version {version}" if version else ""
    # Placeholders that fail when pasted unchanged: never a command that grants everything.
    return (
        f"goodwork consent {story_id}{pinned} --channels PLEKKEN --name KEUZE --by JOUW-NAAM "
        "--note 'op papier'"
    )


# What the placeholders stand for, for staff.
PLACEHOLDERS_NL = (
    "PLEKKEN = de aangekruiste plekken, bijvoorbeeld website,social (uit website, social, "
    "group, internal; niets aangekruist: ''), KEUZE = full, first of role"
)
PLACEHOLDERS_EN = (
    "PLEKKEN = the channels ticked, e.g. website,social (of website, social, group, internal; "
    "none: ''), KEUZE = full, first or role"
)


def pending_paper_answer(store: Store, story_id: str) -> Event | None:
    """The latest paper answer of a story, while staff have not acted on it yet."""
    waiting = None
    for event in store.events(story_id):
        if event.kind == PAPER_EVENT:
            waiting = event
        elif waiting is not None and event.kind in _SETTLED_BY:
            waiting = None
    return waiting
