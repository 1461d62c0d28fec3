"""The draft as an e-mail: a ready-to-send .eml, and SMTP only when an operator configures it.

SMTP is tested against a real local server (aiosmtpd) started by the test on 127.0.0.1.
"""

import socket
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from helpers import drop

from goodwork_pipeline.models import State
from goodwork_pipeline.pipeline import Pipeline
from goodwork_pipeline.settings import load_settings
from goodwork_pipeline.testing.samples import SAMPLE_SIDECAR

SIDECAR = SAMPLE_SIDECAR + "email: anna.devries@example.org\n"


class Collect:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    handler = Collect()
    with socket.socket() as probe:  # a free port on the loopback address
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield controller, handler
    finally:
        controller.stop()


def drafted(pipeline: Pipeline, tone_wav: Path, sidecar: str = SIDECAR) -> str:
    path = drop(pipeline.settings, tone_wav, "gesprek-anna.wav", sidecar=sidecar)
    story_id = pipeline.receive(path).story_id
    assert pipeline.transcribe(story_id).ok
    assert pipeline.draft(story_id).ok
    return story_id


def with_settings(pipeline: Pipeline, **overrides) -> Pipeline:
    settings = load_settings(
        pipeline.settings.base_dir,
        environ={},
        settle_seconds=0,
        model_cache=pipeline.settings.model_cache,
        **overrides,
    )
    return Pipeline(
        settings,
        store=pipeline.store,
        transcriber=pipeline.transcriber,
        clock=pipeline.clock,
        source="test",
    )


def test_a_ready_to_send_eml_lies_next_to_each_draft(pipeline, tone_wav) -> None:
    story_id = drafted(pipeline, tone_wav)
    draft = pipeline.draft_outbox_path(story_id, 1)
    eml = draft.with_suffix(".eml")
    assert eml.is_file()
    message = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert message["To"] == "anna.devries@example.org"
    assert story_id in message["Subject"] and message["X-Unsent"] == "1"
    body = message.get_body(("plain",)).get_content()
    assert body.startswith("Beste Anna,")
    assert "12 maart 2026" in body and "Niets wordt gedeeld zonder jouw ja" in body
    assert f"code {story_id}" in body and "Sam" in body
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename().endswith(".docx")
    assert attachment.get_content() == draft.read_bytes()


def test_no_address_still_gives_an_eml_to_fill_in(pipeline, tone_wav) -> None:
    story_id = drafted(pipeline, tone_wav, sidecar="participant: Bob\n")
    message = message_from_bytes(
        pipeline.draft_mail_path(story_id, 1).read_bytes(), policy=policy.default
    )
    assert message["To"] is None and "Beste Bob," in message.get_body(("plain",)).get_content()


def test_nothing_is_sent_unless_configured(pipeline, tone_wav, smtp_server) -> None:
    _controller, handler = smtp_server
    story_id = drafted(pipeline, tone_wav)
    result = pipeline.send_draft(story_id, by="Sam")
    assert not result.ok and "geen mailserver" in result.message_nl
    assert f"goodwork sent {story_id}" in result.message_nl
    assert handler.messages == []
    assert pipeline.store.story(story_id).state == State.DRAFTED


def test_sending_through_a_configured_smtp_server(pipeline, tone_wav, smtp_server) -> None:
    controller, handler = smtp_server
    story_id = drafted(pipeline, tone_wav)
    configured = with_settings(
        pipeline,
        smtp_host="127.0.0.1",
        smtp_port=controller.port,
        smtp_security="none",
        mail_from="Goed Werk <goedwerk@example.org>",
    )
    result = configured.send_draft(story_id, by="Sam")
    assert result.ok, result.message
    [(sender, recipients, content)] = handler.messages
    assert sender == "goedwerk@example.org" and recipients == ["anna.devries@example.org"]
    message = message_from_bytes(content, policy=policy.default)
    assert message["X-Unsent"] is None and message["Message-ID"]
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content() == pipeline.draft_outbox_path(story_id, 1).read_bytes()
    story = pipeline.store.story(story_id)
    assert story.state == State.IN_REVIEW
    assert "gemaild" in pipeline.store.last_event(story_id).message_nl


def test_an_unreachable_server_is_a_clear_error_and_changes_nothing(pipeline, tone_wav) -> None:
    story_id = drafted(pipeline, tone_wav)
    configured = with_settings(
        pipeline, smtp_host="127.0.0.1", smtp_port=9, smtp_security="none", mail_from="a@b.nl"
    )
    refused = configured.send_draft(story_id, by="Sam")
    assert not refused.ok and "failed" in refused.message
    assert ".eml" in refused.message_nl
    assert pipeline.store.story(story_id).state == State.DRAFTED


def test_staff_can_mark_a_draft_sent_by_hand(pipeline, tone_wav) -> None:
    story_id = drafted(pipeline, tone_wav)
    result = pipeline.mark_sent(story_id, by="Sam", note="vanuit mijn eigen mailbox")
    assert result.ok and pipeline.store.story(story_id).state == State.IN_REVIEW


def test_the_password_is_never_shown(tmp_path) -> None:
    settings = load_settings(tmp_path, environ={"GOODWORK_SMTP_PASSWORD": "geheim123"})
    assert settings.smtp_password.get_secret_value() == "geheim123"
    assert "geheim123" not in str(settings.smtp_password) and "geheim123" not in repr(settings)
