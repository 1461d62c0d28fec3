"""The beeld reaches its minimum length when the participant said enough (issue 15).

A participant may say most of the story under one heading (or its sections may be hard to
tell apart): the beeld then takes more of that section instead of staying under the minimum.
"""

from goodwork_pipeline.drafting.selection import Candidate, choose

WORDS = 10  # every sentence below has ten words


def _candidate(section: str, n: int) -> Candidate:
    text = " ".join(f"{section}{n}woord{i}" for i in range(WORDS))
    return Candidate(section, text, text, float(n), n + 0.5, (n,), score=100.0 - n)


def _chosen(candidates: list[Candidate], **limits: int) -> list[Candidate]:
    budgets = {"wie": 30, "deed": 50}
    return [c for c in choose(candidates, budgets, **limits) if c.chosen]


def test_a_section_grows_past_one_and_a_half_times_its_budget_to_reach_the_minimum() -> None:
    candidates = [_candidate("wie", 0)] + [_candidate("deed", n) for n in range(1, 30)]
    chosen = _chosen(candidates, min_words=200, max_words=300)
    assert sum(c.words for c in chosen) == 200
    assert sum(c.words for c in chosen if c.section == "deed") == 190  # 3.8 times its 50


def test_the_maximum_still_holds_and_a_short_conversation_gives_what_it_has() -> None:
    candidates = [_candidate("deed", n) for n in range(8)]
    assert sum(c.words for c in _chosen(candidates, min_words=200, max_words=300)) == 80
    chosen = _chosen(candidates, min_words=200, max_words=60)
    assert sum(c.words for c in chosen) <= 60


def test_within_the_minimum_sections_keep_their_budgets() -> None:
    candidates = [_candidate("wie", n) for n in range(6)] + [
        _candidate("deed", n) for n in range(6, 20)
    ]
    chosen = _chosen(candidates, min_words=60, max_words=300)
    assert sum(c.words for c in chosen if c.section == "wie") == 30
    assert sum(c.words for c in chosen if c.section == "deed") == 50
