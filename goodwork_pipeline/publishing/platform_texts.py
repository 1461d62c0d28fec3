"""Texts for LinkedIn, X, Instagram and Bluesky, each within its limit as the platform counts.

A text is built from parts: an opening line, the quote (with who said it), a short summary
(whole sentences), the question to the reader, a link placeholder and the hashtags. Each
platform has a Jinja2 template (``templates/publish/<platform>.txt.j2``) that lays the parts
out. When a text is too long, whole parts are dropped in the platform's defined order (the
summary's last sentence first) until it fits; then parts dropped earlier are put back when
they fit after all. Nothing is ever cut inside a word or a sentence.

How each platform counts:

- LinkedIn (3,000) and Instagram (2,200): characters as their web apps count them, in UTF-16
  code units, so an emoji counts two (or more) and the count never comes out too low.
- X (280): twitter-text's weighted length (the official rules: CJK and emoji weigh two, an
  emoji sequence counts once, every URL counts 23), from the ``twitter-text-parser`` package.
- Bluesky (300): grapheme clusters (Unicode UAX #29, ``regex``'s ``\\X``); the post record's
  3,000-byte limit is checked too.

The link placeholder ``[LINK]`` counts as a URL of ``link_length`` characters (X: 23).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import regex

with warnings.catch_warnings():
    # It still imports pkg_resources (setuptools<81 is pinned for it); staff need not see that.
    warnings.filterwarnings("ignore", "pkg_resources is deprecated", UserWarning)
    from twitter_text import parse_tweet

from goodwork_pipeline.errors import TemplateError

LINK_PLACEHOLDER = "[LINK]"
DEFAULT_LINK_LENGTH = 40
HOOK_LIMIT = 200  # LinkedIn shows about this much before "...meer weergeven"

_GRAPHEME = regex.compile(r"\X")
_X_SAMPLE_URL = "https://example.org/beeld"


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def grapheme_length(text: str) -> int:
    return len(_GRAPHEME.findall(text))


def _with_link(text: str, link_length: int) -> str:
    return text.replace(LINK_PLACEHOLDER, "x" * link_length)


def count_linkedin(text: str, link_length: int = DEFAULT_LINK_LENGTH) -> int:
    return utf16_length(_with_link(text, link_length))


def count_x(text: str, link_length: int = DEFAULT_LINK_LENGTH) -> int:
    """twitter-text v3 weighted length; every URL (and the placeholder) counts 23."""
    return parse_tweet(text.replace(LINK_PLACEHOLDER, _X_SAMPLE_URL)).weightedLength


def count_bluesky(text: str, link_length: int = DEFAULT_LINK_LENGTH) -> int:
    return grapheme_length(_with_link(text, link_length))


@dataclass(frozen=True)
class Platform:
    key: str
    label: str
    limit: int
    unit: str
    count: Callable[[str, int], int]
    drop_order: tuple[str, ...]
    """Parts dropped first to last; ``summary`` means one sentence at a time, from the end."""
    summary_words: int
    template: str
    max_bytes: int | None = None
    max_hashtags: int | None = None

    def length(self, text: str, link_length: int) -> int:
        return self.count(text, link_length)

    def fits(self, text: str, link_length: int) -> bool:
        if self.count(text, link_length) > self.limit:
            return False
        return self.max_bytes is None or len(_with_link(text, link_length).encode()) <= (
            self.max_bytes
        )


PLATFORMS: tuple[Platform, ...] = (
    Platform(
        "linkedin",
        "LinkedIn",
        3000,
        "tekens",
        count_linkedin,
        ("summary", "question", "opening", "quote", "hashtags"),
        summary_words=90,
        template="linkedin.txt.j2",
    ),
    Platform(
        "x",
        "X",
        280,
        "gewogen tekens",
        count_x,
        ("summary", "opening", "hashtags", "question", "quote"),
        summary_words=30,
        template="x.txt.j2",
    ),
    Platform(
        "instagram",
        "Instagram",
        2200,
        "tekens",
        count_linkedin,
        ("summary", "opening", "question", "quote", "hashtags"),
        summary_words=70,
        template="instagram.txt.j2",
        max_hashtags=30,
    ),
    Platform(
        "bluesky",
        "Bluesky",
        300,
        "graphemen",
        count_bluesky,
        ("summary", "opening", "hashtags", "question", "quote"),
        summary_words=30,
        template="bluesky.txt.j2",
        max_bytes=3000,
    ),
)
PLATFORM_BY_KEY = {platform.key: platform for platform in PLATFORMS}


@dataclass(frozen=True)
class TextParts:
    """Everything a platform text may say; a template leaves out what is ``None`` or empty."""

    opening: str | None
    quote: str | None
    credit: str | None
    summary: tuple[str, ...]
    question: str | None
    link: str | None
    hashtags: tuple[str, ...]


@dataclass(frozen=True)
class PlatformText:
    platform: Platform
    text: str
    length: int
    dropped: tuple[str, ...]

    @property
    def limit(self) -> int:
        return self.platform.limit


# A piece is one droppable unit: ("opening",), ("summary", i), ("hashtags", i), ...
Piece = tuple[str, int]


def _pieces(parts: TextParts) -> list[Piece]:
    pieces: list[Piece] = []
    for name in ("opening", "quote", "question"):
        if getattr(parts, name):
            pieces.append((name, 0))
    pieces += [("summary", i) for i in range(len(parts.summary))]
    pieces += [("hashtags", i) for i in range(len(parts.hashtags))]
    return pieces


def _select(parts: TextParts, present: set[Piece]) -> TextParts:
    return TextParts(
        opening=parts.opening if ("opening", 0) in present else None,
        quote=parts.quote if ("quote", 0) in present else None,
        credit=parts.credit if ("quote", 0) in present else None,
        summary=tuple(s for i, s in enumerate(parts.summary) if ("summary", i) in present),
        question=parts.question if ("question", 0) in present else None,
        link=parts.link,
        hashtags=tuple(h for i, h in enumerate(parts.hashtags) if ("hashtags", i) in present),
    )


def _drop_sequence(platform: Platform, parts: TextParts) -> list[Piece]:
    sequence: list[Piece] = []
    for name in platform.drop_order:
        if name == "summary":
            sequence += [("summary", i) for i in reversed(range(len(parts.summary)))]
        elif name == "hashtags":
            sequence += [("hashtags", i) for i in reversed(range(len(parts.hashtags)))]
        elif getattr(parts, name):
            sequence.append((name, 0))
    return sequence


def fit(
    platform: Platform,
    parts: TextParts,
    render: Callable[[TextParts], str],
    *,
    link_length: int = DEFAULT_LINK_LENGTH,
) -> PlatformText:
    """The fullest text that fits: drop parts in order, then restore what fits after all."""
    if platform.max_hashtags is not None:
        parts = TextParts(**{**parts.__dict__, "hashtags": parts.hashtags[: platform.max_hashtags]})
    present = set(_pieces(parts))
    text = render(_select(parts, present))
    dropped: list[Piece] = []
    for piece in _drop_sequence(platform, parts):
        if platform.fits(text, link_length):
            break
        present.discard(piece)
        dropped.append(piece)
        text = render(_select(parts, present))
    if not platform.fits(text, link_length):
        raise TemplateError(
            f"The {platform.label} text does not fit in {platform.limit} {platform.unit} even "
            f"with every optional part left out; shorten templates/publish/{platform.template}."
        )
    for piece in reversed(dropped):
        name, index = piece
        if name in ("summary", "hashtags") and index and (name, index - 1) not in present:
            continue  # keep sentences and hashtags contiguous
        trial = render(_select(parts, present | {piece}))
        if platform.fits(trial, link_length):
            present.add(piece)
            text = trial
    names = tuple(dict.fromkeys(name for name, i in _pieces(parts) if (name, i) not in present))
    return PlatformText(platform, text, platform.length(text, link_length), names)


def summary_sentences(sentences: Sequence[str], words: int) -> tuple[str, ...]:
    """Whole sentences from the start, within about ``words`` words (at least one)."""
    chosen: list[str] = []
    used = 0
    for sentence in sentences:
        count = len(sentence.split())
        if chosen and used + count > words:
            break
        chosen.append(sentence)
        used += count
    return tuple(chosen)


def hook(candidates: Sequence[str | None], limit: int = HOOK_LIMIT) -> str | None:
    """The first opening line short enough to be seen before a platform folds the text."""
    for candidate in candidates:
        if candidate and utf16_length(candidate) <= limit:
            return candidate
    return None


def normalise_hashtags(tags: Sequence[str]) -> tuple[str, ...]:
    """``#Tag`` form, no spaces, no duplicates, in the order given."""
    result: dict[str, None] = {}
    for tag in tags:
        body = regex.sub(r"[^\w]", "", tag.strip().lstrip("#"))
        if body:
            result["#" + body] = None
    return tuple(result)


def tidy(text: str) -> str:
    """Blank lines between paragraphs exactly once; no trailing spaces; one final newline."""
    paragraphs = [
        "\n".join(line.rstrip() for line in block.strip("\n").splitlines())
        for block in regex.split(r"\n\s*\n", text)
    ]
    return "\n\n".join(p for p in paragraphs if p.strip()) + "\n"
