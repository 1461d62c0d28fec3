"""From speech to readable text: fillers, stutters and false starts go; content never changes."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goodwork_pipeline.drafting.cleanup import (
    clean_sentence,
    filler_vocabulary,
    remove_fillers,
    sentence_spans,
    split_long,
    tokenize,
)
from goodwork_pipeline.text_nl import words

# Written out here, not imported: the cleanup may never treat any other word as a filler.
FILLERS = frozenset(
    [
        "eh",
        "ehm",
        "ehh",
        "euh",
        "uh",
        "uhm",
        "uhh",
        "um",
        "hm",
        "hmm",
        "hmhm",
        "mm",
        "mmm",
        "mhm",
        "nou",
        "ja",
        "nee",
        "weet",
        "je",
        "wel",
        "zeg",
        "maar",
        "snap",
        "zie",
        "hè",
        "he",
        "toch",
        "oké",
        "oke",
        "okay",
        "ok",
        "tja",
        "kijk",
        "goh",
        "ach",
        "goed",
        "enfin",
        "o",
        "oh",
        "ah",
    ]
)
# Dutch words (with the first person and the participant's vocabulary) that are not fillers.
CONTENT = [
    w
    for w in [
        "ik",
        "mijn",
        "wij",
        "we",
        "de",
        "het",
        "een",
        "bewoner",
        "dochter",
        "moeder",
        "familie",
        "zorg",
        "team",
        "collega",
        "rooster",
        "douchen",
        "eten",
        "luisteren",
        "kiezen",
        "belangrijk",
        "goed",
        "werk",
        "vond",
        "dacht",
        "wilde",
        "heb",
        "ben",
        "was",
        "gesprek",
        "regels",
        "twijfelde",
        "samen",
        "echt",
        "heel",
        "niet",
        "ook",
        "dat",
        "die",
        "waarom",
        "omdat",
        "wanneer",
        "zij",
        "hij",
        "haar",
        "hem",
        "thuiszorg",
        "verpleeghuis",
        "'s",
        "zo'n",
        "e-mail",
        "dementie",
        "respect",
        "tijd",
    ]
    if w not in FILLERS
]
ANYWHERE_FILLERS = ["eh", "ehm", "uh", "uhm", "euh", "hmm", "nou ja", "weet je wel"]
SET_OFF_FILLERS = ["weet je", "snap je", "zeg maar", "zie je", "nou ja"]
OPENERS = ["ja", "nou", "oké", "tja", "ja nee", "kijk,", "goh,"]


def test_only_known_fillers_are_fillers() -> None:
    assert filler_vocabulary() <= FILLERS


def is_subsequence(small: list[str], big: list[str]) -> bool:
    iterator = iter(big)
    return all(word in iterator for word in small)


@pytest.mark.parametrize(
    ("spoken", "written"),
    [
        ("eh ik ging, zeg maar, naar de ver- verzorgende toe", "Ik ging naar de verzorgende toe."),
        ("Ja, nou, ehm, ik vond dat heel moeilijk, weet je.", "Ik vond dat heel moeilijk."),
        ("Het is zijn huis, weet je, niet onze werkplek.", "Het is zijn huis, niet onze werkplek."),
        ("ik ik ik ben, ik ben gaan praten met de dochter", "Ik ben gaan praten met de dochter."),
        (
            "in de in de huiskamer hebben we koffie gedronken",
            "In de huiskamer hebben we koffie gedronken.",
        ),
        (
            "Ik weet dat dat moeilijk is en die die zorg geven",
            "Ik weet dat dat moeilijk is en die die zorg geven.",
        ),
        ("de zorg- en welzijnsmedewerkers", "De zorg- en welzijnsmedewerkers."),
        ("Dat is belangrijk, toch?", "Dat is belangrijk."),
        ("Weet je wat ik toen deed?", "Weet je wat ik toen deed?"),
        ("Ik zeg maar tegen haar: ga zitten", "Ik zeg maar tegen haar: ga zitten."),
        ("Ik weet je naam niet meer", "Ik weet je naam niet meer."),
        ("Kijk, ik vind dat ... nou ja, lastig", "Ik vind dat lastig."),
        ("O, eh, bijna vijftien jaar.", "Bijna vijftien jaar."),
        ("ehm... uhm", ""),
    ],
)
def test_speech_becomes_readable(spoken: str, written: str) -> None:
    assert clean_sentence(spoken) == written


def test_sentence_boundaries() -> None:
    text = "Ik ging naar huis. Toen... dacht ik: nee! en toen bijv. de dochter. klaar"
    pieces = [text[a:b] for a, b in sentence_spans(text)]
    assert pieces == [
        "Ik ging naar huis.",
        "Toen... dacht ik: nee!",
        "en toen bijv. de dochter. klaar",
    ]


def test_a_run_on_sentence_is_split_at_a_comma() -> None:
    long = (
        "ik ben toen naar de dochter gegaan en ik heb haar uitgelegd wat haar moeder zelf wilde "
        "en wat wij als team konden doen, en daarna hebben we samen met de arts gekeken naar "
        "wat er mogelijk was en wat de familie ervan vond"
    )
    pieces = split_long(clean_sentence(long))
    assert len(pieces) == 2
    assert all(p[0].isupper() and p.endswith(".") for p in pieces)
    assert words(" ".join(pieces)) == words(long)


@st.composite
def spoken_sentences(draw: st.DrawFn) -> tuple[str, list[str]]:
    """Content words with fillers put where speakers put them; returns (sentence, content)."""
    content = draw(st.lists(st.sampled_from(CONTENT), min_size=1, max_size=14))
    pieces: list[str] = []
    if draw(st.booleans()):
        opener = draw(st.sampled_from(OPENERS))
        pieces.append(opener + ("," if draw(st.booleans()) and "," not in opener else ""))
    for word in content:
        pieces.append(word)
        kind = draw(st.integers(0, 5))
        if kind == 0:
            pieces.append(draw(st.sampled_from(ANYWHERE_FILLERS)))
        elif kind == 1:
            pieces[-1] += ","
            pieces.append(draw(st.sampled_from(SET_OFF_FILLERS)) + ",")
    sentence = " ".join(pieces) + draw(st.sampled_from([".", "", "?", "!", "..."]))
    return sentence, content


@settings(max_examples=300, deadline=None)
@given(spoken_sentences())
def test_removing_fillers_keeps_every_content_word_in_order(case: tuple[str, list[str]]) -> None:
    sentence, content = case
    assert words(remove_fillers(sentence)) == content


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [*CONTENT, *sorted(FILLERS), ",", ".", "?", "...", "ver-", "zorg-", "en", "maar"]
        ),
        max_size=25,
    )
)
def test_cleanup_never_adds_or_reorders_words(tokens: list[str]) -> None:
    """For any text: the result's words are the input's words, in order, minus some; every
    word that can never be a filler survives, and nothing is invented."""
    text = " ".join(tokens)
    for cleaned in (remove_fillers(text), clean_sentence(text)):
        out = words(cleaned)
        assert is_subsequence(out, words(text)), (text, cleaned)
        # Every content word type survives (stutters lose a copy, never the word).
        kept = {w for w in words(text) if w not in FILLERS and not w.endswith("-")}
        assert kept <= set(out) | {w for w in kept if f"{w}-" in tokenize(text)}, (text, cleaned)
    assert set(words(remove_fillers(text))) >= {w for w in words(text) if w not in FILLERS}, text
