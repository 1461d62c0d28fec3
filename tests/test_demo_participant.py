"""The demo participant corrects what was misheard, with tracked changes, before approving.

A script that is not the demo's, heard wrongly by a fixed rule (every third longer word
garbled, one sentence broken in two, a title whose first words were misheard), is drafted;
the participant puts the script's words back and the reader of returned drafts takes the
corrections. Nothing here knows a phrase: any script, any mishearing of this kind.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from goodwork_pipeline.drafting.draft_document import DraftInfo, write_draft
from goodwork_pipeline.models import Beeld, Section, Sentence
from goodwork_pipeline.review.decision import interpret
from goodwork_pipeline.review.returned_document import read_document
from goodwork_pipeline.testing.samples import fill_in_as_participant
from goodwork_pipeline.testing.script_alignment import Script

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SCRIPT = (
    "Goedemorgen. Vertel eens wie je bent?",
    "Ik ben Joost. Ik werk als leraar op een basisschool in Zwolle, al acht jaar.",
    "Een leerling kwam steeds te laat. Zijn vader vond dat de school hem moest straffen.",
    "Ik heb met de leerling zelf gesproken over wat er thuis gebeurde en wat hij nodig had.",
    "Goed onderwijs is dat je eerst vraagt en daarna pas een oordeel hebt.",
)
QUESTION = "Wat is jouw beeld van goed werk in zo'n situatie?"


def garble(word: str) -> str:
    """A sound-alike that is not a script word: first letter moved on, a vowel doubled."""
    first = chr((ord(word[0].lower()) - 97 + 1) % 26 + 97)
    return first + re.sub(r"([aeiou])", r"\1\1", word[1:], count=1)


def misheard(sentence: str) -> str:
    words = sentence.split(" ")
    return " ".join(
        garble(w) if i % 3 == 1 and len(w.strip(",.?")) > 3 else w for i, w in enumerate(words)
    )


def sentences(line: str) -> list[str]:
    return re.findall(r"[^.?!]+[.?!]", line)


@pytest.fixture
def heard() -> Beeld:
    wie = [misheard(s.strip()) for s in sentences(SCRIPT[1])]
    puzzel = [misheard(s.strip()) for s in sentences(SCRIPT[2])]
    long = misheard(SCRIPT[3]).rstrip(".").split(" ")
    half = len(long) // 2  # Whisper broke this one in two
    deed = [" ".join(long[:half]) + ".", " ".join(long[half:]).capitalize() + "."]
    beeld_text = misheard(SCRIPT[4])
    title = garble("Goed") + " " + "onderwijs is dat je eerst vraagt"
    return Beeld(
        title=title,
        sections=(
            Section("wie", "Wie ik ben", tuple(Sentence(t, 0.0, 1.0) for t in wie)),
            Section("puzzel", "De puzzel", tuple(Sentence(t, 1.0, 2.0) for t in puzzel)),
            Section("deed", "Wat ik deed", tuple(Sentence(t, 2.0, 3.0) for t in deed)),
            Section("beeld", "Mijn beeld van goed werk", (Sentence(beeld_text, 3.0, 4.0),)),
        ),
        quote=beeld_text,
        closing_question=QUESTION,
    )


def words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def test_the_participant_puts_back_what_was_said(heard: Beeld, tmp_path: Path) -> None:
    info = DraftInfo(story_id="GW-ABCD1234", version=1, programme="Beelden van Goed Werk")
    draft = write_draft(heard, info, tmp_path / "draft.docx")
    returned = fill_in_as_participant(draft, tmp_path / "returned.docx", script=SCRIPT)

    result = interpret(read_document(returned), heard, read_document(draft))
    assert result is not None
    beeld = result.beeld
    said = set().union(*(words(line) for line in SCRIPT))
    text = " ".join(s.text for section in beeld.sections for s in section.sentences)
    assert words(text) <= said and words(beeld.quote) <= said, (text, beeld.quote)
    assert beeld.quote == SCRIPT[4]
    assert beeld.title == "Goed onderwijs is dat je eerst vraagt"
    deed = next(s for s in beeld.sections if s.key == "deed")
    assert " ".join(s.text for s in deed.sentences) == SCRIPT[3]  # one sentence again
    puzzel = next(s for s in beeld.sections if s.key == "puzzel")
    assert " ".join(s.text for s in puzzel.sentences) == SCRIPT[2]
    assert beeld.closing_question == QUESTION  # the guide's question is not the script's

    # As Word writes them: deletions and insertions with author and date, only where wrong.
    root = etree.fromstring(zipfile.ZipFile(returned).read("word/document.xml"))
    changes = [e for e in root.iter(f"{W}ins", f"{W}del")]
    assert changes and all(e.get(f"{W}author") and e.get(f"{W}date") for e in changes)
    ids = [e.get(f"{W}id") for e in changes]
    assert len(ids) == len(set(ids))
    deleted = " ".join(t.text for t in root.iter(f"{W}delText"))
    assert garble("werk") in deleted.split()  # the misheard word goes ...
    assert "Joost" not in deleted and "leraar" not in deleted  # ... the words heard right stay


def test_a_piece_like_nothing_in_the_script_is_not_matched() -> None:
    script = Script(SCRIPT)
    assert script.match(QUESTION) is None
    assert script.match("De kat zat op de mat naast het raam.") is None
    span = script.match(misheard("Zijn vader vond dat de school hem moest straffen."))
    assert span is not None and script.text(span, capital=True, closing=".") == (
        "Zijn vader vond dat de school hem moest straffen."
    )
