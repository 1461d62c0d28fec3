"""Answers that may only shrink consent (answers.py), through real returned documents.

An earlier document sent again after a later one changed the decision (issue 11.3), an old
draft version after a newer one was made (12.4), a comment anywhere in the consent part
(12.2), and several answers of one story in one run (12.3): each may withdraw, and make the
name more private, but never grants. The documents are real drafts edited at the XML level
as Word stores them (docx_edits.py), read by the real reader.
"""

import json
import os
from pathlib import Path

import pytest
from docx_edits import Docx, W, edit, text_of
from helpers import drop, published_files

from goodwork_pipeline.consent.ledger import consent_for
from goodwork_pipeline.consent_wording import (
    APPROVE_LABEL,
    CHANNEL_BOXES,
    CONSENT_HEADING,
    NAME_BOXES,
)
from goodwork_pipeline.drafting.draft_document import DraftInfo, write_draft
from goodwork_pipeline.models import Beeld, Channel, NameDisplay, Section, Sentence
from goodwork_pipeline.review.answers import Answer, plan
from goodwork_pipeline.review.decision import Outcome, decide, interpret
from goodwork_pipeline.review.returned_document import read_document
from goodwork_pipeline.status import status_rows
from goodwork_pipeline.testing.samples import SAMPLE_SIDECAR, fill_in_as_participant

WEBSITE, SOCIAL = CHANNEL_BOXES[Channel.WEBSITE], CHANNEL_BOXES[Channel.SOCIAL]
GROUP = CHANNEL_BOXES[Channel.GROUP]
REPORT = os.environ.get("GWTEST_RELIABILITY_LOG")


def record(case: str, what: str, before: set[str], asked: set[str], after: set[str]) -> None:
    """A row for bench/RELIABILITY.md (written only once the test's checks held)."""
    if REPORT:
        row = {
            "kind": "doubtful",
            "case": case,
            "what": what,
            "consented before": ", ".join(sorted(before)) or "-",
            "the document ticks": ", ".join(sorted(asked)) or "-",
            "published after": ", ".join(sorted(after)) or "-",
            "granted from it": ", ".join(sorted(after - before)) or "nothing",
        }
        with open(REPORT, "a", encoding="utf-8") as log:
            log.write(json.dumps(row, ensure_ascii=False) + "\n")


@pytest.fixture
def story(pipeline, tone_wav):
    path = drop(pipeline.settings, tone_wav, "gesprek-anna.wav", sidecar=SAMPLE_SIDECAR)
    story_id = pipeline.receive(path).story_id
    assert pipeline.transcribe(story_id).ok and pipeline.draft(story_id).ok
    return pipeline.store.story(story_id)


def published(pipeline) -> set[str]:
    outbox = pipeline.settings.outbox_dir
    return {
        p.relative_to(outbox).parts[1]
        for p in published_files(outbox)
        if len(p.relative_to(outbox).parts) > 2
    }


def answer(pipeline, story, name: str, *, version: int | None = None, **choices) -> Path:
    version = version or pipeline.store.story(story.id).draft_version
    draft = pipeline.workspace.story(story.id).draft_docx(version)
    return fill_in_as_participant(draft, pipeline.settings.inbox_dir / name, **choices)


def again(path_bytes: bytes, pipeline, name: str) -> Path:
    target = pipeline.settings.inbox_dir / name
    target.write_bytes(path_bytes)
    return target


# 11.3: a re-sent earlier document ------------------------------------------------------------


def test_an_earlier_document_sent_again_withdraws_and_never_grants_again(pipeline, story):
    first = answer(pipeline, story, "concept-terug.docx", channels=[])  # approved, no channel
    first_bytes = first.read_bytes()
    assert pipeline.review(first).ok and published(pipeline) == set()
    second = answer(pipeline, story, "concept-terug-2.docx", channels=[Channel.WEBSITE])
    second_bytes = second.read_bytes()
    assert pipeline.review(second).ok and published(pipeline) == {"website"}

    result = pipeline.review(again(first_bytes, pipeline, "concept-terug (1).docx"))
    assert not result.ok and published(pipeline) == set()
    assert "eerder document" in result.message_nl and "Ingetrokken: de website" in result.message_nl
    [row], _ = status_rows(pipeline.store, pipeline.settings)
    assert "eerder document" in row.last_message and "Ingetrokken" in row.last_message

    # the website document sent again after that withdrawal publishes nothing
    result = pipeline.review(again(second_bytes, pipeline, "kopie.docx"))
    assert not result.ok and published(pipeline) == set()
    assert consent_for(pipeline.store, story.id) is None
    # and the same file twice in a row changes nothing
    records = len(pipeline.store.consent_records(story.id))
    result = pipeline.review(again(second_bytes, pipeline, "kopie (2).docx"))
    assert result.ok and "al eerder gelezen" in result.message_nl
    assert len(pipeline.store.consent_records(story.id)) == records
    record(
        "resent-earlier-document",
        "the 'approve only' answer sent again after a website answer; then the website one",
        {"website"},
        {"website"},
        published(pipeline),
    )


# 12.4: an old draft version ------------------------------------------------------------------


def test_an_old_version_withdraws_what_it_unticks_and_grants_nothing(pipeline, story):
    assert pipeline.review(
        answer(pipeline, story, "v1.docx", channels=[Channel.WEBSITE, Channel.SOCIAL])
    ).ok
    assert published(pipeline) == {"website", "sociale-media"}
    assert pipeline.redraft(story.id, force=True).ok  # version 2 exists now

    old = answer(pipeline, story, "v1-opnieuw.docx", version=1, channels=[Channel.WEBSITE])
    result = pipeline.review(old)
    assert not result.ok and "oude versie" in result.message_nl
    assert "Ingetrokken: LinkedIn" in result.message_nl
    assert published(pipeline) == {"website"}

    more = answer(
        pipeline, story, "v1-meer.docx", version=1, channels=[Channel.WEBSITE, Channel.GROUP]
    )
    assert not pipeline.review(more).ok
    assert published(pipeline) == {"website"}  # an old version never grants

    private = answer(
        pipeline,
        story,
        "v1-geen-naam.docx",
        version=1,
        channels=[Channel.WEBSITE],
        name_display=NameDisplay.ROLE,
    )
    assert not pipeline.review(private).ok
    current = consent_for(pipeline.store, story.id)
    assert current.channels == {Channel.WEBSITE} and current.name_display == NameDisplay.ROLE
    record(
        "old-version",
        "version 1 returned after version 2 was made: LinkedIn unticked, then group ticked",
        {"website", "sociale-media"},
        {"website", "groepsgesprek"},
        published(pipeline),
    )


# 12.2: comments anywhere in the consent part --------------------------------------------------

BEELD_INFO = DraftInfo(story_id="GW-ABCD1234", version=1, programme="Beelden van Goed Werk")


BEELD = Beeld(
    title="Luisteren naar wat iemand wil",
    sections=(
        Section("wie", "Wie ik ben", (Sentence("Ik ben teammanager.", 1.0, 3.0, (0,)),)),
        Section("puzzel", "De puzzel", (Sentence("Een bewoner wilde niet meer eten."),)),
    ),
    quote="Goed werk is dat je echt luistert.",
    closing_question="Wat is jouw beeld van goed werk?",
)


@pytest.fixture
def draft(tmp_path: Path) -> tuple[Path, Beeld]:
    return write_draft(BEELD, BEELD_INFO, tmp_path / "draft.docx"), BEELD


def _ticked(d: Docx) -> None:
    for label in (APPROVE_LABEL, WEBSITE, SOCIAL):
        d.tick_content_control(label)


COMMENTS = {
    "on the box itself": lambda d: d.add_comment_at(SOCIAL, "NEE, niet op LinkedIn!", on="box"),
    "an empty range in a label": lambda d: d.add_comment_at(SOCIAL, "nee", on="empty"),
    "no range at all": lambda d: d.add_comment_at(SOCIAL, "nee", on="point"),
    "on the heading": lambda d: d.add_comment(CONSENT_HEADING, "Waarom dit?"),
    "on a label": lambda d: d.add_comment(NAME_BOXES[NameDisplay.FIRST], "liever niet"),
    "no range on the name line": lambda d: d.add_comment_at("Naam:", "later", on="point"),
}


@pytest.mark.parametrize("where", COMMENTS)
def test_a_comment_anywhere_in_the_consent_part_blocks_new_consent(draft, tmp_path, where):
    path, beeld = draft
    returned_path = edit(path, tmp_path / "terug.docx", _ticked, COMMENTS[where])
    returned = interpret(read_document(returned_path), beeld, read_document(path))
    decision = decide(returned, current_version=1, file_name="terug.docx")
    assert decision.outcome == Outcome.WORDING_CHANGED, where
    assert not decision.accepts_consent


def test_a_comment_in_the_beeld_still_lets_consent_through(draft, tmp_path):
    path, beeld = draft
    returned_path = edit(
        path,
        tmp_path / "terug.docx",
        _ticked,
        lambda d: d.add_comment_at("Ik ben teammanager.", "klopt", on="point"),
    )
    returned = interpret(read_document(returned_path), beeld, read_document(path))
    assert decide(returned, current_version=1, file_name="x").outcome == Outcome.APPROVED
    assert returned.comments and not returned.consent_comments


def test_a_comment_on_a_ticked_box_grants_nothing_but_unticked_boxes_withdraw(pipeline, story):
    assert pipeline.review(
        answer(pipeline, story, "een.docx", channels=[Channel.WEBSITE, Channel.GROUP])
    ).ok
    draft = pipeline.draft_outbox_path(story.id, 1)

    def answered(d: Docx) -> None:
        for label in (APPROVE_LABEL, WEBSITE, SOCIAL, NAME_BOXES[NameDisplay.FIRST]):
            d.tick_content_control(label)
        d.add_comment_at(SOCIAL, "NEE, niet op LinkedIn!", on="box")

    result = pipeline.review(edit(draft, pipeline.settings.inbox_dir / "twee.docx", answered))
    assert not result.ok and "NEE, niet op LinkedIn!" in result.message_nl
    assert published(pipeline) == {"website"}  # social not granted, group withdrawn
    record(
        "comment-on-a-box",
        "LinkedIn ticked with a Word comment on the box itself ('NEE, niet op LinkedIn!')",
        {"website", "groepsgesprek"},
        {"website", "sociale-media"},
        published(pipeline),
    )


# 12.3: several answers in one run -----------------------------------------------------------


def test_answers_of_one_run_are_ordered_by_when_they_were_saved(tmp_path):
    def made(name: str, saved: str | None, mtime: float, says: object) -> Answer:
        from goodwork_pipeline.review.answers import saved_time

        return Answer(tmp_path / name, "GW-X", saved_time(saved), mtime, (says,))

    later_by_name = made("a.docx", "2026-03-20T11:00:00Z", 1.0, "role only")
    earlier = made("b.docx", "2026-03-20T10:00:00Z", 2.0, "linkedin")
    order = plan([later_by_name, earlier])
    assert [p.name for p, _ in order] == ["b.docx", "a.docx"]
    assert order[0][1].kind == "superseded" and order[1][1].kind == "disagreeing"
    # no saved time: the file's time; the same answer twice: no doubt at all
    same = [made("x.docx", None, 5.0, "ja"), made("y.docx", None, 4.0, "ja")]
    assert [(p.name, d) for p, d in plan(same)] == [("y.docx", None), ("x.docx", None)]


def test_two_disagreeing_answers_in_one_run_grant_nothing_new(pipeline, story, run_flow):
    first = answer(pipeline, story, "eerste.docx", channels=[Channel.WEBSITE, Channel.SOCIAL])
    assert pipeline.review(first).ok
    assert published(pipeline) == {"website", "sociale-media"}
    draft = pipeline.draft_outbox_path(story.id, 1)

    def saved(when: str, *labels: str):
        def change(d: Docx) -> None:
            for label in labels:
                d.tick_content_control(label)
            d.set_saved(when)

        return change

    inbox = pipeline.settings.inbox_dir
    name = f"{story.id}-v1"
    earlier = edit(
        draft,
        inbox / f"{name}.docx",
        saved(
            "2026-03-20T10:00:00Z",
            APPROVE_LABEL,
            WEBSITE,
            SOCIAL,
            GROUP,
            NAME_BOXES[NameDisplay.FIRST],
        ),
    )
    later = edit(
        draft,
        inbox / f"{name} (1).docx",  # sorts first by name
        saved("2026-03-20T11:00:00Z", APPROVE_LABEL, WEBSITE, NAME_BOXES[NameDisplay.ROLE]),
    )
    os.utime(earlier, (1_700_000_000, 1_700_000_000))  # the file times say the opposite
    os.utime(later, (1_600_000_000, 1_600_000_000))
    results = run_flow(pipeline)
    messages = " ".join(r.message_nl for r in results if r.story_id == story.id)
    assert later.name in messages and earlier.name in messages and "tegenspreken" in messages
    current = consent_for(pipeline.store, story.id)
    # nothing new (group), social withdrawn by the latest, its 'role only' honoured
    assert current.channels == {Channel.WEBSITE} and current.name_display == NameDisplay.ROLE
    assert published(pipeline) == {"website"}
    record(
        "two-answers-one-run",
        "two answers in one run, the later-saved one sorting first by name (fewer channels, "
        "role only)",
        {"website", "sociale-media"},
        {"website", "sociale-media", "groepsgesprek"},
        published(pipeline),
    )


# Small things seen on the way -------------------------------------------------------------


def test_consent_for_version_0_is_refused(pipeline, story) -> None:
    from click.testing import CliRunner

    from flows.cli import cli
    from goodwork_pipeline.results import StepResult

    refused = pipeline.text_for_consent(story.id, 0)
    assert isinstance(refused, StepResult) and not refused.ok
    assert "versions 1 to 1" in refused.message
    folder = str(pipeline.settings.base_dir)
    args = [
        "-C",
        folder,
        "consent",
        story.id,
        "--channels",
        "website",
        "--by",
        "Sam",
        "--version",
        "0",
    ]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2 and "'--version'" in result.output, result.output
    assert "0 is not in the range x>=1" in result.output
    assert pipeline.store.consent_records(story.id) == []


def test_an_emptied_title_falls_back_to_a_suggestion_and_staff_are_told(pipeline, story):
    draft = pipeline.draft_beeld(story.id, 1)
    path = answer(pipeline, story, "zonder-titel.docx", channels=[Channel.WEBSITE])
    document = Docx(path)
    paragraphs = document.paragraphs()
    heading = next(i for i, p in enumerate(paragraphs) if text_of(p).strip() == "Titel")
    title = next(p for p in paragraphs[heading + 1 :] if text_of(p).strip())
    assert text_of(title).strip() == draft.title
    for t in title.iter(f"{W}t"):
        t.text = ""
    document.save(path)
    assert pipeline.review(path).ok
    current = consent_for(pipeline.store, story.id)
    approved = pipeline.approved_beeld(story.id, current.text_sha256)
    assert approved.title and approved.title == (draft.title_suggestions or (draft.title,))[0]
    [folder] = [p for p in pipeline.settings.outbox_dir.iterdir() if (p / "manifest.json").exists()]
    assert not folder.name.endswith("-beeld")
    markdown = (folder / "website" / "beeld.md").read_text(encoding="utf-8")
    assert "title: ''" not in markdown and 'title: ""' not in markdown
    event = next(e for e in reversed(pipeline.store.events(story.id)) if "report" in e.detail)
    report = (pipeline.workspace.root / event.detail["report"]).read_text(encoding="utf-8")
    assert "titel is leeggemaakt" in report and approved.title in report


def test_staff_cannot_mark_the_participants_own_name_as_a_third_party(pipeline, story) -> None:
    result = pipeline.pseudonymise(story.id, ["Karel", "mevrouw anna de vries"])
    assert not result.ok and "deelnemer zelf" in result.message_nl
    from goodwork_pipeline.privacy.pseudonymise import staff_names

    assert staff_names(pipeline.workspace.story(story.id).root) == []
