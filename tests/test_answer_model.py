"""The learned answer reader (issue 15): trained on tune/ only, reproducible, and sensible.

``goodwork_pipeline/drafting/answer_model.json`` is data made by
``bench/train_answer_model.py``; these tests check it saw no held-out conversation, that the
script makes exactly the shipped file, and that it reads plain answers as a person would.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from goodwork_pipeline.drafting import answer_kinds, answer_model
from goodwork_pipeline.drafting.guide import load_guide
from goodwork_pipeline.settings import bundled_templates_dir
from goodwork_pipeline.testing.conversations import load_conversations

ROOT = Path(__file__).resolve().parents[1]
INTERVIEWS = ROOT / "tests" / "data" / "interviews"


def _shipped() -> dict:
    return json.loads(answer_model.MODEL_FILE.read_text(encoding="utf-8"))


def _training_script():
    spec = importlib.util.spec_from_file_location(
        "train_answer_model", ROOT / "bench" / "train_answer_model.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_model_saw_all_of_tune_and_nothing_held_out() -> None:
    trained_on = set(_shipped()["trained_on"])
    tune = {p.stem for p in (INTERVIEWS / "tune").glob("*.yaml")}
    held_out = {p.stem for split in ("test", "fresh") for p in (INTERVIEWS / split).glob("*.yaml")}
    assert tune and held_out
    assert trained_on == tune
    assert not trained_on & held_out


def test_the_shipped_model_is_what_the_training_script_makes() -> None:
    script = _training_script()
    shipped = _shipped()
    assert shipped["corpus_sha256"] == script.corpus_digest(script.TUNE), (
        "tune/ changed since the model was trained: run bench/train_answer_model.py"
    )
    guide = load_guide(bundled_templates_dir())
    made = script.train(script.examples(load_conversations(script.TUNE), guide))
    assert made["kinds"] == shipped["kinds"]
    assert made["sentences"] == shipped["sentences"]
    assert made["weights"].keys() == shipped["weights"].keys()
    for feature, row in made["weights"].items():
        assert row == pytest.approx(shipped["weights"][feature], abs=2e-4), feature
    assert made["bias"] == pytest.approx(shipped["bias"], abs=2e-4)
    assert made["prior"] == pytest.approx(shipped["prior"], abs=2e-4)


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("Toen heb ik de dochter gebeld en een gesprek gepland.", "actions"),
        ("Voor mij gaat het om respect voor de bewoner.", "values"),
        ("Ik twijfelde lang of ik het moest melden of niet.", "weighing"),
        ("Ik werk nu zes jaar als verpleegkundige op de afdeling.", "person"),
        ("Ja hoor, prima.", answer_model.NONE),
    ],
)
def test_the_model_reads_the_kind_of_a_plain_answer(sentence: str, kind: str) -> None:
    tokens, found = answer_kinds.form_kinds(sentence)
    p = answer_model.probabilities(answer_model.features(tokens, found))
    assert max(p, key=p.__getitem__) == kind, p


def test_the_learned_signs_say_they_are_the_models(monkeypatch: pytest.MonkeyPatch) -> None:
    learned = answer_kinds.learned_kinds("Ik heb de familie meteen teruggebeld.")
    assert "actions" in learned
    assert learned["actions"].signs[0].startswith("taalmodel ")
    monkeypatch.setattr(answer_kinds, "MODEL", 0.0)
    assert answer_kinds.learned_kinds("Ik heb de familie meteen teruggebeld.") == {}


def test_without_the_model_file_the_forms_alone_place(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(answer_model, "MODEL_FILE", tmp_path / "missing.json")
    answer_model._model.cache_clear()
    try:
        assert answer_kinds.learned_kinds("Ik heb de familie gebeld.") == {}
        assert "actions" in answer_kinds.answer_kinds("Ik heb de familie gebeld.")
    finally:
        monkeypatch.undo()
        answer_model._model.cache_clear()
