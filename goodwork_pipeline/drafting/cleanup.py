"""From spoken Dutch to readable text without changing what was said.

Only three things are ever done to a sentence, and each only removes words:

- fillers: hesitations (eh, ehm, uhm...) anywhere; "nou ja", "zeg maar", "weet je wel"
  anywhere (unless "zeg maar" is a real verb: "ik zeg maar tegen haar"); tags such as "weet
  je", "snap je", "hè", "toch" when set off by commas or at the end; openers such as "ja",
  "nou", "oké" at the start of a sentence;
- stutters and false starts: a cut-off word ("ver- verzorgende"), a word or a few words said
  twice ("ik ik ging", "ik ben, ik ben gaan praten"); "dat dat" and "die die" are Dutch, kept;
- layout: sentence boundaries, commas left dangling, a capital at the start, a full stop at
  the end; an overlong sentence is split at a comma.

The first person and the participant's words stay. No word is ever added or reordered: the
words of the result are the words of the input, in order, minus the removed ones (a property
test holds this).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_TOKEN = re.compile(r"[’']?\w+(?:[-’']\w+)*-?|\.\.\.|…|[^\w\s]", re.UNICODE)
_CLOSING = set(",.!?;:)…") | {"..."}
_END = {".", "!", "?", "...", "…"}
_PAUSES = {",", "...", "…"}

# Fillers anywhere in a sentence.
HESITATIONS = frozenset(
    ["eh", "ehm", "ehh", "euh", "uh", "uhm", "uhh", "um", "hm", "hmm", "hmhm", "mm", "mmm", "mhm"]
)
ANYWHERE: tuple[tuple[str, ...], ...] = (
    ("nou", "ja"),
    ("weet", "je", "wel"),
    ("zeg", "maar"),
)
# Fillers only when set off by punctuation (or at the start or end of a sentence).
SET_OFF: tuple[tuple[str, ...], ...] = (
    ("weet", "je"),
    ("snap", "je"),
    ("zie", "je"),
    ("zeg", "maar"),
    ("hè",),
    ("he",),
    ("toch",),
    ("ja",),
    ("nou",),
    ("enfin",),
)
# Fillers at the start of a sentence; the second set only when a comma follows.
OPENERS: tuple[tuple[str, ...], ...] = (
    ("o",),
    ("oh",),
    ("ah",),
    ("ja", "nee"),
    ("ja", "ja"),
    ("ja",),
    ("nou",),
    ("oké",),
    ("oke",),
    ("okay",),
    ("ok",),
    ("tja",),
)
OPENERS_WITH_COMMA: tuple[tuple[str, ...], ...] = (("kijk",), ("goh",), ("ach",), ("nou", "goed"))

# "huis, weet je, niet onze werkplek": these words want the comma before them kept.
_COMMA_BEFORE = frozenset(
    [
        "niet",
        "maar",
        "want",
        "omdat",
        "die",
        "dat",
        "wat",
        "waar",
        "waardoor",
        "toen",
        "als",
        "zodat",
        "terwijl",
        "ook",
        "en",
        "of",
        "dus",
    ]
)
# "zeg maar" after one of these is the verb "zeggen": "ik zeg maar tegen haar".
_SUBJECTS = frozenset(["ik", "je", "jij", "we", "wij", "ze", "zij", "hij", "u", "men"])
# Doubled words that are good Dutch or deliberate emphasis.
_KEEP_DOUBLE = frozenset(["dat", "die", "heel", "erg", "zeer"])
# A hyphen at the end of a word before these is an elision ("zorg- en welzijn"), not a cut-off.
_ELISION_NEXT = frozenset(["en", "of", "tot", "noch"])

MAX_WORDS = 40  # longer sentences are split at a comma


def filler_vocabulary() -> frozenset[str]:
    """Every word that can be part of a filler (what the property test treats as fillers)."""
    phrases = ANYWHERE + SET_OFF + OPENERS + OPENERS_WITH_COMMA
    return HESITATIONS | frozenset(word for phrase in phrases for word in phrase)


def tokenize(text: str) -> list[str]:
    return _TOKEN.findall(text)


def detokenize(tokens: Sequence[str]) -> str:
    out = ""
    for token in tokens:
        if not out or token in _CLOSING or out.endswith("("):
            out += token
        else:
            out += " " + token
    return out


def _is_word(token: str) -> bool:
    return bool(token) and (token[0].isalnum() or token[0] in "'’_")


def _low(token: str) -> str:
    return token.lower().replace("’", "'")


def _match(tokens: list[str], i: int, phrase: tuple[str, ...]) -> bool:
    return tuple(_low(t) for t in tokens[i : i + len(phrase)]) == phrase


def _edge_before(tokens: list[str], i: int) -> bool:
    return i == 0 or not _is_word(tokens[i - 1])


def _edge_after(tokens: list[str], j: int) -> bool:
    return j >= len(tokens) or not _is_word(tokens[j])


def _at_start(tokens: list[str], i: int) -> bool:
    """True if only punctuation precedes position i in the sentence."""
    return all(not _is_word(t) for t in tokens[:i])


def remove_fillers(text: str) -> str:
    """Remove hesitations, filler phrases and openers; keep every other word, in order."""
    return detokenize(_tidy(_drop_fillers(tokenize(text))))


def _drop_fillers(tokens: list[str]) -> list[str]:
    kept: list[str] = []
    i = 0
    while i < len(tokens):
        width = _filler_width(tokens, i)
        if width:
            # A tag question at the end ("..., toch?") leaves a statement.
            after = i + width
            if after == len(tokens) - 1 and tokens[after] == "?" and kept:
                tokens = [*tokens[:after], "."]
            # ", zeg maar," between two pauses: the pauses go with it.
            if kept and kept[-1] in _PAUSES and after < len(tokens) and tokens[after] in _PAUSES:
                following = tokens[after + 1] if after + 1 < len(tokens) else ""
                if _low(following) not in _COMMA_BEFORE:
                    kept.pop()
                after += 1
            i = after
            continue
        kept.append(tokens[i])
        i += 1
    return kept


def _filler_width(tokens: list[str], i: int) -> int:
    token = _low(tokens[i])
    if not _is_word(tokens[i]):
        return 0
    if token in HESITATIONS:
        return 1
    for phrase in ANYWHERE:
        if _match(tokens, i, phrase):
            set_off = _edge_before(tokens, i) or _edge_after(tokens, i + len(phrase))
            verb = phrase == ("zeg", "maar") and i > 0 and _low(tokens[i - 1]) in _SUBJECTS
            if not verb or set_off:
                return len(phrase)
    if _at_start(tokens, i):
        for phrase in OPENERS:
            if _match(tokens, i, phrase):
                return len(phrase)
        for phrase in OPENERS_WITH_COMMA:
            j = i + len(phrase)
            if _match(tokens, i, phrase) and j < len(tokens) and tokens[j] == ",":
                return len(phrase)
    for phrase in SET_OFF:
        j = i + len(phrase)
        if _match(tokens, i, phrase) and _edge_before(tokens, i) and _edge_after(tokens, j):
            if phrase in (("toch",), ("hè",), ("he",)) and not _at_end(tokens, j):
                continue
            if i == 0 and j < len(tokens) and tokens[j] not in (",", "...", "…"):
                continue  # "Weet je wat ik deed?": a question, not a filler
            return len(phrase)
    return 0


def _at_end(tokens: list[str], j: int) -> bool:
    return all(not _is_word(t) for t in tokens[j:])


def _drop_cutoffs(tokens: list[str]) -> list[str]:
    kept = []
    for i, token in enumerate(tokens):
        if _is_word(token) and token.endswith("-"):
            following = next((t for t in tokens[i + 1 :] if _is_word(t)), None)
            if following is None or _low(following) not in _ELISION_NEXT:
                continue
        kept.append(token)
    return kept


def _drop_repeats(tokens: list[str]) -> list[str]:
    """'ik ik ging' -> 'ik ging'; 'ik ben, ik ben gaan' -> 'ik ben gaan'."""
    changed = True
    while changed:
        changed = False
        positions = [i for i, t in enumerate(tokens) if _is_word(t)]
        lows = [_low(tokens[i]) for i in positions]
        for n in (3, 2, 1):
            for k in range(len(lows) - 2 * n + 1):
                if lows[k : k + n] != lows[k + n : k + 2 * n]:
                    continue
                if n == 1 and lows[k] in _KEEP_DOUBLE:
                    continue
                between = tokens[positions[k + n - 1] + 1 : positions[k + n]]
                if any(t not in (",", "...", "…") for t in between):
                    continue  # a sentence boundary or other punctuation: not a stutter
                start, stop = positions[k], positions[k + n]
                tokens = tokens[:start] + tokens[stop:]
                changed = True
                break
            if changed:
                break
    return tokens


def _tidy(tokens: list[str]) -> list[str]:
    """Commas and dots left dangling after words were removed."""
    out: list[str] = []
    for token in tokens:
        if token == "," and (not out or not _is_word(out[-1])):
            continue
        if token in _END and out and out[-1] == ",":
            out.pop()
        if token in _END and out and out[-1] in _END:
            continue
        out.append(token)
    while out and out[-1] == ",":
        out.pop()
    return out


def clean_sentence(text: str) -> str:
    """A spoken sentence made readable: fillers, stutters, false starts gone; capital, stop."""
    tokens = _drop_fillers(tokenize(text))
    tokens = _drop_cutoffs(tokens)
    tokens = _drop_repeats(tokens)
    tokens = _tidy(tokens)
    if not any(_is_word(t) for t in tokens):
        return ""
    while tokens and not _is_word(tokens[0]):
        tokens.pop(0)
    tokens = [t if t not in ("...", "…") else "," for t in tokens[:-1]] + tokens[-1:]
    tokens = _tidy(tokens)
    if tokens[-1] in ("...", "…"):
        tokens[-1] = "."
    if tokens[-1] not in _END:
        tokens.append(".")
    tokens[0] = tokens[0][:1].upper() + tokens[0][1:]
    return detokenize(tokens)


def split_long(sentence: str, max_words: int = MAX_WORDS) -> list[str]:
    """Split a run-on sentence at the comma nearest its middle (both halves 8+ words)."""
    tokens = tokenize(sentence)
    word_count = sum(_is_word(t) for t in tokens)
    if word_count <= max_words:
        return [sentence]
    best: tuple[int, int] | None = None
    seen = 0
    for i, token in enumerate(tokens):
        if _is_word(token):
            seen += 1
        elif token == "," and 8 <= seen <= word_count - 8:
            distance = abs(seen - word_count // 2)
            if best is None or distance < best[0]:
                best = (distance, i)
    if best is None:
        return [sentence]
    cut = best[1]
    left = detokenize([*tokens[:cut], "."])
    right_tokens = tokens[cut + 1 :]
    right_tokens[0] = right_tokens[0][:1].upper() + right_tokens[0][1:]
    return split_long(left, max_words) + split_long(detokenize(right_tokens), max_words)


_BOUNDARY = re.compile(
    r"(?:[.!?]+|\.\.\.|…)[\"'”’)]*(?=\s+[\"'“‘(]?[A-Z0-9ÀÁÂÄÈÉÊËÍÏÓÖÚÜ])|[!?]+(?=\s)"
)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of a spoken text.

    A sentence ends at '.', '!' or '?' followed by a capital (so 'bijv. de' and a trailing
    '...' before a lower-case word do not end it) and at any '!' or '?'.
    """
    spans = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end()
        if text[start:end].strip():
            spans.append((start, end))
        start = end
    if text[start:].strip():
        spans.append((start, len(text)))
    return [_strip_span(text, a, b) for a, b in spans]


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
