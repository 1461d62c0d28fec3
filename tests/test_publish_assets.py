"""sync_story through the real pipeline: exactly the consented channels, names as allowed."""

import itertools
import json

import pytest
from publishing import consented_story, find_names, folder_of, withdraw

from goodwork_pipeline.files import sha256_file
from goodwork_pipeline.models import Channel, NameDisplay
from goodwork_pipeline.privacy.pseudonymise import mark_names
from goodwork_pipeline.publishing.outbox import CHANNEL_FOLDERS, OVERVIEW
from goodwork_pipeline.publishing.publish import ASSETS
from goodwork_pipeline.testing.sample_beelden import ANNA, BRAM

EVERY_COMBINATION = [
    frozenset(combo)
    for size in range(len(Channel) + 1)
    for combo in itertools.combinations(list(Channel), size)
]


def expected_files(channels) -> set[str]:
    return {f"{CHANNEL_FOLDERS[a.channel]}/{a.name}" for a in ASSETS if a.channel in channels}


def test_every_asset_belongs_to_exactly_one_channel_folder() -> None:
    paths = [f"{CHANNEL_FOLDERS[a.channel]}/{a.name}" for a in ASSETS]
    assert len(paths) == len(set(paths))
    for asset in ASSETS:
        assert asset.channel in CHANNEL_FOLDERS


@pytest.mark.parametrize("channels", EVERY_COMBINATION, ids=lambda c: "+".join(sorted(c)) or "none")
def test_only_consented_channels_get_files(pipeline, channels) -> None:
    story_id = consented_story(pipeline, ANNA.beeld, ANNA.sidecar, channels=channels)
    folder = folder_of(pipeline, story_id)
    if not channels:
        assert folder is None
        return
    files = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()} - {
        "manifest.json"
    }
    assert files == expected_files(channels)
    assert {p.name for p in folder.iterdir() if p.is_dir()} == {
        CHANNEL_FOLDERS[c] for c in channels
    }
    manifest = json.loads((folder / "manifest.json").read_text())
    record = pipeline.store.consent_records(story_id)[-1]
    assert {e["path"] for e in manifest["files"]} == files
    for entry in manifest["files"]:
        assert sha256_file(folder / entry["path"]) == entry["sha256"]
        assert entry["channel"] in {c.value for c in channels}
        assert entry["path"].split("/")[0] == CHANNEL_FOLDERS[Channel(entry["channel"])]
        assert entry["consent_record"] == record.id
    assert manifest["consent"]["ledger_record"] == record.id
    texts = [folder / e["path"] for e in manifest["files"] if e["kind"] == "text"]
    for text in texts:  # a link only where there is a web page to link to
        assert ("[LINK]" in text.read_text()) == (Channel.WEBSITE in channels)


def test_manifest_describes_cards_texts_and_the_published_text(pipeline) -> None:
    story_id = consented_story(pipeline, ANNA.beeld, ANNA.sidecar, name_display=NameDisplay.FIRST)
    folder = folder_of(pipeline, story_id)
    manifest = json.loads((folder / "manifest.json").read_text())
    cards = [e for e in manifest["files"] if e["kind"] == "card"]
    assert {(c["width"], c["height"]) for c in cards} == {(1080, 1080), (1080, 1350), (1200, 627)}
    for card in cards:
        alt = (folder / card["path"].replace(".png", ".alt.txt")).read_text().strip()
        assert alt == card["alt_text"] and 0 < len(alt) <= 1000
    for text in (e for e in manifest["files"] if e["kind"] == "text"):
        assert text["length"] <= text["limit"]
    published = manifest["published_text"]
    assert published["approved_text_sha256"] == manifest["consent"]["text_sha256"]
    assert published["is_pseudonymised_approved_text"] is True
    assert published["stand_ins"] == ["mevrouw A"]  # 'Mevrouw Jansen' typed back in
    assert published["published_text_sha256"] != published["approved_text_sha256"]


def test_an_anonymous_story_names_the_participant_nowhere(pipeline) -> None:
    beeld = ANNA.beeld
    beeld = type(beeld)(
        title="Anna en de dochter van mevrouw Jansen",
        sections=beeld.sections,
        quote="Ik, Anna de Vries, leerde luisteren.",
        closing_question=beeld.closing_question,
    )
    story_id = consented_story(pipeline, beeld, ANNA.sidecar, name_display=NameDisplay.ROLE)
    folder = folder_of(pipeline, story_id)
    assert "anna" not in folder.name and "vries" not in folder.name
    outbox = pipeline.settings.outbox_dir
    assert find_names(folder, ["Anna", "Vries", "Anna de Vries", "Zorggroep De Linde"]) == []
    assert find_names(outbox / OVERVIEW, ["Anna", "Vries"]) == []
    text = (folder / "sociale-media" / "linkedin.txt").read_text()
    assert "de teammanager" in text.lower()  # the name became the role


def test_every_listed_name_is_gone_from_every_output(pipeline) -> None:
    sidecar = ANNA.sidecar  # lists 'Mevrouw Jansen'
    beeld = type(ANNA.beeld)(
        title="Mevrouw Jansen en Karel",
        sections=ANNA.beeld.sections,
        quote="Karel de Wit zei tegen mevrouw Jansen: we luisteren.",
        closing_question="Wat zou jij Karel zeggen?",
    )
    story_id = consented_story(pipeline, beeld, sidecar, publish=False)
    mark_names(pipeline.workspace.story(story_id).root, ["Karel de Wit"])
    assert pipeline.publish(story_id).ok
    assert pipeline.booklet(sidecar.group).ok
    outbox = pipeline.settings.outbox_dir
    names = ["Mevrouw Jansen", "Jansen", "Karel de Wit", "Karel", "De Wit"]
    assert find_names(outbox, names) == []
    folder = folder_of(pipeline, story_id)
    quote = (folder / "sociale-media" / "kaart-1080x1080.alt.txt").read_text()
    assert "Persoon B zei tegen mevrouw A: we luisteren." in quote


def test_withdrawal_removes_files_and_the_overview_entry(pipeline) -> None:
    anna = consented_story(pipeline, ANNA.beeld, ANNA.sidecar)
    bram = consented_story(pipeline, BRAM.beeld, BRAM.sidecar)
    overview = pipeline.settings.outbox_dir / OVERVIEW
    page = overview.read_text()
    assert anna in page and bram in page
    withdraw(pipeline, anna, [Channel.SOCIAL])
    assert not (folder_of(pipeline, anna) / "sociale-media").exists()
    assert (folder_of(pipeline, anna) / "website" / "beeld.pdf").exists()
    withdraw(pipeline, anna)
    assert folder_of(pipeline, anna) is None
    page = overview.read_text()
    assert anna not in page and bram in page


def test_a_changed_approved_text_without_new_consent_publishes_nothing(pipeline) -> None:
    story_id = consented_story(pipeline, ANNA.beeld, ANNA.sidecar)
    changed = type(ANNA.beeld)(
        title="Een andere titel", sections=ANNA.beeld.sections, quote=ANNA.beeld.quote
    )
    sha = pipeline.save_approved(story_id, changed)
    pipeline.store.update_story(story_id, approved_sha256=sha)
    assert pipeline.publish(story_id).ok
    assert folder_of(pipeline, story_id) is None
