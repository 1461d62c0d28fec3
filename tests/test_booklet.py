"""Group booklets: only beelden consented for group sessions; shared themes computed."""

import pytest
from publishing import consented_story, pdf_metadata, pdf_text_of, withdraw, words

from goodwork_pipeline.models import Channel, NameDisplay
from goodwork_pipeline.publishing.booklet import BookletEntry, load_stopwords, shared_themes
from goodwork_pipeline.publishing.outbox import OVERVIEW
from goodwork_pipeline.publishing.publish import booklet_manifest, booklet_path
from goodwork_pipeline.publishing.render import Renderer
from goodwork_pipeline.publishing.view import public_view
from goodwork_pipeline.settings import bundled_templates_dir
from goodwork_pipeline.testing.sample_beelden import ANNA, BRAM, GROUP, GROUP_STORIES, JOOST, SARA


def entries_of(stories):
    return [
        BookletEntry(
            f"GW-{i}",
            public_view(s.beeld, s.sidecar, NameDisplay.FULL, programme="P", date=s.sidecar.date),
            i,
            s.beeld.text_sha256(),
        )
        for i, s in enumerate(stories)
    ]


def stopwords():
    return load_stopwords(bundled_templates_dir() / "publish" / "stopwoorden.txt")


def test_shared_themes_are_recurring_terms_not_stopwords() -> None:
    themes = shared_themes(entries_of(GROUP_STORIES), stopwords())
    terms = [t.term for t in themes]
    assert {"familie", "bewoner", "regels", "team", "gesprek"} <= set(terms)
    for stopword in ("de", "het", "ik", "dat", "goed", "werk", "haar"):
        assert stopword not in terms
    assert all(len(t.stories) >= 2 for t in themes)
    counts = [len(t.stories) for t in themes]
    assert counts == sorted(counts, reverse=True)  # most widely shared first
    familie = next(t for t in themes if t.term == "familie")
    assert {e.view.who for e in familie.stories} == {
        "Anna de Vries",
        "Bram Visser",
        "Sara El Amrani",
    }


def test_words_are_grouped_by_stem() -> None:
    a, b = entries_of([ANNA, BRAM])
    themes = shared_themes([a, b], stopwords())
    bewoner = next(t for t in themes if t.stem.startswith("bewoner"))
    assert bewoner.occurrences >= 4  # 'bewoner' and 'bewoners' are one theme


def test_no_shared_words_no_themes() -> None:
    only = entries_of([ANNA])
    assert shared_themes(only, stopwords()) == []


def test_booklet_holds_exactly_the_group_consented_beelden(pipeline) -> None:
    anna = consented_story(pipeline, ANNA.beeld, ANNA.sidecar, name_display=NameDisplay.FIRST)
    bram = consented_story(pipeline, BRAM.beeld, BRAM.sidecar, channels={Channel.GROUP})
    sara = consented_story(
        pipeline, SARA.beeld, SARA.sidecar, channels={Channel.GROUP}, name_display=NameDisplay.ROLE
    )
    joost = consented_story(pipeline, JOOST.beeld, JOOST.sidecar, channels={Channel.WEBSITE})
    result = pipeline.booklet(GROUP)
    assert result.ok and result.details["stories"] == 3
    path = booklet_path(pipeline.settings.outbox_dir, GROUP)
    text = pdf_text_of(path.read_bytes())
    flat = " ".join(words(text))
    for title in (ANNA.beeld.title, BRAM.beeld.title, SARA.beeld.title):
        assert " ".join(words(title)) in flat
    assert " ".join(words(JOOST.beeld.title)) not in flat  # no consent for group sessions
    assert "Sara" not in text and "Amrani" not in text  # role only, as she chose
    assert "Jansen" not in text  # pseudonymised
    for part in (
        "Groepsboekje",
        "Inhoud",
        "De beelden naast elkaar",
        "Gedeelde thema's",
        "Vragen voor het groepsgesprek",
        "Wat ik belangrijk vind",
    ):
        assert " ".join(words(part)) in flat, part
    for term in ("familie", "regels", "bewoner"):
        assert f"{term} " in text.lower()
    assert "komt terug in 3 van de 3 beelden" in " ".join(text.split())
    manifest = booklet_manifest(pipeline.settings.outbox_dir, GROUP)
    assert [s["story"] for s in manifest["stories"]] == [anna, bram, sara]
    assert pdf_metadata(path.read_bytes())["Title"] == f"Groepsboekje {GROUP}"
    assert "groepsboekjes/" in (pipeline.settings.outbox_dir / OVERVIEW).read_text()
    assert joost


def test_withdrawing_group_consent_rebuilds_the_booklet_without_it(pipeline) -> None:
    anna = consented_story(pipeline, ANNA.beeld, ANNA.sidecar)
    bram = consented_story(pipeline, BRAM.beeld, BRAM.sidecar)
    assert pipeline.booklet(GROUP).ok
    withdraw(pipeline, bram, [Channel.GROUP])
    outbox = pipeline.settings.outbox_dir
    manifest = booklet_manifest(outbox, GROUP)
    assert [s["story"] for s in manifest["stories"]] == [anna]
    assert "Het rooster of het team" not in pdf_text_of(booklet_path(outbox, GROUP).read_bytes())
    withdraw(pipeline, anna)
    assert not booklet_path(outbox, GROUP).exists() and booklet_manifest(outbox, GROUP) is None


def test_a_group_without_consent_gets_no_booklet(pipeline) -> None:
    consented_story(pipeline, ANNA.beeld, ANNA.sidecar, channels={Channel.WEBSITE})
    result = pipeline.booklet(GROUP)
    assert result.ok and result.outputs == ()
    assert "groepsgesprekken" in result.message_nl
    assert not booklet_path(pipeline.settings.outbox_dir, GROUP).exists()


@pytest.mark.parametrize("group", ["Teammanagers  VVT 2026", "teammanagers vvt 2026"])
def test_group_names_match_regardless_of_case_and_spacing(pipeline, group) -> None:
    consented_story(pipeline, ANNA.beeld, ANNA.sidecar)
    assert pipeline.booklet(group).details["stories"] == 1


def test_booklet_html_marks_themes_in_the_comparison() -> None:
    import datetime as dt

    from goodwork_pipeline.publishing.booklet import booklet_html

    html = booklet_html(
        Renderer(bundled_templates_dir()),
        group=GROUP,
        programme="Beelden van Goed Werk",
        entries=entries_of(GROUP_STORIES),
        built=dt.date(2026, 4, 10),
    )
    assert '<mark class="theme">familie</mark>' in html
    assert "10 april 2026" in html
