"""Finding which words of a known script a piece of transcribed text stands for.

The demo knows what its sample interview really says (it spoke the script itself). Whisper
mishears some of it, joins sentences or breaks one in two. ``Script.match`` finds, for a
piece of the draft, the stretch of one script line whose words are most like the piece's
(word-level similarity, difflib's ratio over lower-cased words), so the demo participant can
put back what was said, as a participant who remembers their own words would. No phrase is
special: any script, any mishearing.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

WORD = re.compile(r"\w+(?:['’]\w+)*")
SENTENCE_END = ".!?"
# Below this similarity a piece is not taken for any part of the script (the guide's own
# closing question, a sentence the participant added). Whisper's errors on the demo leave
# about half the words right or better (ratios 0.5-0.9); unrelated Dutch sentences share a
# few function words (ratios up to about 0.35).
MIN_RATIO = 0.5


@dataclass(frozen=True)
class Span:
    """Words ``start``..``end`` (exclusive) of script line ``line``, and how alike they were."""

    line: int
    start: int
    end: int
    ratio: float


class Script:
    def __init__(self, lines: Sequence[str]):
        self.lines = tuple(lines)
        self._words = [list(WORD.finditer(line)) for line in self.lines]

    def match(self, text: str, min_ratio: float = MIN_RATIO) -> Span | None:
        """The script stretch most like ``text``, or None when nothing is alike enough."""
        words = _words(text)
        if not words:
            return None
        best: Span | None = None
        shortest, longest = max(1, len(words) // 2), 2 * len(words) + 1
        for line, found in enumerate(self._words):
            normal = [m.group().lower() for m in found]
            for start in range(len(normal)):
                for end in range(start + shortest, min(len(normal), start + longest) + 1):
                    ratio = difflib.SequenceMatcher(None, words, normal[start:end]).ratio()
                    if best is None or ratio > best.ratio:
                        best = Span(line, start, end, ratio)
        if best is None or best.ratio < min_ratio:
            return None
        return self._to_clause(best, words)

    def _to_clause(self, span: Span, words: list[str]) -> Span:
        """Widen ``span`` towards its clause's edge on a side where ``text`` has words before
        the first (or after the last) word it shares with the script: those were misheard
        script words ("Rootmerk is dat" for "Goed werk is dat"), not words the script lacks.
        At most two script words for each such word (Whisper may hear two as one)."""
        found = self._words[span.line]
        normal = [m.group().lower() for m in found]
        blocks = [b for b in _blocks(words, normal[span.start : span.end]) if b.size]
        start, end = span.start, span.end
        leading = blocks[0].a
        trailing = len(words) - blocks[-1].a - blocks[-1].size
        while leading and start > max(0, span.start - 2 * leading):
            if self._clause_ends_after(span.line, start - 1):
                break
            start -= 1
        while trailing and end < min(len(found), span.end + 2 * trailing):
            if self._clause_ends_after(span.line, end - 1):
                break
            end += 1
        return Span(span.line, start, end, span.ratio)

    def _clause_ends_after(self, line: int, word: int) -> bool:
        text, end = self.lines[line], self._words[line][word].end()
        return end < len(text) and text[end] in SENTENCE_END + ",;:"

    def text(self, span: Span, *, capital: bool = False, closing: str = "") -> str:
        """The script's own words for ``span``: its inner punctuation and the mark right
        after its last word; a capital first letter if ``capital``; ``closing`` (a sentence
        end) added when the script has none there."""
        line, found = self.lines[span.line], self._words[span.line]
        begin, end = found[span.start].start(), found[span.end - 1].end()
        if end < len(line) and line[end] in SENTENCE_END + ",;:":
            end += 1
        text = line[begin:end]
        if capital:
            text = text[:1].upper() + text[1:]
        if closing in tuple(SENTENCE_END) and text[-1:] not in SENTENCE_END:
            text = text.rstrip(",;:") + closing
        return text

    def follows(self, first: Span, second: Span) -> bool:
        """``second`` continues the sentence ``first`` is in (the same line, overlapping it
        or at most one word dropped between, and no sentence end after ``first``)."""
        if second.line != first.line or not first.start < second.start <= first.end + 1:
            return False
        text, end = self.lines[first.line], self._words[first.line][first.end - 1].end()
        return not (end < len(text) and text[end] in SENTENCE_END)


def _blocks(a: list[str], b: list[str]) -> list[difflib.Match]:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()


def _words(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(text)]
