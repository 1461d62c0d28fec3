"""Segments by sentence and speaker turn, made from the words, and words joined back into text.

Once every word has its speaker, ``resegment`` cuts the engine's segments anew: a segment ends
at a change of speaker, a pause, the end of a sentence, or when it grows too long.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from goodwork_pipeline.models import Segment, Word
from goodwork_pipeline.transcription.speakers import Labels

# A new segment starts after a pause this long, and segments stay under this length.
SEGMENT_PAUSE_S = 1.0
SEGMENT_MAX_S = 12.0
_SENTENCE_END = re.compile(r"[.!?…]['\")\]]*$")


def resegment(segments: Sequence[Segment], labels: Labels) -> list[Segment]:
    """Segments per sentence and speaker turn, from the words (engine segments without
    words are kept as they are)."""
    result: list[Segment] = []
    speakers = iter(labels.speakers)
    confidence = iter(labels.confidence)
    for segment in segments:
        if not segment.words:
            result.append(segment)
            continue
        group: list[Word] = []
        group_sure: list[float | None] = []
        group_speaker: str | None = None
        for word in segment.words:
            speaker = next(speakers, None)
            sure = next(confidence, None)
            if group and _breaks(group, word, group_speaker, speaker):
                result.append(_from_words(group, group_speaker, group_sure))
                group, group_sure = [], []
            if not group:
                group_speaker = speaker
            group.append(word)
            group_sure.append(sure)
        if group:
            result.append(_from_words(group, group_speaker, group_sure))
    return result


def _breaks(group: list[Word], word: Word, current: str | None, speaker: str | None) -> bool:
    last = group[-1]
    if speaker != current:
        return True
    if word.start - last.end >= SEGMENT_PAUSE_S:
        return True
    if _SENTENCE_END.search(last.text):
        return True
    length = word.end - group[0].start
    if length > SEGMENT_MAX_S and last.text.endswith((",", ";", ":")):
        return True
    return length > 2 * SEGMENT_MAX_S


def join_words(words: Sequence[Word]) -> str:
    """Words back into text: no space before "'n", "-a" or punctuation, nor after "(" or "-"."""
    text = ""
    for word in words:
        glued = word.text[:1] in "'’-.,!?;:)]…" or text.endswith(("(", "[", "-", "'"))
        text += word.text if (glued or not text) else " " + word.text
    return text


def _from_words(
    words: list[Word], speaker: str | None, sure: Sequence[float | None] = ()
) -> Segment:
    probability = float(np.mean([w.probability for w in words]))
    known = [c for c in sure if c is not None]
    return Segment(
        id=0,
        start=words[0].start,
        end=max(w.end for w in words),
        text=join_words(words),
        speaker=speaker,
        words=tuple(words),
        confidence=round(probability, 3),
        speaker_confidence=round(min(known), 3) if known else None,
    )
