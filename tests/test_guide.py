"""The interview guide: the default is complete, and every mistake names its line."""

from pathlib import Path

import pytest

from goodwork_pipeline.drafting.guide import load_guide, parse_guide
from goodwork_pipeline.errors import GuideError
from goodwork_pipeline.settings import bundled_templates_dir

GOOD = """\
version: 2
words: {min: 100, max: 300}
sections:
  - key: wie
    heading: Wie ik ben
    questions:
      - Wie ben je?
    words: 60
  - key: puzzel
    heading: De puzzel
    cues: [situatie]
    words: 80
"""


def test_the_default_guide_is_complete() -> None:
    guide = load_guide(bundled_templates_dir())
    assert guide.keys == ("wie", "puzzel", "deed", "afweging", "belangrijk", "goed-werk")
    assert (guide.min_words, guide.max_words) == (350, 700)
    assert guide.min_words <= sum(s.words for s in guide.sections) <= guide.max_words
    for section in guide.sections:
        assert section.heading and section.questions and section.cues
    assert "en toen" in guide.follow_ups and guide.closings and "belangrijk" in guide.values
    assert guide.empty_note and guide.closing_question.endswith("?")
    assert len(guide.sha256) == 64


def test_a_minimal_guide_gets_defaults() -> None:
    guide = parse_guide(GOOD, Path("leidraad.yaml"))
    assert guide.keys == ("wie", "puzzel")
    assert guide.title_fallback and guide.closing_question and guide.empty_note
    assert guide.follow_ups == ()


def broken(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new)


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        (broken("    words: 60", "\twords: 60"), 8, "not valid YAML"),
        (
            broken("    heading: De puzzel\n", "    heading: De puzzel\n    kleur: rood\n"),
            11,
            "kleur",
        ),
        (broken("    heading: Wie ik ben\n", ""), 4, "needs a 'heading'"),
        (broken("    words: 80", "    words: veel"), 12, "'words' must be a whole number"),
        (broken("    words: 80", "    words: 5"), 12, "from 10 to 1000"),
        (broken("key: puzzel", "key: wie"), 9, "twice"),
        (broken("key: puzzel", "key: De Puzzel"), 9, "lower-case"),
        (broken("    cues: [situatie]\n", ""), 9, "no 'questions' and no 'cues'"),
        (broken("    cues: [situatie]", "    cues: [situatie, 12]"), 11, "list of texts"),
        (broken("words: {min: 100, max: 300}", "words: {min: 300, max: 100}"), 2, "min"),
        (broken("words: {min: 100, max: 300}", "words: {min: 200, max: 300}"), 2, "add up"),
        (broken("version: 2\n", "version: 2\nversion: 3\n"), 2, "twice"),
        (broken("version: 2\n", "versie: 2\n"), 1, "unknown key 'versie'"),
        ("sections: []\n", 1, "non-empty list"),
        ("- wie\n- puzzel\n", 1, "mapping"),
        (broken("      - Wie ben je?", "      - Wie: ben je?"), 7, "list of texts"),
        ("sections:\n  - wie\n", 2, "not a mapping"),
    ],
    ids=[
        "tab",
        "unknown-section-key",
        "no-heading",
        "words-text",
        "words-small",
        "duplicate-section",
        "bad-key",
        "no-cues",
        "cue-number",
        "min-over-max",
        "budgets-too-small",
        "duplicate-key",
        "unknown-top-key",
        "empty-sections",
        "not-a-mapping",
        "section-not-mapping",
        "colon-unquoted",
    ],
)
def test_a_broken_guide_names_the_line(text: str, line: int, fragment: str) -> None:
    with pytest.raises(GuideError) as caught:
        parse_guide(text, Path("/staff/templates/guide.yaml"))
    error = caught.value
    assert fragment in str(error)
    assert f"guide.yaml line {line}:" in str(error), str(error)
    assert f"regel {line}:" in error.nl and "guide.yaml" in error.nl
    assert "Fix the file" in str(error) and "Pas het bestand aan" in error.nl


def test_an_unreadable_guide_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(GuideError, match="cannot be read"):
        load_guide(tmp_path)
    (tmp_path / "guide.yaml").write_bytes("sections: [é]".encode("latin-1"))
    with pytest.raises(GuideError, match="not UTF-8") as caught:
        load_guide(tmp_path)
    assert "UTF-8" in caught.value.nl
