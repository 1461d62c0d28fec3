"""The review page: the interviewer checks a draft against the recording before it goes out.

``goodwork review STORY`` starts a ``ReviewServer`` (server.py, ``open_review``) on 127.0.0.1
for one ``ReviewSession`` (session.py). The page (static/: plain HTML, CSS and JavaScript, no build
step, nothing from the network) shows the newest draft by section with every sentence's time
and the words Whisper was unsure of (page.py), plays the recording from any sentence, shows
the whole transcript, and saves corrections (edits.py) as a new draft version through the
same writer as every draft.
"""

from goodwork_pipeline.review_page.edits import (
    Change,
    DraftEdit,
    SentenceEdit,
    apply_edit,
    parse_edit,
)
from goodwork_pipeline.review_page.page import UNSURE_BELOW
from goodwork_pipeline.review_page.server import ReviewServer, make_app, open_review
from goodwork_pipeline.review_page.session import ReviewSession, SaveOutcome

__all__ = [
    "UNSURE_BELOW",
    "Change",
    "DraftEdit",
    "ReviewServer",
    "ReviewSession",
    "SaveOutcome",
    "SentenceEdit",
    "apply_edit",
    "make_app",
    "open_review",
    "parse_edit",
]
