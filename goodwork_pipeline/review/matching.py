"""How the participant's text is compared with ours.

``normalise`` evens out case, quote marks and punctuation (to find a heading or a box label by
its words), ``exact`` only whitespace and quote marks (every word and mark of a fixed part
still counts), ``matches`` allows a near match, and ``short`` quotes a text in a message.
"""

from __future__ import annotations

import difflib
import re
import unicodedata


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text).lower().replace("’", "'").replace("‘", "'")
    text = re.sub(r"[^\w' ]+", " ", text)
    return " ".join(text.split())


def exact(text: str) -> str:
    """Whitespace and quote marks evened out; every word and punctuation mark still counts."""
    text = unicodedata.normalize("NFC", text)
    for curly, plain in (("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"')):
        text = text.replace(curly, plain)
    return " ".join(text.split())


def matches(text: str, label: str, *, cutoff: float = 0.86) -> bool:
    a, b = normalise(text), normalise(label)
    if not a:
        return False
    if a == b:
        return True
    # ratio() <= quick_ratio() <= real_quick_ratio(): the cheap bounds rule out most pairs
    matcher = difflib.SequenceMatcher(None, a, b)
    return (
        matcher.real_quick_ratio() >= cutoff
        and matcher.quick_ratio() >= cutoff
        and matcher.ratio() >= cutoff
    )


def short(text: str | None, limit: int = 70) -> str:
    text = text or ""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
