"""Measure the draft stage on labelled conversations.

    .venv/bin/python bench/drafts.py                 # from transcripts (seconds)
    .venv/bin/python bench/drafts.py --audio 2       # + 2 conversations spoken by espeak-ng
                                                     #   and transcribed by real Whisper
    .venv/bin/python bench/drafts.py --audio 2 --write bench/DRAFTS.md

Two sets of conversations: the interview corpus (tests/data/interviews/, issue 15), reported
separately for its tune/ and test/ splits, and the project's own examples
(tests/data/conversations/). On the corpus, per split: placement (all sentences, and the
answers alone: the sentences whose true section is a section of the guide), interviewer words
in the beeld, beelden within the word budget, key-sentence recall on the long conversations
(a key entry counts as kept when the beeld's sentences from it hold at least half its words),
and the time from transcript to draft of the longest conversation (a benchmark, not a test).
The corpus transcripts carry speaker names, as a Teams-style .vtt does, and the sidecar says
who is who.

Figures per conversation and in total:

- placement: share of the participant's sentences placed under their true section (small talk
  counts as right when it is left out);
- interviewer words: share of the beeld's source words that the interviewer said (target 0);
- fillers left: filler words in the beeld text, counted with a list written here, independent
  of the cleanup's own (target 0);
- words: the beeld's length; "in budget" when it is at most the maximum and at least the
  minimum, or uses at least 70 % of what the participant said in a short conversation;
- traceable: share of the beeld's sentences (sections, quote, titles) with a time span and
  source segments whose words contain the sentence's words in order (target 100 %).

Variants from transcripts: speaker roles; speaker names without a sidecar (roles inferred);
no speaker labels at all (questions taken for the interviewer's); roles without answer cues
(ablation). From audio: espeak-ng speech, real Whisper (bundled base model), then speaker
turns from the synthesis timing (a stand-in for the speaker labelling of issue 3), and again
with no speaker labels.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from goodwork_pipeline.drafting.draft import Draft, build_draft  # noqa: E402
from goodwork_pipeline.drafting.guide import Guide, load_guide  # noqa: E402
from goodwork_pipeline.errors import DraftError  # noqa: E402
from goodwork_pipeline.models import Segment, Sidecar, Transcript  # noqa: E402
from goodwork_pipeline.settings import bundled_templates_dir  # noqa: E402
from goodwork_pipeline.testing.conversations import (  # noqa: E402
    Conversation,
    label_by_turns,
    line_at,
    load_conversations,
)
from goodwork_pipeline.text_nl import words  # noqa: E402

DATA = ROOT / "tests" / "data" / "conversations"
INTERVIEWS = ROOT / "tests" / "data" / "interviews"
# fresh/: written after the method by a writer who saw neither the method nor the guide's cue
# lists (its README); never tuned on, so its figures are the most independent ones
SPLITS = ("tune", "test", "fresh")
FILLERS = re.compile(
    r"\b(eh|ehm|ehh|euh|uh|uhm|uhh|um|hm|hmm|mhm|nou ja|zeg maar|weet je wel|snap je|"
    r"weet je(?=[,.]))\b",
    re.IGNORECASE,
)


@dataclasses.dataclass
class Result:
    name: str
    variant: str
    sentences: int
    placed_right: int
    beeld_words: int
    source_words: int
    interviewer_words: int
    fillers: int
    in_budget: bool
    traced: int
    traceable_units: int
    seconds: float

    @property
    def placement(self) -> float:
        return self.placed_right / self.sentences if self.sentences else 0.0

    @property
    def leak(self) -> float:
        return self.interviewer_words / self.source_words if self.source_words else 0.0

    @property
    def traceable(self) -> float:
        return self.traced / self.traceable_units if self.traceable_units else 0.0


# Truth -----------------------------------------------------------------------------------------


@dataclasses.dataclass
class Truth:
    """The true speaker and section of every segment, and of every word by time (audio)."""

    section: dict[int, str | None]  # segment id -> true section (participant segments)
    interviewer_words: Callable[[Segment], int]  # how many words of a segment are the interviewer's


def transcript_truth(conversation: Conversation, transcript: Transcript) -> Truth:
    roles = {i: line.role for i, line in enumerate(conversation.lines)}

    def interviewer_words(segment: Segment) -> int:
        return len(words(segment.text)) if roles[segment.id] == "interviewer" else 0

    return Truth(conversation.truth(), interviewer_words)


def measure(
    conversation: Conversation,
    variant: str,
    transcript: Transcript,
    sidecar: Sidecar,
    guide: Guide,
    truth: Truth,
) -> Result:
    started = time.perf_counter()
    try:
        draft = build_draft(transcript, sidecar, guide)
    except DraftError as error:
        print(f"  {conversation.id} ({variant}): no draft: {error}", file=sys.stderr)
        sentences = sum(1 for line in conversation.lines if line.role == "participant")
        return Result(
            conversation.id,
            variant + " (no draft)",
            sentences,
            0,
            0,
            0,
            0,
            0,
            False,
            0,
            0,
            time.perf_counter() - started,
        )
    seconds = time.perf_counter() - started
    right = sum(
        _true_section(p.utterance.segment_ids, truth) == p.section for p in draft.placements
    )
    segments = {s.id: s for s in transcript.segments}
    units = _units(draft)
    used = {i for _text, ids, _span in units for i in ids}
    source_words = sum(len(words(segments[i].text)) for i in used)
    interviewer = sum(truth.interviewer_words(segments[i]) for i in used)
    traced = sum(_traceable(text, ids, span, segments) for text, ids, span in units)
    spoken = sum(len(line.text.split()) for line in conversation.lines if line.section)
    text = draft.beeld.canonical_text()
    in_budget = draft.words <= guide.max_words and (
        draft.words >= guide.min_words or draft.words >= 0.7 * spoken
    )
    return Result(
        name=conversation.id,
        variant=variant,
        sentences=len(draft.placements),
        placed_right=right,
        beeld_words=draft.words,
        source_words=source_words,
        interviewer_words=interviewer,
        fillers=len(FILLERS.findall(text)),
        in_budget=in_budget,
        traced=traced,
        traceable_units=len(units),
        seconds=seconds,
    )


def _true_section(segment_ids: tuple[int, ...], truth: Truth) -> str | None:
    labels = [truth.section.get(i, "<interviewer>") for i in segment_ids]
    # a sentence the draft took for the participant's but the interviewer said is wrong
    return Counter(labels).most_common(1)[0][0]


def _units(draft: Draft) -> list[tuple[str, tuple[int, ...], tuple[float | None, float | None]]]:
    units = [
        (s.text, s.segment_ids, (s.start, s.end))
        for section in draft.beeld.sections
        for s in section.sentences
    ]
    if draft.quote:
        units.append(
            (draft.quote.text, draft.quote.segment_ids, (draft.quote.start, draft.quote.end))
        )
    for title, source in draft.titles:
        units.append((title, source.segment_ids, (source.start, source.end)))
    return units


def _traceable(
    text: str,
    ids: tuple[int, ...],
    span: tuple[float | None, float | None],
    segments: dict[int, Segment],
) -> bool:
    start, end = span
    if not ids or start is None or end is None or start > end:
        return False
    source = iter(words(" ".join(segments[i].text for i in ids)))
    return all(word in source for word in words(text))


# From transcripts ------------------------------------------------------------------------------


def from_transcripts(conversations: list[Conversation], guide: Guide) -> list[Result]:
    no_answer_cues = dataclasses.replace(
        guide,
        sections=tuple(dataclasses.replace(s, answer_cues=()) for s in guide.sections),
    )
    results = []
    for conversation in conversations:
        roles = conversation.transcript()
        truth = transcript_truth(conversation, roles)
        named = conversation.transcript(names=True)
        unlabelled = dataclasses.replace(
            roles,
            segments=tuple(dataclasses.replace(s, speaker=None) for s in roles.segments),
        )
        results += [
            measure(conversation, "roles", roles, conversation.sidecar, guide, truth),
            measure(conversation, "names, no sidecar", named, Sidecar(), guide, truth),
            measure(conversation, "no speaker labels", unlabelled, Sidecar(), guide, truth),
            measure(conversation, "roles, no answer cues", roles, Sidecar(), no_answer_cues, truth),
        ]
    return results


# From audio ------------------------------------------------------------------------------------


def _digest(lines: list[tuple[str, str]]) -> str:
    # "stage": cached transcripts come from the transcription stage, not raw Whisper
    return hashlib.sha256(json.dumps(["stage", *lines]).encode()).hexdigest()[:12]


def from_audio(
    conversations: list[Conversation], guide: Guide, cache: Path | None = None
) -> list[Result]:
    from goodwork_pipeline.settings import load_settings
    from goodwork_pipeline.testing.samples import Turn, synthesize
    from goodwork_pipeline.transcription.stage import Transcription

    settings = load_settings(ROOT, environ={})
    stage = Transcription(settings)  # the real transcription stage, model loaded on first use
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for conversation in conversations:
            lines = [(line.role, line.text) for line in conversation.lines]
            path = Path(folder) / f"{conversation.id}.wav"
            cached = cache / f"{conversation.id}-{_digest(lines)}.json" if cache else None
            if cached is not None and cached.is_file():
                data = json.loads(cached.read_text(encoding="utf-8"))
                whisper = Transcript.from_json(data["transcript"])
                turns = [Turn(**turn) for turn in data["turns"]]
            else:
                print(f"  speaking {conversation.id} with espeak-ng ...", file=sys.stderr)
                turns = synthesize(lines, path)
                print(f"  transcribing {turns[-1].end:.0f} s with Whisper ...", file=sys.stderr)
                started = time.perf_counter()
                whisper = stage.transcribe_file(path, sidecar=Sidecar())
                elapsed = time.perf_counter() - started
                print(
                    f"  {elapsed:.0f} s for {whisper.duration:.0f} s of audio "
                    f"(real-time factor {elapsed / whisper.duration:.2f})",
                    file=sys.stderr,
                )
                if cached is not None:
                    cached.parent.mkdir(parents=True, exist_ok=True)
                    cached.write_text(
                        json.dumps(
                            {
                                "transcript": whisper.to_json(),
                                "turns": [dataclasses.asdict(t) for t in turns],
                            }
                        ),
                        encoding="utf-8",
                    )
            # The stage's own speaker labels (mono: from the conversation itself), then the
            # script's true turns as an upper bound, then no labels at all as the floor.
            oracle = label_by_turns(whisper, turns)
            unlabelled = dataclasses.replace(
                whisper,
                segments=tuple(dataclasses.replace(s, speaker=None) for s in whisper.segments),
            )
            for name, transcript, sidecar in (
                ("audio, stage's speaker labels", whisper, conversation.sidecar),
                ("audio, true speaker turns", oracle, conversation.sidecar),
                ("audio, no speaker labels", unlabelled, Sidecar()),
            ):
                results.append(
                    measure(
                        conversation,
                        name,
                        transcript,
                        sidecar,
                        guide,
                        _audio_truth(conversation, turns, transcript),
                    )
                )
    return results


def _audio_truth(conversation: Conversation, turns, transcript: Transcript) -> Truth:
    """Each Whisper word belongs to the script line being spoken at its time."""
    lines_of: dict[int, list[int]] = {}
    for segment in transcript.segments:
        if segment.words:
            lines_of[segment.id] = [line_at(turns, (w.start + w.end) / 2) for w in segment.words]
        else:
            middle = line_at(turns, (segment.start + segment.end) / 2)
            lines_of[segment.id] = [middle] * max(1, len(words(segment.text)))
    sections: dict[int, str | None] = {}
    for segment_id, lines in lines_of.items():
        labels = [
            conversation.lines[i].section
            if conversation.lines[i].role == "participant"
            else "<interviewer>"
            for i in lines
        ]
        sections[segment_id] = Counter(labels).most_common(1)[0][0]

    def interviewer_words(segment: Segment) -> int:
        return sum(conversation.lines[i].role == "interviewer" for i in lines_of[segment.id])

    return Truth(sections, interviewer_words)


# The interview corpus ----------------------------------------------------------------------


@dataclasses.dataclass
class CorpusResult:
    name: str
    split: str
    long: bool
    sentences: int
    placed_right: int
    answers: int  # sentences whose true section is a section of the guide
    answers_right: int
    turns: int  # participant answers (turns) that hold something of a section
    turns_right: int  # ... placed, by most of their sentences, in their main true section
    interviewer_words: int
    beeld_words: int
    in_budget: bool
    keys: int
    keys_kept: int
    minutes: float
    seconds: float


def from_corpus(split: str, guide: Guide) -> list[CorpusResult]:
    folder = INTERVIEWS / split
    results = []
    for conversation in load_conversations(folder) if folder.is_dir() else []:
        transcript = conversation.transcript(names=True)
        started = time.perf_counter()
        draft = build_draft(transcript, conversation.sidecar, guide)
        seconds = time.perf_counter() - started
        truth = conversation.truth()
        pairs = [(truth[p.utterance.segment_ids[0]], p.section) for p in draft.placements]
        chosen = [s for section in draft.beeld.sections for s in section.sentences]
        used = {i for _text, ids, _span in _units(draft) for i in ids}
        interviewer = sum(
            len(words(conversation.lines[i].text))
            for i in used
            if conversation.lines[i].role == "interviewer"
        )
        keys = [i for i, line in enumerate(conversation.lines) if line.key]
        kept = sum(
            sum(len(words(s.text)) for s in chosen if i in s.segment_ids)
            >= 0.5 * len(words(conversation.lines[i].text))
            for i in keys
        )
        spoken = sum(len(line.text.split()) for line in conversation.lines if line.section)
        turns, turns_right = _turns_right(conversation, draft)
        results.append(
            CorpusResult(
                name=conversation.id,
                split=split,
                long=conversation.long,
                sentences=len(pairs),
                placed_right=sum(t == p for t, p in pairs),
                answers=sum(t is not None for t, _ in pairs),
                answers_right=sum(t is not None and t == p for t, p in pairs),
                turns=turns,
                turns_right=turns_right,
                interviewer_words=interviewer,
                beeld_words=draft.words,
                in_budget=draft.words <= guide.max_words
                and (draft.words >= guide.min_words or draft.words >= 0.7 * spoken),
                keys=len(keys),
                keys_kept=kept,
                minutes=transcript.duration / 60,
                seconds=seconds,
            )
        )
    return results


def _turns_right(conversation: Conversation, draft: Draft) -> tuple[int, int]:
    """Answers as the issue counts them: one participant turn (its consecutive lines) is right
    when most of its sentences are under the section most of its words truly belong to."""
    turn_of: dict[int, int] = {}  # participant line -> its turn
    turn = -1
    for i, line in enumerate(conversation.lines):
        if line.role == "participant":
            turn += i - 1 not in turn_of  # a new turn after an interviewer line
            turn_of[i] = turn
    truth: dict[int, Counter[str]] = {}
    for i, turn in turn_of.items():
        if conversation.lines[i].section:
            truth.setdefault(turn, Counter())[conversation.lines[i].section] += len(
                words(conversation.lines[i].text)
            )
    placed: dict[int, Counter[str | None]] = {}
    for p in draft.placements:
        turn = turn_of.get(p.utterance.segment_ids[0])
        if turn is not None:
            placed.setdefault(turn, Counter())[p.section] += 1
    right = sum(
        bool(placed.get(turn))
        and placed[turn].most_common(1)[0][0] == sections.most_common(1)[0][0]
        for turn, sections in truth.items()
    )
    return len(truth), right


def unlabelled_summary(splits: tuple[str, ...], guide: Guide) -> str:
    """The corpus as a mono recording whose two voices were not told apart: no speaker labels,
    and then also no question marks (speech recognition often drops them)."""
    rows = [
        "| split | variant | answers in the right section | interviewer words in beeld |",
        "|---|---|---:|---:|",
    ]
    for split in splits:
        folder = INTERVIEWS / split
        for variant, marks in (("no speaker labels", True), ("no labels, no '?'", False)):
            answers = right = leaked = source = 0
            for conversation in load_conversations(folder) if folder.is_dir() else []:
                named = conversation.transcript(names=True)
                bare = tuple(
                    dataclasses.replace(
                        s, speaker=None, text=s.text if marks else s.text.replace("?", ".")
                    )
                    for s in named.segments
                )
                draft = build_draft(dataclasses.replace(named, segments=bare), Sidecar(), guide)
                truth = conversation.truth()
                for p in draft.placements:
                    true = _true_section(p.utterance.segment_ids, Truth(truth, lambda _s: 0))
                    answers += true not in (None, "<interviewer>")
                    right += true not in (None, "<interviewer>") and true == p.section
                for i in {i for _text, ids, _span in _units(draft) for i in ids}:
                    size = len(words(conversation.lines[i].text))
                    source += size
                    leaked += size if conversation.lines[i].role == "interviewer" else 0
            rows.append(
                f"| {split} | {variant} | {right / max(answers, 1):.1%} ({right}/{answers}) "
                f"| {leaked / max(source, 1):.1%} ({leaked}/{source}) |"
            )
    return "\n".join(rows)


def corpus_summary(results: list[CorpusResult]) -> str:
    rows = [
        "| split | conversations (long) | placement, all sentences | answers in the right "
        "section | answers, counted by turn | answers, short conversations | interviewer words "
        "in beeld | beelden in budget | key sentences kept (long) | longest: minutes, seconds "
        "to draft |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for split in dict.fromkeys(r.split for r in results):
        group = [r for r in results if r.split == split]
        sentences = sum(r.sentences for r in group)
        right = sum(r.placed_right for r in group)
        answers = sum(r.answers for r in group)
        answers_right = sum(r.answers_right for r in group)
        turns, turns_right = sum(r.turns for r in group), sum(r.turns_right for r in group)
        short = [r for r in group if not r.long]
        short_answers = sum(r.answers for r in short)
        short_right = sum(r.answers_right for r in short)
        keys = sum(r.keys for r in group if r.long)
        kept = sum(r.keys_kept for r in group if r.long)
        longest = max(group, key=lambda r: r.minutes)
        recall = f"{kept / keys:.0%} ({kept}/{keys})" if keys else "-"
        rows.append(
            f"| {split} | {len(group)} ({sum(r.long for r in group)}) "
            f"| {right / sentences:.1%} ({right}/{sentences}) "
            f"| {answers_right / answers:.1%} ({answers_right}/{answers}) "
            f"| {turns_right / max(turns, 1):.1%} ({turns_right}/{turns}) "
            f"| {short_right / max(short_answers, 1):.1%} ({short_right}/{short_answers}) "
            f"| {sum(r.interviewer_words for r in group)} "
            f"| {sum(r.in_budget for r in group)}/{len(group)} | {recall} "
            f"| {longest.minutes:.0f} min, {longest.seconds:.1f} s |"
        )
    return "\n".join(rows)


def corpus_table(results: list[CorpusResult]) -> str:
    rows = [
        "| split | conversation | sentences | placement | answers right | turns right "
        "| interviewer words | words | in budget | keys kept | minutes | seconds |",
        "|---|---|---:|---:|---:|---:|---:|---:|:-:|---:|---:|---:|",
    ]
    for r in results:
        keys = f"{r.keys_kept}/{r.keys}" if r.keys else "-"
        rows.append(
            f"| {r.split} | {r.name} | {r.sentences} | {r.placed_right / r.sentences:.1%} "
            f"| {r.answers_right / max(r.answers, 1):.1%} | {r.turns_right}/{r.turns} "
            f"| {r.interviewer_words} "
            f"| {r.beeld_words} | {'yes' if r.in_budget else 'no'} | {keys} "
            f"| {r.minutes:.0f} | {r.seconds:.2f} |"
        )
    return "\n".join(rows)


# Report ----------------------------------------------------------------------------------------


def table(results: list[Result]) -> str:
    rows = [
        "| conversation | variant | sentences | placement | interviewer words | fillers left "
        "| words | in budget | traceable |",
        "|---|---|---:|---:|---:|---:|---:|:-:|---:|",
    ]
    for r in results:
        rows.append(
            f"| {r.name} | {r.variant} | {r.sentences} | {r.placement:.1%} | {r.leak:.1%} "
            f"| {r.fillers} | {r.beeld_words} | {'yes' if r.in_budget else 'no'} "
            f"| {r.traceable:.0%} |"
        )
    return "\n".join(rows)


def summary(results: list[Result]) -> str:
    rows = [
        "| variant | conversations | placement (all sentences) | interviewer words "
        "| fillers left | in budget | traceable |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for variant in dict.fromkeys(r.variant for r in results):
        group = [r for r in results if r.variant == variant]
        sentences = sum(r.sentences for r in group)
        right = sum(r.placed_right for r in group)
        source = sum(r.source_words for r in group)
        leak = sum(r.interviewer_words for r in group)
        units = sum(r.traceable_units for r in group)
        traced = sum(r.traced for r in group)
        rows.append(
            f"| {variant} | {len(group)} | {right / sentences:.1%} ({right}/{sentences}) "
            f"| {leak / source if source else 0:.1%} ({leak}/{source}) "
            f"| {sum(r.fillers for r in group)} "
            f"| {sum(r.in_budget for r in group)}/{len(group)} "
            f"| {traced / units:.0%} ({traced}/{units}) |"
        )
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--audio", type=int, default=0, help="conversations to speak and transcribe"
    )
    parser.add_argument("--write", type=Path, help="write the tables into this Markdown file")
    parser.add_argument(
        "--cache",
        type=Path,
        help="keep the Whisper transcripts here and reuse them (same script, same audio)",
    )
    parser.add_argument(
        "--split",
        choices=(*SPLITS, "both", "all"),
        default="all",
        help="which split of the interview corpus to measure (tune while changing the method); "
        "both: tune and test; all: also fresh",
    )
    args = parser.parse_args()
    guide = load_guide(bundled_templates_dir())
    named = {"all": SPLITS, "both": ("tune", "test")}
    splits = named.get(args.split, (args.split,))
    corpus = [r for split in splits for r in from_corpus(split, guide)]
    conversations = load_conversations(DATA)
    results = from_transcripts(conversations, guide)
    if args.audio:
        chosen = [c for c in conversations if c.id in ("student-noor", "teammanager-ruud")]
        results += from_audio((chosen + conversations)[: args.audio], guide, args.cache)
    command = "bench/drafts.py" + (f" --audio {args.audio}" if args.audio else "")
    command += f" --cache {args.cache}" if args.cache else ""
    command += f" --split {args.split}" if args.split != "all" else ""
    report = (
        f"Command: `.venv/bin/python {command}`\n\n"
        f"## Interview corpus (tests/data/interviews)\n\n{corpus_summary(corpus)}\n\n"
        f"### Without speaker labels (mono, voices not told apart)\n\n"
        f"{unlabelled_summary(splits, guide)}\n\n"
        f"## The project's own conversations (tests/data/conversations) and audio\n\n"
        f"{summary(results)}\n\n"
        f"## Per conversation: interview corpus\n\n{corpus_table(corpus)}\n\n"
        f"## Per conversation: own conversations and audio\n\n{table(results)}\n"
    )
    print(report)
    if args.write:
        text = args.write.read_text(encoding="utf-8") if args.write.exists() else ""
        start, end = "<!-- results -->", "<!-- /results -->"
        block = f"{start}\n{report}{end}"
        if start in text and end in text:
            text = text[: text.index(start)] + block + text[text.index(end) + len(end) :]
        else:
            text += "\n" + block + "\n"
        args.write.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
