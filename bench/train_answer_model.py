"""Train the learned answer reader (goodwork_pipeline/drafting/answer_model.json) on tune/.

    .venv/bin/python bench/train_answer_model.py            # train on tune/, write the file
    .venv/bin/python bench/train_answer_model.py --check    # also: out of fold on tune/

Every participant sentence of the interview corpus's tune/ split (the draft stage's own
sentences, ``draft.utterances``) is one example; its label is the answer kind the bundled
guide lists for its section (wie: person, deed: actions, ...), or "none" for a sentence of no
section (small talk, a bare "Ja.", a question back), so the model knows those too. The model is
a softmax regression over ``answer_model.features``, fitted by full-batch gradient descent
from zero (deterministic: the same corpus gives the same file). Features seen in fewer than
MIN_CONVERSATIONS training conversations are left out.

``--check`` does what the weights in answer_kinds.py (MODEL, MODEL_MARGIN) were chosen with:
five folds by conversation (sorted ids, every fifth), a model trained on four, placement
measured on the fifth, for a few weights; test/ and fresh/ are never read here.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from goodwork_pipeline.drafting import answer_kinds, answer_model  # noqa: E402
from goodwork_pipeline.drafting.draft import utterances  # noqa: E402
from goodwork_pipeline.drafting.guide import Guide, load_guide  # noqa: E402
from goodwork_pipeline.drafting.placement import place  # noqa: E402
from goodwork_pipeline.settings import bundled_templates_dir  # noqa: E402
from goodwork_pipeline.testing.conversations import Conversation, load_conversations  # noqa: E402

TUNE = ROOT / "tests" / "data" / "interviews" / "tune"
MIN_CONVERSATIONS = 2
L2 = 1.0
EPOCHS = 300
STEP = 2.5
BIAS_STEP = 0.5
DIGITS = 4  # weights are stored rounded; smaller ones are left out
# (MODEL, MODEL_MARGIN) of answer_kinds.py tried by --check; 0: without the model
SETTINGS = [(0.0, 0.1), *((w, m) for w in (1.8, 2.5, 3.5) for m in (0.05, 0.1, 0.2))]

Example = tuple[str, list[str], int]  # conversation id, features, kind index


def examples(conversations: Sequence[Conversation], guide: Guide) -> list[Example]:
    kind_of = {s.key: s.answer_kinds[0] for s in guide.sections if s.answer_kinds}
    kind_of[None] = answer_model.NONE  # small talk, a bare "Ja.", a question back
    kinds = [*answer_kinds.ANSWER_KINDS, answer_model.NONE]
    rows = []
    for conversation in conversations:
        truth = conversation.truth()
        segments = conversation.transcript(names=True).segments
        for u in utterances(segments, conversation.sidecar, guide.closings):
            if u.role != "participant" or u.segment_ids[0] not in truth:
                continue
            section = truth[u.segment_ids[0]]
            if section in kind_of:
                tokens, found = answer_kinds.form_kinds(u.text)
                rows.append(
                    (
                        conversation.id,
                        answer_model.features(tokens, found),
                        kinds.index(kind_of[section]),
                    )
                )
    return rows


def train(rows: list[Example]) -> dict:
    """The model as the JSON file holds it."""
    seen: dict[str, set[str]] = defaultdict(set)
    for conversation, found, _kind in rows:
        for feature in found:
            seen[feature].add(conversation)
    vocabulary = sorted(f for f, where in seen.items() if len(where) >= MIN_CONVERSATIONS)
    index = {f: i for i, f in enumerate(vocabulary)}
    kinds = [*answer_kinds.ANSWER_KINDS, answer_model.NONE]
    x = np.zeros((len(rows), len(vocabulary)))
    for i, (_c, found, _k) in enumerate(rows):
        for feature in found:
            if feature in index:
                x[i, index[feature]] = 1.0
    y = np.eye(len(kinds))[[kind for _c, _f, kind in rows]]
    w = np.zeros((len(vocabulary), len(kinds)))
    b = np.zeros(len(kinds))
    for _ in range(EPOCHS):
        z = x @ w + b
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        w -= STEP * (x.T @ (p - y) + L2 * w) / len(rows)
        b -= BIAS_STEP * (p - y).mean(axis=0)
    weights = {
        f: [round(float(v), DIGITS) for v in w[i]]
        for f, i in index.items()
        if np.abs(w[i]).max() >= 10**-DIGITS
    }
    return {
        "about": "bench/train_answer_model.py: softmax regression, answer kind from a sentence",
        "trained_on": sorted({c for c, _f, _k in rows}),
        "sentences": len(rows),
        "settings": {"min_conversations": MIN_CONVERSATIONS, "l2": L2, "epochs": EPOCHS},
        "kinds": kinds,
        "bias": [round(float(v), DIGITS) for v in b],
        "prior": [round(float(v), DIGITS) for v in y.mean(axis=0)],
        "weights": weights,
    }


def dump(model: dict) -> str:
    """The model as JSON, one feature per line (a retrained model diffs readably)."""
    head = {k: v for k, v in model.items() if k != "weights"}
    lines = [json.dumps(head, ensure_ascii=False)[:-1] + ', "weights": {']
    weights = model["weights"].items()
    rows = [f"{json.dumps(f, ensure_ascii=False)}: {json.dumps(w)}" for f, w in weights]
    lines.append(",\n".join(rows))
    lines.append("}}")
    return "\n".join(lines) + "\n"


def corpus_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.yaml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _placed_right(conversations: Sequence[Conversation], guide: Guide) -> tuple[int, int, int]:
    """Answers in their true section, answers, and sentences of no section left out."""
    right = total = left_out = 0
    for conversation in conversations:
        truth = conversation.truth()
        segments = conversation.transcript(names=True).segments
        for p in place(utterances(segments, conversation.sidecar, guide.closings), guide):
            section = truth.get(p.utterance.segment_ids[0])
            total += bool(section)
            right += bool(section) and section == p.section
            left_out += not section and p.section is None
    return right, total, left_out


def check(conversations: list[Conversation], guide: Guide, scratch: Path) -> None:
    """Out of fold on tune/: kind accuracy of the model alone, and placement with it."""
    ids = sorted(c.id for c in conversations)
    folds = [set(ids[i::5]) for i in range(5)]
    rows = examples(conversations, guide)
    saved = (answer_model.MODEL_FILE, answer_kinds.MODEL, answer_kinds.MODEL_MARGIN)
    results: dict[tuple[float, float], list[int]] = defaultdict(lambda: [0, 0, 0])
    kind_right = 0
    try:
        for n, fold in enumerate(folds):
            model = train([r for r in rows if r[0] not in fold])
            path = scratch / f"fold-{n}.json"
            path.write_text(json.dumps(model), encoding="utf-8")
            answer_model.MODEL_FILE = path
            answer_model._model.cache_clear()
            for conversation_id, found, kind in rows:
                if conversation_id in fold:
                    p = answer_model.probabilities(found)
                    kind_right += max(p, key=p.__getitem__) == model["kinds"][kind]
            held_out = [c for c in conversations if c.id in fold]
            for setting in SETTINGS:
                answer_kinds.MODEL, answer_kinds.MODEL_MARGIN = setting
                for i, count in enumerate(_placed_right(held_out, guide)):
                    results[setting][i] += count
    finally:
        answer_model.MODEL_FILE, answer_kinds.MODEL, answer_kinds.MODEL_MARGIN = saved
        answer_model._model.cache_clear()
    print(f"out of fold, kind of a sentence from the model alone: {kind_right}/{len(rows)}")
    print("| MODEL | MODEL_MARGIN | answers in the right section | no-section sentences left out |")
    print("|---:|---:|---:|---:|")
    for (weight, margin), (right, total, left_out) in results.items():
        print(f"| {weight} | {margin} | {right / total:.1%} ({right}/{total}) | {left_out} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="also measure out of fold")
    parser.add_argument("--out", type=Path, default=answer_model.MODEL_FILE)
    args = parser.parse_args()
    guide = load_guide(bundled_templates_dir())
    conversations = load_conversations(TUNE)
    model = train(examples(conversations, guide))
    model["corpus_sha256"] = corpus_digest(TUNE)
    args.out.write_text(dump(model), encoding="utf-8")
    print(f"{args.out}: {len(model['weights'])} features, {model['sentences']} sentences")
    if args.check:
        import tempfile

        with tempfile.TemporaryDirectory() as scratch:
            check(conversations, guide, Path(scratch))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
