"""Who said what, when: every sentence of a conversation with its speaker's role and source span.

Speaker labels give the roles (``_roles``: names from the sidecar, otherwise the label that asks
questions interviews); a segment without a label is read sentence by sentence
(``_guess_roles``). Each sentence keeps its segment ids and a time span from the word timings,
so the draft can show where every beeld sentence was said.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable, Sequence

from goodwork_pipeline.drafting.cleanup import sentence_spans
from goodwork_pipeline.drafting.placement import contains_phrase
from goodwork_pipeline.drafting.placement_evidence import Utterance
from goodwork_pipeline.models import INTERVIEWER, PARTICIPANT, Segment, Sidecar
from goodwork_pipeline.speech_acts import is_question, own_question, reflects, thanks
from goodwork_pipeline.text_nl import normal_phrase
from goodwork_pipeline.transcription.speakers import speaker_role

log = logging.getLogger(__name__)

__all__ = ["utterances"]


def utterances(
    segments: Sequence[Segment], sidecar: Sidecar, closings: Sequence[str] = ()
) -> list[Utterance]:
    """Every sentence of the conversation, with its speaker's role and its source span.

    Without speaker labels, a question or request (by its form, ``speech_acts``: the '?' may be
    missing) is taken to be the interviewer's, and so is what comes before it in the same
    segment ("Mooi. Dat ken ik. En wat deed je toen?"), a summary ("Dus eigenlijk: ..."), the
    participant's words given back ("Dus je belde eerst"), thanks, a good wish and a closing
    ("Dank je wel voor het gesprek"); see ``_guess_roles``.
    """
    roles = _roles(segments, sidecar)
    pieces: list[tuple[str | None, Segment, int, int]] = []
    for segment in segments:
        role = roles.get(segment.speaker) if segment.speaker is not None else None
        if segment.speaker is not None and role is None:
            continue  # a third speaker: never the participant's words
        if role is None:
            for who, a, b in _guess_roles(segment.text, closings, _first_names(sidecar)):
                pieces.append((who, segment, a, b))
        else:
            pieces.append((role, segment, 0, len(segment.text)))
    result: list[Utterance] = []
    for turn_index, turn in enumerate(_group(pieces)):
        result.extend(_turn_sentences(turn, turn_index))
    return result


_REQUESTS = ("vertel ", "beschrijf ", "leg eens uit", "noem eens")  # questions without '?'


def _first_names(sidecar: Sidecar) -> tuple[str, ...]:
    """The participant's first names, as an interviewer addresses them ("Daan, stel je even
    voor")."""
    names = (sidecar.participant, *sidecar.also_known_as)
    return tuple(dict.fromkeys(n.split()[0] for n in names if n and n.split()))


def _addressed(sentence: str, names: Sequence[str]) -> str:
    """The sentence without the participant's name in front ("Daan, wie ben je?")."""
    for name in names:
        found = re.match(rf"\s*{re.escape(name)}\s*,\s*", sentence, re.IGNORECASE)
        if found:
            return sentence[found.end() :]
    return sentence


def _guess_roles(
    text: str, closings: Sequence[str], names: Sequence[str] = ()
) -> list[tuple[str, int, int]]:
    """Who said each sentence of a segment with no speaker label.

    A question or request to the listener is the interviewer's, and so is what comes before it
    in the same segment ("O, dat is een mooie mix. Ik ken dat wel. Maar wat deed je toen?"):
    a segment runs between pauses, and the asker's remark and question are one stretch of
    speech. Not when the segment's first question is one the speaker asks themselves ("Wat
    moest ik nou?") or tags on ("..., toch?"): that asks nothing of the listener. Thanks, a
    summary and a closing are the interviewer's too. The participant's name in front ("Daan,
    stel je even voor") is read past: only the interviewer addresses them so."""
    spans = sentence_spans(text)
    questions = [is_question(_addressed(text[a:b], names)) for a, b in spans]
    asking = [i for i, question in enumerate(questions) if question]
    own = asking and own_question(text[slice(*spans[asking[0]])])
    lead_in = asking[0] if asking and not own else 0  # sentences before it lead in to it
    guessed = []
    for index, (a, b) in enumerate(spans):
        sentence = text[a:b]
        to_listener = questions[index] and not own_question(sentence)
        asks = to_listener or _addressed(sentence, names).lower().startswith(_REQUESTS)
        theirs = (  # thanks, a summary, a closing: the interviewer's too
            thanks(sentence)
            or reflects(sentence)
            or any(contains_phrase(normal_phrase(sentence), normal_phrase(c)) for c in closings)
        )
        leads_in = index < lead_in
        guessed.append((INTERVIEWER if asks or leads_in or theirs else PARTICIPANT, a, b))
    return guessed


def _roles(segments: Sequence[Segment], sidecar: Sidecar) -> dict[str | None, str]:
    """Roles for every speaker label; two unmapped names: the one asking questions interviews."""
    labels = list(dict.fromkeys(s.speaker for s in segments if s.speaker is not None))
    roles = {label: speaker_role(label, sidecar) for label in labels}
    unknown = [label for label in labels if roles[label] is None]
    taken = {role for role in roles.values() if role}
    if unknown and len(taken) < 2:
        questions: Counter[str] = Counter()
        total: Counter[str] = Counter()
        for segment in segments:
            if segment.speaker in unknown:
                for a, b in sentence_spans(segment.text):
                    total[segment.speaker] += 1
                    questions[segment.speaker] += segment.text[a:b].rstrip().endswith("?")
        ranked = sorted(unknown, key=lambda label: -questions[label] / max(total[label], 1))
        free = [r for r in (INTERVIEWER, PARTICIPANT) if r not in taken]
        if INTERVIEWER in free and len(ranked) >= len(free):
            roles[ranked[0]] = INTERVIEWER
            ranked = ranked[1:]
            free.remove(INTERVIEWER)
        if PARTICIPANT in free and ranked:
            roles[ranked[0]] = PARTICIPANT
        log.info("speaker roles inferred from the conversation: %s", roles)
    return {label: role for label, role in roles.items() if role}


def _group(
    pieces: list[tuple[str | None, Segment, int, int]],
) -> Iterable[list[tuple[str | None, Segment, int, int]]]:
    turn: list[tuple[str | None, Segment, int, int]] = []
    for piece in pieces:
        if turn and turn[-1][0] != piece[0]:
            yield turn
            turn = []
        turn.append(piece)
    if turn:
        yield turn


def _turn_sentences(
    turn: list[tuple[str | None, Segment, int, int]], turn_index: int
) -> list[Utterance]:
    """Join a turn's text across segments, split it into sentences, map each back."""
    role = turn[0][0] or PARTICIPANT
    text = ""
    parts: list[tuple[int, int, Segment, int]] = []  # turn offsets -> segment, segment offset
    for _role, segment, a, b in turn:
        piece = segment.text[a:b].strip()
        if not piece:
            continue
        if text:
            text += " "
        local = segment.text.index(piece, a)
        parts.append((len(text), len(text) + len(piece), segment, local))
        text += piece
    result = []
    for a, b in sentence_spans(text):
        hit = [(s, max(a, p0) - p0 + off, min(b, p1) - p0 + off) for p0, p1, s, off in parts]
        hit = [(s, x, y) for s, x, y in hit if y > x]
        if not hit:
            continue
        start = _time_at(hit[0][0], hit[0][1], first=True)
        end = _time_at(hit[-1][0], hit[-1][2], first=False)
        sure = [s.speaker_confidence for s, _x, _y in hit if s.speaker_confidence is not None]
        result.append(
            Utterance(
                text=text[a:b],
                role=role,
                start=start,
                end=max(end, start),
                segment_ids=tuple(dict.fromkeys(s.id for s, _x, _y in hit)),
                turn=turn_index,
                speaker_confidence=min(sure) if sure else None,
            )
        )
    return result


def _time_at(segment: Segment, offset: int, *, first: bool) -> float:
    """The time of a character offset in a segment, from word timings when they fit."""
    spans = _word_spans(segment)
    if not spans:
        return segment.start if first else segment.end
    if first:
        for _a, b, start, _end in spans:
            if b > offset:
                return start
        return spans[-1][2]
    for a, _b, _start, end in reversed(spans):
        if a < offset:
            return end
    return spans[0][3]


def _word_spans(segment: Segment) -> list[tuple[int, int, float, float]]:
    spans = []
    position = 0
    for word in segment.words:
        token = word.text.strip()
        if not token:
            continue
        found = segment.text.find(token, position)
        if found < 0:
            return []  # the words do not match the text: fall back to the segment's span
        spans.append((found, found + len(token), word.start, word.end))
        position = found + len(token)
    return spans
