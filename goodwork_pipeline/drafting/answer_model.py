"""A learned reader of what an answer does: the kind of each sentence, from its words.

``answer_kinds.py`` recognises the kinds from hand-written forms of Dutch; half of the
participant's sentences show none of them ("Alle nachten, alle gaten."). This model reads
every sentence: a softmax regression over its words, word pairs, first two words and the
hand-written kinds it shows, trained on the labelled interview corpus's ``tune/`` split only
(each sentence's section label mapped to the kind the bundled guide lists for that section;
small talk and bare confirmations, labelled with no section, as a class of their own).
Its output is a probability per kind, not per section, so a programme with another guide
still gets it through its own sections' ``answer_kinds``.

The weights are data (``answer_model.json``), made by ``bench/train_answer_model.py``, which
also reports how well the model does on conversations it did not see (out of fold); a test
checks that the shipped file is what that script makes, and that it saw no test conversation.
A feature counts only when it occurs in at least two training conversations, so the names and
topics of one story do not make it in.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

MODEL_FILE = Path(__file__).with_name("answer_model.json")
NONE = "none"  # the model's class for a sentence of no section: small talk, a bare "Ja."


def features(tokens: Sequence[str], kinds: Iterable[str]) -> list[str]:
    """A sentence's features: its (folded) words, word pairs, first two words, and the kinds
    the hand-written forms found in it."""
    found = [f"u:{t}" for t in tokens]
    found += [f"b:{a}_{b}" for a, b in itertools.pairwise(tokens)]
    found.append("s:" + "_".join(tokens[:2]))
    found += [f"k:{kind}" for kind in kinds]
    return found


def probabilities(found: Sequence[str]) -> dict[str, float]:
    """Per kind, how likely the sentence with these features does that (sums to 1); empty
    when the model file is missing."""
    model = _model()
    if model is None:
        return {}
    kinds, bias, weights, _prior = model
    scores = list(bias)
    for feature in found:
        row = weights.get(feature)
        if row:
            scores = [s + w for s, w in zip(scores, row, strict=True)]
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return {kind: e / total for kind, e in zip(kinds, exps, strict=True)}


def prior() -> dict[str, float]:
    """Per kind, its share of the training sentences; empty when the model file is missing."""
    model = _model()
    return model[3] if model else {}


_Model = tuple[tuple[str, ...], tuple[float, ...], dict[str, tuple[float, ...]], dict[str, float]]


@lru_cache(maxsize=1)
def _model() -> _Model | None:
    try:
        data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    weights = {feature: tuple(row) for feature, row in data["weights"].items()}
    kinds = tuple(data["kinds"])
    return kinds, tuple(data["bias"]), weights, dict(zip(kinds, data["prior"], strict=True))
