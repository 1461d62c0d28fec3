"""The name choice covers every form of the participant's name, in every published file.

Hypothesis draws Dutch and Flemish names (particles, Flemish capitals, initials, middle
names, double surnames, titles, diacritics, other names they go by, an e-mail address),
puts every form of the name into the approved text (title and sections), and publishes it
with ``sync_story`` under each name choice (the fast ``SketchRenderer`` the consent-history
tests use: every PDF and card becomes the text it is made from). Then no file in the outbox,
no file or folder name, not the manifest nor the overview page, holds a word of the name the
choice excludes. The check is written apart from ``own_name.py``: it knows the name from how
it was generated, and compares words with accents and case removed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from urllib.parse import unquote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goodwork_pipeline.errors import SidecarError
from goodwork_pipeline.intake.sidecar import parse_sidecar
from goodwork_pipeline.models import (
    Beeld,
    Channel,
    Consent,
    NameDisplay,
    Section,
    Sentence,
    Sidecar,
)
from goodwork_pipeline.own_name import OwnName, parse
from goodwork_pipeline.privacy.pseudonymise import Pseudonymiser
from goodwork_pipeline.publishing.publish import sync_story
from goodwork_pipeline.publishing.render import Renderer, SketchRenderer
from goodwork_pipeline.publishing.view import display_name
from goodwork_pipeline.settings import load_settings

FIRST_NAMES = ("Anna", "Zoë", "Joséphine", "Anne-Fleur", "Ömer", "Ayşe", "Els", "Noëlle", "Bram")
MIDDLE_NAMES = ("Maria", "Hélène", "Johannes", "Frans")
SURNAMES = ("Vries", "Berg", "Smet", "Broeck", "Jansen", "Ørsted", "Yılmaz", "Peeters", "D'Souza")
PARTICLES = ("", "de ", "van ", "van den ", "van der ", "ter ", "Van den ", "De ", "van 't ")
TITLES = ("mevrouw", "meneer", "mw.", "dhr.", "dokter", "zuster")
SYLLABLES = ("ka", "lo", "mi", "re", "su", "vin", "dor", "pe", "ti", "gu", "zel", "bry")
ROLE = "Wijkverpleegkundige"
REPORT = os.environ.get("GWTEST_RELIABILITY_LOG")


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.replace("ø", "o").replace("ı", "i")


@st.composite
def people(draw: st.DrawFn) -> dict:
    def made_up() -> str:
        return "".join(draw(st.lists(st.sampled_from(SYLLABLES), min_size=2, max_size=3))).title()

    first = draw(st.sampled_from(FIRST_NAMES)) if draw(st.booleans()) else made_up()
    middle = draw(st.lists(st.sampled_from(MIDDLE_NAMES), max_size=1, unique=True))
    surnames = [
        draw(st.sampled_from(SURNAMES)) if draw(st.booleans()) else made_up()
        for _ in range(draw(st.integers(min_value=1, max_value=2)))  # 2: a double surname
    ]
    surnames = list(dict.fromkeys(s for s in surnames if fold(s) != fold(first))) or ["Vries"]
    particle = draw(st.sampled_from(PARTICLES))
    initials = draw(st.booleans())  # the sidecar writes the middle name as an initial
    aka = [made_up()] if draw(st.booleans()) else []
    given = [first, *(f"{m[0]}." if initials else m for m in middle)]
    surname = "-".join(surnames)
    name = " ".join([*given, f"{particle}{surname}"])
    local = fold(f"{first}.{particle.replace(' ', '')}{surnames[0]}")
    email = re.sub(r"[^a-z.]", "", local) + "@zorggroep.nl"
    return {
        "name": name,
        "first": first,
        "middle": [] if initials else middle,
        "surnames": surnames,
        "particle": particle,
        "aka": aka,
        "email": email,
        "title": draw(st.sampled_from(TITLES)),
        "nfd": draw(st.booleans()),
    }


def forms(person: dict) -> list[str]:
    """Every way the text may mention the person."""
    first, surnames, particle = person["first"], person["surnames"], person["particle"]
    surname = "-".join(surnames)
    capital = (particle[:1].upper() + particle[1:]) if particle else ""
    initials = "".join(f"{w[0]}." for w in [first, *person["middle"]])
    found = [
        person["name"],
        f"{person['title']} {capital}{surname}",
        f"{person['title']} {initials} {particle}{surname}",
        first.lower(),
        f"{first}'s",
        *person["middle"],
        *surnames,
        surname,
        f"{capital}{surnames[0]}",
        person["name"].upper(),
        fold(person["name"]).title(),  # no accents
        person["email"],
        person["email"].split("@")[0],
        *person["aka"],
    ]
    if person["nfd"]:
        found = [unicodedata.normalize("NFD", f) for f in found]
    return found


def beeld_with(mentions: list[str]) -> Beeld:
    sentences = tuple(
        Sentence(f"Op de afdeling zeggen ze {m} tegen mij, en dat vind ik goed.") for m in mentions
    )
    return Beeld(
        title=f"Wat {mentions[1]} leerde over luisteren",
        sections=(
            Section("wie", "Wie ik ben", sentences[: len(sentences) // 2]),
            Section("puzzel", "De puzzel", sentences[len(sentences) // 2 :]),
        ),
        quote=f"Goed werk is luisteren, zegt {mentions[0]}.",
        closing_question="Wat is jouw beeld van goed werk?",
    )


def excluded_words(person: dict, choice: NameDisplay) -> set[str]:
    if choice == NameDisplay.FULL:
        return set()
    words = {person["first"], *person["first"].split("-"), *person["middle"], *person["aka"]}
    for surname in person["surnames"]:
        words |= {surname, surname.split("'")[-1]}
    if choice == NameDisplay.FIRST:
        words -= {person["first"], *person["first"].split("-")}
    return {fold(w) for w in words if len(w) > 1}


def leaks(root: Path, person: dict, choice: NameDisplay) -> list[tuple[str, str]]:
    """(where, what) for every excluded word of the name, or the address, found."""
    excluded = excluded_words(person, choice)
    address = person["email"].split("@")[0]
    found = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        texts = [relative]
        if path.is_file():
            texts.append(unquote(unescape(path.read_bytes().decode("utf-8", "replace"))))
        for text in texts:
            words = set(re.findall(r"\w+", fold(unicodedata.normalize("NFC", text))))
            found += [(relative, w) for w in excluded & words]
            if choice != NameDisplay.FULL and fold(address) in fold(text):
                found.append((relative, address))
    return found


def publish(tmp_path: Path, renderer, person: dict, choice: NameDisplay) -> Path:
    beeld = beeld_with(forms(person))
    sidecar = Sidecar(
        participant=person["name"],
        email=person["email"],
        role=ROLE,
        organisation="Zorggroep",
        also_known_as=tuple(person["aka"]),
    )
    outbox = tmp_path / "outbox"
    outbox.mkdir(exist_ok=True)
    consent = Consent("GW-TEST0001", frozenset(Channel), choice, beeld.text_sha256(), 1)
    sync_story(
        story_id="GW-TEST0001",
        consent=consent,
        approved=beeld,
        sidecar=sidecar,
        renderer=renderer,
        outbox=outbox,
        programme="Beelden van Goed Werk",
        date=dt.date(2026, 3, 12),
        now=dt.datetime(2026, 3, 12, 9, 0, tzinfo=dt.UTC),
    )
    return outbox


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return load_settings(tmp_path_factory.mktemp("programma"), environ={}).templates_dir


@pytest.fixture(scope="module")
def sketch(templates: Path) -> SketchRenderer:
    return SketchRenderer(templates)


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    """In memory (tmpfs) when the machine has one: every publish writes twenty files."""
    base = Path("/dev/shm") if Path("/dev/shm").is_dir() else None
    with tempfile.TemporaryDirectory(prefix="goodwork-own-name-", dir=base) as folder:
        yield Path(folder)


@settings(
    max_examples=int(os.environ.get("GWTEST_NAME_FORMS", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(person=people(), choice=st.sampled_from([NameDisplay.FIRST, NameDisplay.ROLE]))
def test_no_excluded_form_of_the_name_reaches_the_outbox(sketch, scratch, totals, person, choice):
    outbox = publish(scratch, sketch, person, choice)
    totals["names"] = totals.get("names", 0) + 1
    totals["forms placed"] = totals.get("forms placed", 0) + len(forms(person))
    totals["files scanned"] = totals.get("files scanned", 0) + sum(
        1 for p in outbox.rglob("*") if p.is_file()
    )
    try:
        assert not leaks(outbox, person, choice), (person["name"], choice)
        if choice == NameDisplay.FIRST:  # and the first name itself is what is shown
            manifest = (next(outbox.glob("*/manifest.json"))).read_text(encoding="utf-8")
            assert person["first"] in unicodedata.normalize("NFC", manifest)
    finally:
        shutil.rmtree(outbox)


@pytest.fixture(scope="module")
def totals() -> dict:
    return {}


def test_report_name_forms(totals) -> None:
    """(Runs after the property: the figures for bench/RELIABILITY.md.)"""
    if REPORT and totals:
        with open(REPORT, "a", encoding="utf-8") as log:
            row = {"kind": "name-forms", "renderer": "sketch", **totals, "leaks": 0}
            log.write(json.dumps(row) + "\n")
    assert totals.get("names", 0) >= 1


def test_the_check_finds_a_leak_when_nothing_is_hidden(templates, tmp_path) -> None:
    """The property can fail: with the full name chosen, the same files hold every form."""
    person = {
        "name": "Anna Maria de Vries-Jansen",
        "first": "Anna",
        "middle": ["Maria"],
        "surnames": ["Vries", "Jansen"],
        "particle": "de ",
        "aka": ["Annemie"],
        "email": "anna.devries@zorggroep.nl",
        "title": "mevrouw",
        "nfd": False,
    }
    outbox = publish(tmp_path, SketchRenderer(templates), person, NameDisplay.FULL)
    found = {word for _, word in leaks(outbox, person, NameDisplay.ROLE)}
    assert {"maria", "vries", "jansen", "annemie", "anna.devries"} <= found


@pytest.mark.slow
def test_the_real_files_hide_every_form_too(templates, tmp_path) -> None:
    """One case through the real renderer: PDF text and metadata, cards, alt texts."""
    from publishing import find_names

    person = {
        "name": "Joséphine M. van den Berg-Ørsted",
        "first": "Joséphine",
        "middle": [],
        "surnames": ["Berg", "Ørsted"],
        "particle": "van den ",
        "aka": ["Fien"],
        "email": "josephine.vandenberg@zorggroep.nl",
        "title": "mw.",
        "nfd": False,
    }
    outbox = publish(tmp_path, Renderer(templates), person, NameDisplay.ROLE)
    assert not leaks(outbox, person, NameDisplay.ROLE)
    hidden = ["Joséphine", "Josephine", "Berg", "Ørsted", "Orsted", "Fien", "josephine.vandenberg"]
    assert not find_names(outbox, hidden)
    [folder] = [p for p in outbox.iterdir() if p.is_dir()]
    assert "wijkverpleegkundige" in (folder / "website" / "beeld.md").read_text().lower()


# Forms, one by one (as the issue found them) -----------------------------------------------


@pytest.mark.parametrize(
    ("choice", "text", "expected"),
    [
        (NameDisplay.ROLE, "Ze noemen mij mevrouw De Vries.", "Ze noemen mij de teammanager."),
        (NameDisplay.ROLE, "Dat zei Maria ook.", "Dat zei de teammanager ook."),
        (NameDisplay.FIRST, "Dat zei Maria ook.", "Dat zei Anna ook."),
        (NameDisplay.FIRST, "Mw. A.M. de Vries tekent.", "Anna tekent."),
        (NameDisplay.FIRST, "Zuster Anna en anna.", "Zuster Anna en anna."),
        (NameDisplay.ROLE, "Ik ben anna, DE VRIES.", "Ik ben de teammanager, de teammanager."),
        (NameDisplay.ROLE, "Mail anna.devries@zorg.nl.", "Mail de teammanager."),
        (NameDisplay.FIRST, "Of anna.devries, zei ze.", "Of Anna, zei ze."),
        (
            NameDisplay.ROLE,
            "Anna zei de volgende dag iets.",
            "De teammanager zei de volgende dag iets.",
        ),
    ],
)
def test_each_form_the_issue_found(choice, text, expected) -> None:
    p = Pseudonymiser(
        participant="Anna Maria de Vries",
        name_display=choice,
        role="Teammanager",
        email="anna.devries@zorg.nl",
    )
    assert p.text(text) == expected


def test_a_double_surname_and_a_particle_dropped() -> None:
    p = Pseudonymiser(participant="Piet van den Berg-Jansen", name_display=NameDisplay.FIRST)
    assert p.text("Berg en Jansen en Van Den Berg-Jansen.") == "Piet en Piet en Piet."


def test_parse_dutch_and_flemish_names() -> None:
    assert parse("dr. Anna M. de Vries").first == "Anna"
    assert parse("Jan Van den Broeck").surname == "Broeck"
    assert parse("A.M. de Vries").first is None
    assert display_name("Dr. Anna de Vries", NameDisplay.FIRST) == "Anna"
    assert OwnName("Ayşe El Amrani").mentions("zei Amrani")[0].text == "Amrani"


def test_also_known_as_is_a_list_in_the_sidecar(tmp_path) -> None:
    path = tmp_path / "g.yaml"
    sidecar = parse_sidecar("participant: Anna de Vries\nalso_known_as: [Annemie, Mia]\n", path)
    assert sidecar.also_known_as == ("Annemie", "Mia")
    with pytest.raises(SidecarError, match="also_known_as"):
        parse_sidecar("also_known_as: {a: b}\n", path)


def test_the_participants_own_name_among_third_parties_is_refused(tmp_path) -> None:
    path = tmp_path / "g.yaml"
    text = "participant: Anna de Vries\npseudonymise: [Mevrouw Jansen, mevrouw anna de vries]\n"
    with pytest.raises(SidecarError) as caught:
        parse_sidecar(text, path)
    assert "own name" in str(caught.value) and "deelnemer zelf" in caught.value.nl
