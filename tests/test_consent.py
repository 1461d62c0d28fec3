import datetime as dt

from goodwork_pipeline.consent.ledger import DECLINE, GRANT, WITHDRAW, current_consent
from goodwork_pipeline.models import Channel, ConsentRecord, NameDisplay

TEXT = "t" * 64
OTHER = "o" * 64


def record(n: int, action: str, channels=(), text=TEXT) -> ConsentRecord:
    return ConsentRecord(
        id=n,
        story_id="GW-TEST0000",
        at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=n),
        action=action,
        channels=frozenset(channels),
        name_display=NameDisplay.FIRST if action == GRANT else None,
        text_sha256=text if action == GRANT else None,
        wording_version="nl-2026.1",
        actor="p",
        source="document",
    )


def test_default_is_deny() -> None:
    assert current_consent([], TEXT) is None
    assert current_consent([record(1, GRANT, [])], TEXT) is None


def test_grant_allows_exactly_its_channels_for_its_text() -> None:
    consent = current_consent([record(1, GRANT, [Channel.WEBSITE])], TEXT)
    assert consent is not None
    assert consent.allows(Channel.WEBSITE, TEXT)
    assert not consent.allows(Channel.SOCIAL, TEXT)
    assert not consent.allows(Channel.WEBSITE, OTHER)


def test_changed_text_voids_consent_until_given_again() -> None:
    history = [record(1, GRANT, [Channel.WEBSITE], text=TEXT)]
    assert current_consent(history, OTHER) is None
    history.append(record(2, GRANT, [Channel.SOCIAL], text=OTHER))
    consent = current_consent(history, OTHER)
    assert consent is not None and consent.channels == {Channel.SOCIAL}


def test_withdrawal_of_some_or_all_channels() -> None:
    history = [record(1, GRANT, [Channel.WEBSITE, Channel.SOCIAL])]
    history.append(record(2, WITHDRAW, [Channel.SOCIAL]))
    consent = current_consent(history, TEXT)
    assert consent is not None and consent.channels == {Channel.WEBSITE}
    history.append(record(3, WITHDRAW, []))
    assert current_consent(history, TEXT) is None


def test_decline_wipes_earlier_grants() -> None:
    history = [record(1, GRANT, [Channel.WEBSITE]), record(2, DECLINE)]
    assert current_consent(history, TEXT) is None
