"""Platform texts stay within each platform's limit, counted the way the platform counts."""

import dataclasses
import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goodwork_pipeline.models import NameDisplay
from goodwork_pipeline.publishing.platform_texts import (
    LINK_PLACEHOLDER,
    PLATFORM_BY_KEY,
    PLATFORMS,
    count_bluesky,
    count_linkedin,
    count_x,
    grapheme_length,
    normalise_hashtags,
)
from goodwork_pipeline.publishing.render import Renderer
from goodwork_pipeline.publishing.view import PublicView, public_view
from goodwork_pipeline.settings import bundled_templates_dir
from goodwork_pipeline.testing.sample_beelden import (
    ANNA,
    beeld,
    emoji_beeld,
    long_beeld,
    short_beeld,
)

FAMILY = "👩‍👩‍👧‍👦"


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer(bundled_templates_dir())


def view_of(b, display=NameDisplay.FIRST) -> PublicView:
    return public_view(
        b, ANNA.sidecar, display, programme="Beelden van Goed Werk", date=dt.date(2026, 3, 12)
    )


def test_counting_follows_each_platform() -> None:
    assert grapheme_length(FAMILY + "🇳🇱" + "é") == 3  # one family, one flag, e + accent
    assert count_bluesky(FAMILY * 10) == 10
    assert count_linkedin(FAMILY) == 11  # UTF-16 code units, as LinkedIn's web app counts
    assert count_x(FAMILY * 10) == 20  # twitter-text: an emoji sequence weighs 2
    assert count_x("中文") == 4 and count_x("ij") == 2
    assert count_x("zie https://example.org/" + "a" * 200) == 4 + 23  # any URL is 23
    assert count_x(LINK_PLACEHOLDER) == 23
    assert count_bluesky(LINK_PLACEHOLDER, link_length=40) == 40


def test_hashtags_are_normalised() -> None:
    assert normalise_hashtags(["BeeldenVanGoedWerk", "#zorg", "#Goed werk", "#zorg"]) == (
        "#BeeldenVanGoedWerk",
        "#zorg",
        "#Goedwerk",
    )


@pytest.mark.parametrize("platform", [p.key for p in PLATFORMS])
@pytest.mark.parametrize(
    "make", [short_beeld, long_beeld, emoji_beeld, lambda: ANNA.beeld], ids=lambda f: f.__name__
)
def test_every_text_is_within_its_limit(renderer, platform, make) -> None:
    spec = PLATFORM_BY_KEY[platform]
    for link in (True, False):
        text = renderer.platform_text(view_of(make()), platform, link=link)
        assert text.length == spec.count(text.text, renderer.link_length)
        assert text.length <= spec.limit
        if spec.max_bytes:
            assert len(text.text.encode()) <= spec.max_bytes
        assert "#BeeldenVanGoedWerk" in text.text or "hashtags" in text.dropped
        assert (LINK_PLACEHOLDER in text.text) == link


def test_a_normal_beeld_keeps_every_part_on_the_long_platforms(renderer) -> None:
    view = view_of(ANNA.beeld)
    for platform in ("linkedin", "instagram"):
        text = renderer.platform_text(view, platform, link=True)
        assert text.dropped == ()
        for part in (view.opening, view.quote, view.closing_question, "Een bewoner wilde"):
            assert part in text.text
    linkedin = renderer.platform_text(view, "linkedin", link=True).text
    assert linkedin.index(view.opening) + len(view.opening) <= 200  # the hook is seen first
    instagram = renderer.platform_text(view, "instagram", link=True).text
    assert instagram.rstrip().endswith("#BeeldenVanGoedWerk")  # hashtags at the end


def test_parts_are_dropped_whole_in_the_defined_order(renderer) -> None:
    view = view_of(ANNA.beeld)
    x = renderer.platform_text(view, "x", link=True)
    assert x.dropped and set(x.dropped) <= {"summary", "opening"}  # first in X's order
    assert f"“{view.quote}”" in x.text  # the quote is never cut
    huge = dataclasses.replace(view, quote=" ".join(["Vertrouwen is goed werk."] * 20))
    x = renderer.platform_text(huge, "x", link=True)
    assert "quote" in x.dropped and "Vertrouwen" not in x.text
    assert view.opening in x.text  # the opening came back once the quote had to go


def test_a_long_opening_is_not_the_linkedin_hook(renderer) -> None:
    view = view_of(long_beeld())
    text = renderer.platform_text(view, "linkedin", link=True).text
    # No opening line is short enough to be seen before LinkedIn folds the text: none is used.
    assert view.title not in text and text.startswith("“")


def test_hashtags_are_a_setting(tmp_path) -> None:
    from goodwork_pipeline.settings import load_settings

    settings = load_settings(tmp_path, environ={"GOODWORK_HASHTAGS": "#Zorg, #GoedWerk"})
    assert settings.hashtags == ["#Zorg", "#GoedWerk"]
    renderer = Renderer(bundled_templates_dir(), hashtags=settings.hashtags)
    text = renderer.platform_text(view_of(ANNA.beeld), "linkedin", link=False).text
    assert text.rstrip().endswith("#Zorg #GoedWerk") and "#BeeldenVanGoedWerk" not in text


words = st.lists(
    st.sampled_from([*"abcdeéëijkmnoprstuvwz中文 ", FAMILY, "🇳🇱", "👍🏽"]), min_size=1, max_size=40
).map("".join)
sentences = st.lists(words.map(lambda w: w.strip() or "x"), min_size=1, max_size=40).map(
    lambda ws: ". ".join(w[:1].upper() + w[1:] for w in ws)
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=words, quote=sentences, body=sentences)
def test_any_beeld_fits_every_platform_and_keeps_parts_whole(title, quote, body) -> None:
    renderer = Renderer(bundled_templates_dir())
    view = view_of(beeld(title.strip() or "Titel", quote, puzzel=body, deed=body))
    for spec in PLATFORMS:
        text = renderer.platform_text(view, spec.key, link=True)
        assert spec.count(text.text, renderer.link_length) <= spec.limit
        if view.quote.strip() and "quote" not in text.dropped:
            assert view.quote.strip() in text.text
        if view.title.strip() and "opening" not in text.dropped:
            assert view.title in text.text
