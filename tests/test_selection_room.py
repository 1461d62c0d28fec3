"""Long conversations use the beeld's room and tell something new with every sentence (issue 15).

The guide's section budgets add up to less than the maximum; when far more was said than fits,
the sections share the whole room. And a sentence that repeats half of one already chosen
gives way to one that tells something new (maximal marginal relevance), even when it scores
a little higher on its own.
"""

from goodwork_pipeline.drafting.selection import Candidate, choose, room

BUDGETS = {"wie": 30, "deed": 50}


def _sentence(
    section: str, n: int, words: list[str] | None = None, score: float = 0.0
) -> Candidate:
    tokens = words or [f"{section}{n}woord{i}" for i in range(10)]
    text = " ".join(tokens)
    return Candidate(section, text, text, float(n), n + 0.5, (n,), score=score or 100.0 - n)


def _chosen(
    candidates: list[Candidate], budgets: dict[str, int] = BUDGETS, **limits: int
) -> list[Candidate]:
    return [c for c in choose(candidates, budgets, **limits) if c.chosen]


def test_far_more_said_than_fits_fills_the_room_up_to_the_maximum() -> None:
    candidates = [_sentence("wie", n) for n in range(10)] + [
        _sentence("deed", n) for n in range(10, 40)
    ]  # 400 words said, the maximum 120, the budgets 80
    chosen = _chosen(candidates, min_words=60, max_words=120)
    # the budgets 30 and 50 become 45 and 75: four and seven sentences of ten words
    assert sum(c.words for c in chosen if c.section == "wie") == 40
    assert sum(c.words for c in chosen if c.section == "deed") == 70


def test_the_budgets_stay_as_they_are_when_there_is_not_much_more_than_room() -> None:
    assert room(BUDGETS, said=200, max_words=120) == BUDGETS
    assert room(BUDGETS, said=240, max_words=120) == {"wie": 45, "deed": 75}
    assert room({"wie": 80, "deed": 80}, said=1000, max_words=120) == {"wie": 80, "deed": 80}


def test_a_sentence_that_half_repeats_a_chosen_one_gives_way_to_a_new_one() -> None:
    story = [f"verhaal{i}" for i in range(10)]
    first = _sentence("deed", 1, story, score=10.0)
    again = _sentence("deed", 2, story[:5] + [f"ander{i}" for i in range(5)], score=9.0)
    new = _sentence("deed", 3, [f"nieuw{i}" for i in range(10)], score=8.0)
    wie = _sentence("wie", 4, score=5.0)
    budgets = {"wie": 10, "deed": 20}  # room for two sentences under 'deed'
    chosen = _chosen([first, again, new, wie], budgets, min_words=20, max_words=100)
    assert [c.text for c in chosen if c.section == "deed"] == [first.text, new.text]
