"""The review page's engine, fast: corrections applied, saved as a new version, the server's
guard and range requests (Starlette's TestClient), the 'checked' step in status and send."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import docx
import httpx
import numpy as np
import pytest
from audio_samples import encode
from click.testing import CliRunner
from helpers import SCRIPT, drop
from starlette.testclient import TestClient

from flows.cli import cli
from goodwork_pipeline.drafting.interviewer_check import current_check
from goodwork_pipeline.errors import EditError, StaleDraftError
from goodwork_pipeline.models import Segment, State, Word
from goodwork_pipeline.review_page import ReviewSession, apply_edit, make_app, parse_edit
from goodwork_pipeline.review_page.page import unsure_words
from goodwork_pipeline.review_page.playable import playable
from goodwork_pipeline.review_page.server import Lifetime
from goodwork_pipeline.settings import load_settings
from goodwork_pipeline.status import status_rows, story_markdown
from goodwork_pipeline.store import retention
from goodwork_pipeline.testing.samples import SAMPLE_SIDECAR

PORT = 48_123
ORIGIN = f"http://127.0.0.1:{PORT}"


@pytest.fixture
def drafted(pipeline, tone_wav) -> str:
    """A story drafted from the scripted interview (fast: a fake transcriber)."""
    path = drop(pipeline.settings, tone_wav, "gesprek-anna.wav", sidecar=SAMPLE_SIDECAR)
    story_id = pipeline.receive(path).story_id
    assert pipeline.transcribe(story_id).ok and pipeline.draft(story_id).ok
    return story_id


def base_json(pipeline, story_id: str, version: int = 1) -> dict:
    path = pipeline.workspace.story(story_id).draft_beeld(version)
    return json.loads(path.read_text(encoding="utf-8"))


def layout(base: dict, **texts: str) -> dict:
    """The page's save request for an unchanged version (texts by ref to change)."""
    return {
        "base_version": base["version"],
        "title": base["title"],
        "quote": base["quote"],
        "sections": [
            {
                "key": s["key"],
                "sentences": [
                    {"ref": f"{s['key']}/{i}", "text": texts.get(f"{s['key']}/{i}", x["text"])}
                    for i, x in enumerate(s["sentences"])
                ],
            }
            for s in base["sections"]
        ],
    }


def filled(base: dict) -> tuple[dict, dict]:
    full = [s for s in base["sections"] if s["sentences"]]
    return full[0], full[1]


# Applying corrections ----------------------------------------------------------------------


def test_edit_keeps_sources_moves_removes_and_adds(pipeline, drafted) -> None:
    session = ReviewSession(pipeline, drafted, by="Sam")
    base = base_json(pipeline, drafted)
    one, two = filled(base)
    request = layout(base)
    sections = {s["key"]: s for s in request["sections"]}
    moved = sections[two["key"]]["sentences"].pop(0)
    sections[one["key"]]["sentences"].append(moved)
    sections[one["key"]]["sentences"].pop(0)  # removed
    spoken = session.spoken()
    left_out = next(i for i, u in enumerate(spoken) if u.role == "participant")
    sections[two["key"]]["sentences"].append({"add": left_out, "text": "Weggelaten zin."})
    request["title"] = "Luisteren naar de bewoner"

    edited = apply_edit(base, spoken, parse_edit(request))

    assert sorted(c.kind for c in edited.changes) == ["add", "move", "remove", "title"]
    [removal] = edited.removed
    assert removal == (one["key"], {k: v for k, v in one["sentences"][0].items() if k != "text"})
    keys = [s.key for s in edited.beeld.sections]
    new_one = edited.sources[keys.index(one["key"])]
    original = two["sentences"][0]
    assert new_one[-1]["start"] == original["start"]
    assert new_one[-1]["segment_ids"] == original["segment_ids"]
    added = edited.sources[keys.index(two["key"])][-1]
    assert added["start"] == spoken[left_out].start
    assert added["spoken"] == spoken[left_out].text and added["score"] is None
    assert edited.beeld.title == "Luisteren naar de bewoner"
    assert edited.beeld.closing_question == base["closing_question"]


def test_a_corrected_sentence_keeps_its_time_and_segments(pipeline, drafted) -> None:
    base = base_json(pipeline, drafted)
    one, _two = filled(base)
    ref = f"{one['key']}/0"
    edited = apply_edit(base, [], parse_edit(layout(base, **{ref: "  Nieuwe   tekst. "})))
    [change] = edited.changes
    assert (change.kind, change.before, change.after) == (
        "text",
        one["sentences"][0]["text"],
        "Nieuwe tekst.",
    )
    source = edited.sources[[s["key"] for s in base["sections"]].index(one["key"])][0]
    for key in ("start", "end", "segment_ids", "spoken", "why"):
        assert source[key] == one["sentences"][0][key]
    assert source["drafted_text"] == one["sentences"][0]["text"] and source["edited"]


@pytest.mark.parametrize(
    "change",
    [
        lambda r: r["sections"].pop(),  # a section missing
        lambda r: r["sections"][0]["sentences"].append({"ref": "nope/9", "text": "x"}),
        lambda r: r["sections"][0]["sentences"].append({"add": 10_000, "text": "x"}),
        lambda r: r.update(title="   "),
        lambda r: r.update(base_version="1"),
        lambda r: r["sections"][0]["sentences"].append({"text": "neither ref nor add"}),
    ],
)
def test_a_malformed_correction_is_refused_with_a_message(pipeline, drafted, change) -> None:
    base = base_json(pipeline, drafted)
    request = layout(base)
    change(request)
    with pytest.raises(EditError) as raised:
        apply_edit(base, [], parse_edit(request))
    assert raised.value.nl


def test_the_interviewers_words_cannot_be_added(pipeline, drafted) -> None:
    session = ReviewSession(pipeline, drafted, by="Sam")
    base = base_json(pipeline, drafted)
    spoken = session.spoken()
    question = next(i for i, u in enumerate(spoken) if u.role == "interviewer")
    request = layout(base)
    request["sections"][0]["sentences"].append({"add": question, "text": spoken[question].text})
    with pytest.raises(EditError) as raised:
        apply_edit(base, spoken, parse_edit(request))
    assert "deelnemer" in raised.value.nl


def test_the_same_sentence_twice_is_refused(pipeline, drafted) -> None:
    base = base_json(pipeline, drafted)
    request = layout(base)
    section = next(s for s in request["sections"] if s["sentences"])
    section["sentences"].append(dict(section["sentences"][0]))
    with pytest.raises(EditError):
        apply_edit(base, [], parse_edit(request))


def test_unsure_words_are_those_below_the_threshold_inside_the_sentence() -> None:
    words = (
        Word(0.0, 0.4, "Ik", 0.95),
        Word(0.4, 0.9, "twijfelde", 0.31),
        Word(0.9, 1.4, "écht.", 0.2),
        Word(2.0, 2.5, "Daarna", 0.1),  # outside the sentence's span
    )
    segment = Segment(3, 0.0, 2.5, "Ik twijfelde écht. Daarna", words=words)
    sentence = {"start": 0.0, "end": 1.4, "segment_ids": [3]}
    assert [(w["word"], w["probability"]) for w in unsure_words(sentence, {3: segment})] == [
        ("twijfelde", 0.31),
        ("echt", 0.2),
    ]


# Saving through the draft writer -------------------------------------------------------------


def test_saving_makes_a_new_version_with_history_and_keeps_the_old(pipeline, drafted) -> None:
    session = ReviewSession(pipeline, drafted, by="Sam")
    base = base_json(pipeline, drafted)
    one, _two = filled(base)
    outcome = session.save(parse_edit(layout(base, **{f"{one['key']}/0": "Dit klopt nu."})))
    assert outcome.ok and outcome.version == 2 and outcome.changes == 1
    story = pipeline.store.story(drafted)
    assert story.state == State.DRAFTED and story.draft_version == 2
    files = pipeline.workspace.story(drafted)
    assert files.draft_docx(1).is_file()
    text = "\n".join(p.text for p in docx.Document(str(files.draft_docx(2))).paragraphs)
    assert "Dit klopt nu." in text
    outbox = sorted(p.name for p in (pipeline.settings.outbox_dir / "concepten").iterdir())
    assert outbox == [f"{drafted}-v2.docx", f"{drafted}-v2.eml"]
    v2 = base_json(pipeline, drafted, 2)
    assert v2["review"]["from_version"] == 1 and v2["review"]["by"] == "Sam"
    [edit] = [e for e in pipeline.store.events(drafted) if e.kind == "review_edit"]
    assert edit.actor == "Sam" and "Dit klopt nu." in edit.message_nl
    assert "Dit klopt nu." not in edit.message  # operators' text names no participant words
    last_state = pipeline.store.last_event(drafted, "state")
    assert last_state.actor == "Sam" and last_state.detail["from_version"] == 1
    # nothing changed: no new version
    again = session.save(parse_edit(layout(base_json(pipeline, drafted, 2))))
    assert again.ok and again.version == 2 and again.changes == 0


def test_a_page_on_an_older_version_cannot_overwrite_a_newer_one(pipeline, drafted) -> None:
    session = ReviewSession(pipeline, drafted, by="Sam")
    base = base_json(pipeline, drafted)
    assert pipeline.redraft(drafted).ok  # someone made v2 meanwhile
    with pytest.raises(StaleDraftError):
        session.save(parse_edit(layout(base, **{f"{filled(base)[0]['key']}/0": "Oud."})))
    assert pipeline.store.story(drafted).draft_version == 2


def test_a_sent_draft_is_not_changed_in_place(pipeline, drafted) -> None:
    pipeline.mark_sent(drafted, by="Sam")
    session = ReviewSession(pipeline, drafted, by="Sam")
    assert any("al naar de deelnemer gestuurd" in n for n in session.page()["notices"])
    base = base_json(pipeline, drafted)
    outcome = session.save(parse_edit(layout(base, **{f"{filled(base)[0]['key']}/0": "Nieuw."})))
    assert outcome.version == 2 and "de deelnemer heeft nog versie 1" in outcome.warnings_nl[0]
    assert pipeline.workspace.story(drafted).draft_docx(1).is_file()
    assert pipeline.store.story(drafted).state == State.DRAFTED


def test_an_answered_draft_is_not_changed_here(pipeline, drafted) -> None:
    pipeline.store.transition(drafted, State.APPROVED, actor="t", source="test", message="ok")
    session = ReviewSession(pipeline, drafted, by="Sam")
    assert session.page()["editable"] is False
    with pytest.raises(StaleDraftError):
        session.save(parse_edit(layout(base_json(pipeline, drafted))))


# Checked by the interviewer --------------------------------------------------------------------


def test_checking_is_a_step_in_status_and_can_be_required_before_send(pipeline, drafted) -> None:
    settings = pipeline.settings.model_copy(update={"require_review_before_send": True})
    pipeline.settings = settings
    [row], _ = status_rows(pipeline.store, settings)
    assert f"goodwork review {drafted}" in row.next_step and row.state == "concept klaar"
    assert "nee (nodig voor versturen)" in story_markdown(pipeline.store, settings, drafted)
    refused = pipeline.mark_sent(drafted, by="Sam")
    assert not refused.ok and "goodwork review" in refused.message_nl
    assert pipeline.store.story(drafted).state == State.DRAFTED

    session = ReviewSession(pipeline, drafted, by="Sam")
    assert session.mark_ready(1).checked
    [row], _ = status_rows(pipeline.store, settings)
    assert row.state == "concept klaar, gecontroleerd" and "gecontroleerd door Sam" in row.next_step
    assert "ja: versie 1, door Sam" in story_markdown(pipeline.store, settings, drafted)
    # a newer version is not checked until it is marked again
    base = base_json(pipeline, drafted)
    session.save(parse_edit(layout(base, **{f"{filled(base)[0]['key']}/0": "Anders."})))
    assert current_check(pipeline.store, pipeline.store.story(drafted)) is None
    assert not pipeline.mark_sent(drafted, by="Sam").ok
    request = {**layout(base_json(pipeline, drafted, 2)), "ready": True}
    assert session.save(parse_edit(request), ready=True).checked
    assert pipeline.mark_sent(drafted, by="Sam").ok


def test_checking_is_optional_by_default(pipeline, drafted, tmp_path) -> None:
    assert pipeline.settings.require_review_before_send is False
    assert pipeline.mark_sent(drafted, by="Sam").ok
    on = {"GOODWORK_REQUIRE_REVIEW_BEFORE_SEND": "true"}
    assert load_settings(tmp_path, environ=on).require_review_before_send is True
    (tmp_path / "goodwork.toml").write_text("require_review_before_send = true\n")
    assert load_settings(tmp_path, environ={}).require_review_before_send is True


# The server: guard, range requests, lifetime ---------------------------------------------------


@pytest.fixture
def client(pipeline, drafted):
    lifetime = Lifetime(idle_seconds=600)
    session = ReviewSession(pipeline, drafted, by="Sam")
    app = make_app(session, token="geheim-token", port_of=lambda: PORT, lifetime=lifetime)
    with TestClient(app, base_url=ORIGIN) as test_client:
        yield test_client, lifetime


def test_only_this_page_from_this_machine_with_the_token_gets_in(client) -> None:
    test_client, lifetime = client
    good = "/r/geheim-token/"
    assert test_client.get(good).status_code == 200
    assert test_client.get(f"{good}api/draft").json()["draft"]["version"] == 1
    assert test_client.get(f"{good}api/alive").status_code == 204
    assert test_client.get("/").status_code == 403
    assert test_client.get("/r/geheim-tokeX/").status_code == 403
    assert test_client.get(good, headers={"Host": f"evil.example:{PORT}"}).status_code == 403
    assert test_client.get(good, headers={"Origin": "http://evil.example"}).status_code == 403
    assert test_client.get(good, headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert test_client.post(f"{good}api/close", json={}).status_code == 403  # no Origin
    assert not lifetime.closed.is_set()
    answer = test_client.post(f"{good}api/close", json={}, headers={"Origin": ORIGIN})
    assert answer.status_code == 200 and lifetime.closed.is_set()
    assert lifetime.over() == "closed"
    headers = test_client.get(good).headers
    assert (
        headers["cache-control"] == "no-store"
        and "default-src 'self'" in headers["content-security-policy"]
    )


def test_the_recording_is_served_in_ranges(client, pipeline, drafted) -> None:
    test_client, _lifetime = client
    original = pipeline.workspace.story(drafted).original()
    data = original.read_bytes()
    answer = test_client.get("/r/geheim-token/api/audio", headers={"Range": "bytes=100-299"})
    assert answer.status_code == 206
    assert answer.headers["content-range"] == f"bytes 100-299/{len(data)}"
    assert answer.content == data[100:300]
    assert answer.headers["content-type"] == "audio/wav"
    whole = test_client.get("/r/geheim-token/api/audio")
    assert whole.status_code == 200 and whole.content == data
    beyond = test_client.get(
        "/r/geheim-token/api/audio", headers={"Range": f"bytes={len(data) + 10}-"}
    )
    assert beyond.status_code == 416


def test_a_save_from_the_page_and_a_stale_one(client, pipeline, drafted) -> None:
    test_client, _lifetime = client
    base = base_json(pipeline, drafted)
    request = layout(base, **{f"{filled(base)[0]['key']}/0": "Via de pagina."})
    url, origin = "/r/geheim-token/api/save", {"Origin": ORIGIN}
    answer = test_client.post(url, json=request, headers=origin)
    assert answer.status_code == 200 and answer.json()["version"] == 2
    stale = test_client.post(url, json=request, headers=origin)
    assert stale.status_code == 409 and "nieuwere versie" in stale.json()["error"]
    broken = test_client.post(url, content=b"{not json", headers=origin)
    assert broken.status_code == 400


def test_the_server_stops_after_the_page_left_unless_it_comes_back() -> None:
    now = [0.0]
    lifetime = Lifetime(idle_seconds=60, clock=lambda: now[0])
    lifetime.leaving()
    now[0] = 3
    lifetime.seen()  # a reload
    now[0] = 30
    assert lifetime.over() is None
    lifetime.leaving()
    now[0] = 40
    assert lifetime.over() == "page closed"
    lifetime.seen()
    now[0] = 101
    assert lifetime.over() == "idle"


# The recording for the browser -----------------------------------------------------------------


def test_a_recording_browsers_cannot_play_is_decoded_into_the_private_cache(
    pipeline, tmp_path
) -> None:
    t = np.arange(16000 * 2) / 16000
    original = encode(tmp_path / "gesprek.m4a", 0.3 * np.sin(2 * np.pi * 220 * t))
    cache = pipeline.workspace.story("GW-TEST0001").review_cache_dir
    served = playable(original, cache)
    assert served.decoded and served.media_type == "audio/ogg" and served.path.parent == cache
    assert served.path.is_relative_to(pipeline.settings.workspace_dir)
    assert playable(original, cache).path == served.path  # decoded once
    wav = tmp_path / "gesprek.wav"
    encode(wav, 0.3 * np.sin(2 * np.pi * 220 * t))
    assert playable(wav, cache).path == wav


def test_retention_deletes_the_decoded_copy_with_the_original(pipeline, drafted, clock) -> None:
    files = pipeline.workspace.story(drafted)
    files.review_cache_dir.mkdir()
    (files.review_cache_dir / "x.ogg").write_bytes(b"audio")
    pipeline.store.transition(drafted, State.APPROVED, actor="t", source="test", message="ok")
    clock.advance(days=pipeline.settings.keep_recordings_days + 1)
    [deletion] = retention.purge(pipeline.store, pipeline.settings, clock)
    assert files.review_cache_dir in deletion.paths and not files.review_cache_dir.exists()


# The command -------------------------------------------------------------------------------------


def test_review_of_a_story_without_a_draft_says_so(pipeline, tone_wav) -> None:
    path = drop(pipeline.settings, tone_wav, "gesprek.wav")
    story_id = pipeline.receive(path).story_id
    result = CliRunner().invoke(
        cli, ["-C", str(pipeline.settings.base_dir), "review", story_id, "--no-browser"]
    )
    assert result.exit_code == 1 and "nog geen concept" in result.output


def test_goodwork_review_prints_the_address_and_stops_when_asked(pipeline, drafted) -> None:
    folder = pipeline.settings.base_dir
    command = [sys.executable, "-m", "flows.cli", "-C", str(folder), "review", drafted]
    process = subprocess.Popen(
        [*command, "--no-browser", "--by", "Sam"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "GOODWORK_MODEL_CACHE": str(pipeline.settings.model_cache)},
    )
    try:
        url = ""
        deadline = time.monotonic() + 60
        while not url.startswith("http://127.0.0.1:") and time.monotonic() < deadline:
            url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:") and "/r/" in url, process.stderr.read()
        origin = url.split("/r/")[0]
        assert httpx.get(url).status_code == 200
        assert httpx.post(f"{url}api/close", json={}, headers={"Origin": origin}).status_code == 200
        assert process.wait(timeout=20) == 0
        assert "gestopt: gesloten op de pagina" in process.stdout.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_sidecar_speaker_labels_in_the_transcript_view(pipeline, drafted) -> None:
    page = ReviewSession(pipeline, drafted, by="Sam").page()
    roles = {turn["role"] for turn in page["transcript"]}
    assert roles == {"interviewer", "participant"}
    speakers = {turn["speaker"] for turn in page["transcript"]}
    assert speakers == {"Interviewer (Sam)", "Deelnemer (Anna de Vries)"}
    placed = [s for t in page["transcript"] for s in t["sentences"] if s["in_draft"]]
    assert len(placed) >= 3


def test_a_story_from_a_meeting_transcript_has_no_recording_to_play(pipeline) -> None:
    lines = [
        f"{'Sam' if who == 'interviewer' else 'Anna de Vries'}: {text}" for who, text in SCRIPT
    ]
    path = pipeline.settings.inbox_dir / "gesprek.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path.with_suffix(".yaml").write_text(
        "interviewer: Sam\nparticipant: Anna de Vries\n", encoding="utf-8"
    )
    story_id = pipeline.receive_transcript(path).story_id
    assert pipeline.draft(story_id).ok
    session = ReviewSession(pipeline, story_id, by="Sam")
    page = session.page()
    assert page["audio"] is False and any("geen opname" in n for n in page["notices"])
    assert session.recording() is None


def test_a_draft_write_that_breaks_is_recorded_once_with_its_step(pipeline, tone_wav) -> None:
    path = drop(pipeline.settings, tone_wav, "gesprek-anna.wav", sidecar=SAMPLE_SIDECAR)
    story_id = pipeline.receive(path).story_id
    assert pipeline.transcribe(story_id).ok
    (pipeline.settings.outbox_dir / "concepten").write_text("not a folder")  # a broken outbox
    with pytest.raises(OSError):
        pipeline.draft(story_id)
    failures = [e for e in pipeline.store.events(story_id) if e.state == State.FAILED]
    assert len(failures) == 1 and pipeline.failed_in(story_id) == State.TRANSCRIBED
