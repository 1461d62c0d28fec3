"""Safe when shared: the Prefect API guard, the database password, a private workspace.

The Prefect API guard decides from the URL alone. Remote URLs here use names under
``.invalid`` (RFC 2606: never resolves), and name resolution is made to fail loudly in the
refusal tests, so they show that nothing is looked up and no traffic leaves the machine.
The authenticated server itself is tested in ``test_prefect_auth.py``.
"""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import drop

from flows.api_guard import check_api, is_loopback_host, require_safe_api
from flows.cli import cli
from goodwork_pipeline.errors import SettingsError
from goodwork_pipeline.pipeline import Pipeline
from goodwork_pipeline.settings import load_settings
from goodwork_pipeline.store.repository import Store
from goodwork_pipeline.testing.samples import SAMPLE_SIDECAR

REMOTE = "http://prefect.invalid:4200/api"
GOODWORK = str(Path(sys.executable).parent / "goodwork")


@pytest.fixture
def no_name_lookups(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the guard looked a name up: it must decide from the URL alone")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "gethostbyname", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture
def remote_api(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PREFECT_API_AUTH_STRING", "PREFECT_API_KEY", "GOODWORK_INSECURE_API"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PREFECT_API_URL", REMOTE)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.42.0.9", True),
        ("localhost", True),
        ("LOCALHOST.", True),
        ("prefect.localhost", True),
        ("[::1]", True),
        ("::1", True),
        ("0.0.0.0", False),  # every interface: reachable from the network
        ("10.0.0.5", False),
        ("192.168.1.20", False),
        ("prefect.invalid", False),
        ("localhost.example.org", False),
        ("127.0.0.1.nip.io", False),  # a name, which could resolve anywhere
        ("", False),
    ],
)
def test_loopback_is_decided_from_the_url_alone(host: str, loopback: bool, no_name_lookups) -> None:
    assert is_loopback_host(host) is loopback


def test_what_is_safe() -> None:
    assert check_api(None, None, None).safe  # embedded: no server at all
    assert check_api("http://127.0.0.1:4200/api", None, None).safe
    assert not check_api(REMOTE, None, None).safe
    assert check_api(REMOTE, "admin:s3cret", None).safe
    assert check_api("https://api.prefect.cloud/api/accounts/x", None, "pnu_key").safe
    # allowed, but the secret would cross the network readable: a warning, not a refusal
    assert check_api(REMOTE, "admin:s3cret", None).secret_in_clear
    assert not check_api("https://prefect.invalid/api", "admin:s3cret", None).secret_in_clear


def test_an_unauthenticated_remote_api_is_refused_before_any_connection(
    remote_api, no_name_lookups, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(SettingsError, match="PREFECT_API_AUTH_STRING") as refused:
        require_safe_api()
    assert REMOTE in str(refused.value) and "--insecure-api" in str(refused.value)
    assert require_safe_api(insecure=True).url == REMOTE
    monkeypatch.setenv("PREFECT_API_AUTH_STRING", "admin:s3cret")
    assert require_safe_api().authenticated


def _outcome(result) -> tuple[int, str]:
    """Exit code and text as the real command gives them: ``main()`` turns a SettingsError
    raised inside the click group into its message and exit 2."""
    if isinstance(result.exception, SettingsError):
        return 2, str(result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


@pytest.mark.parametrize(
    "command",
    [
        ["run"],
        ["watch"],
        ["serve"],
        ["retry", "GW-7K3QM2XD"],
        ["consent", "GW-7K3QM2XD", "--channels", "website", "--name", "first", "--by", "Sam"],
        ["withdraw", "GW-7K3QM2XD", "--by", "Sam"],
        ["booklet"],
    ],
)
def test_commands_that_reach_prefect_refuse_an_unsafe_api(
    command: list[str], tmp_path: Path, remote_api, no_name_lookups
) -> None:
    code, output = _outcome(
        CliRunner().invoke(cli, ["-C", str(tmp_path), *command], env={"COLUMNS": "200"})
    )
    assert code == 2, output
    assert "Refusing to use the Prefect API at http://prefect.invalid:4200/api" in output
    assert not (tmp_path / "workspace").exists()  # refused before anything was done


def test_reading_commands_still_answer_and_say_what_they_see(tmp_path: Path, remote_api) -> None:
    shown = CliRunner().invoke(cli, ["-C", str(tmp_path), "settings"], env={"COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    assert "another machine, NOT authenticated" in shown.output
    status = CliRunner().invoke(cli, ["-C", str(tmp_path), "status"], env={"COLUMNS": "200"})
    assert status.exit_code == 0, status.output


def test_a_flow_refuses_an_unsafe_api_too(tmp_path: Path, remote_api, no_name_lookups) -> None:
    """A worker pointed at an unauthenticated remote server records nothing."""
    from flows._prefect_env import flow_settings

    with pytest.raises(SettingsError, match="Refusing to use the Prefect API"):
        flow_settings(str(tmp_path))


def test_the_real_command_refuses_with_a_message_not_a_traceback(tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "GOODWORK_"))},
        "HOME": str(tmp_path),
        "PREFECT_HOME": str(tmp_path / "prefect"),
        "PREFECT_API_URL": REMOTE,
    }
    done = subprocess.run(
        [GOODWORK, "-C", str(tmp_path), "watch"], capture_output=True, text=True, env=env
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Refusing to use the Prefect API" in done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    allowed = subprocess.run(
        [GOODWORK, "--insecure-api", "-C", str(tmp_path), "settings"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert allowed.returncode == 0, allowed.stderr


# The database password -----------------------------------------------------------------


def test_the_database_password_is_never_shown(tmp_path: Path) -> None:
    secret_file = tmp_path / "db-password"
    secret_file.write_text("from-the-file-9\n")
    secret_file.chmod(0o600)
    env = {"GOODWORK_DATABASE_URL": "postgresql+psycopg://goodwork:in-the-url-7@db.invalid/gw"}
    settings = load_settings(tmp_path, environ=env)
    assert settings.database_url == "postgresql+psycopg://goodwork:in-the-url-7@db.invalid/gw"
    assert "in-the-url-7" not in str(settings.shown("database"))
    (tmp_path / "goodwork.toml").write_text(
        'database = "postgresql+psycopg://goodwork@db.invalid/gw"\n'
        f'database_password_file = "{secret_file}"\n'
    )
    settings = load_settings(tmp_path, environ={})
    assert settings.database_url == "postgresql+psycopg://goodwork:from-the-file-9@db.invalid/gw"
    for environ in ({}, env):
        shown = CliRunner().invoke(
            cli, ["-C", str(tmp_path), "settings"], env={"COLUMNS": "300", **environ}
        )
        assert shown.exit_code == 0, shown.output
        assert "from-the-file-9" not in shown.output and "in-the-url-7" not in shown.output
    with pytest.raises(SettingsError, match="keep one"):
        load_settings(tmp_path, environ={**env, "GOODWORK_DATABASE": "sqlite:///x.db"})


def test_an_unreadable_password_file_says_so(tmp_path: Path) -> None:
    (tmp_path / "goodwork.toml").write_text(
        'database = "postgresql+psycopg://goodwork@db.invalid/gw"\n'
        'database_password_file = "geheim/ontbreekt"\n'
    )
    with pytest.raises(SettingsError, match=r"database_password_file .*geheim/ontbreekt"):
        _ = load_settings(tmp_path, environ={}).database_url


@pytest.mark.postgres
def test_the_store_logs_in_with_the_password_from_its_file(tmp_path: Path, postgres_server) -> None:
    """A role that must give its password (scram-sha-256), as a real server would ask."""
    import psycopg

    admin = dict(host="127.0.0.1", port=postgres_server.port, user=postgres_server.user)
    with psycopg.connect(**admin, dbname="postgres", autocommit=True) as conn:
        conn.execute("CREATE ROLE gw_pw LOGIN PASSWORD 'juist-wachtwoord'")
        conn.execute("CREATE DATABASE gw_pw OWNER gw_pw")
        hba = Path(conn.execute("SHOW hba_file").fetchone()[0])
        hba.write_text("host all gw_pw 127.0.0.1/32 scram-sha-256\n" + hba.read_text())
        conn.execute("SELECT pg_reload_conf()")
    url = f"postgresql+psycopg://gw_pw@127.0.0.1:{postgres_server.port}/gw_pw"
    password = tmp_path / "db-password"
    (tmp_path / "goodwork.toml").write_text(
        f'database = "{url}"\ndatabase_password_file = "{password}"\n'
    )
    password.write_text("fout\n")
    with pytest.raises(Exception, match="password authentication failed"):
        Store(load_settings(tmp_path, environ={}).database_url).close()
    password.write_text("juist-wachtwoord\n")
    store = Store(load_settings(tmp_path, environ={}).database_url)
    assert store.stories() == []  # logged in, the schema made
    store.close()


# A private workspace -------------------------------------------------------------------


def _modes(root: Path) -> dict[str, int]:
    return {
        str(path.relative_to(root)): stat.S_IMODE(path.stat().st_mode)
        for path in [root, *root.rglob("*")]
    }


def test_a_new_workspace_is_for_its_owner_only(
    tmp_path: Path, scripted, model_cache, tone_wav: Path
) -> None:
    folder = tmp_path / "programma"
    (folder / "inbox").mkdir(parents=True)
    settings = load_settings(folder, environ={}, settle_seconds=0, model_cache=model_cache)
    pipeline = Pipeline(settings, transcriber=scripted, source="test")
    path = drop(settings, tone_wav, "gesprek.wav")
    story = pipeline.receive(path).story_id
    assert pipeline.transcribe(story).ok and pipeline.draft(story).ok
    pipeline.store.close()

    modes = _modes(settings.workspace_dir)
    assert "goodwork.sqlite" in modes and any(name.endswith("v1.docx") for name in modes)
    wrong = {
        name: oct(mode)
        for name, mode in modes.items()
        if mode != (0o700 if (settings.workspace_dir / name).is_dir() else 0o600)
    }
    assert wrong == {}
    # what communications staff and the participant get stays readable
    drafts = list((settings.outbox_dir / "concepten").glob("*.docx"))
    assert drafts and all(stat.S_IMODE(p.stat().st_mode) == 0o644 for p in drafts)


def test_status_warns_when_the_workspace_is_open_to_others(pipeline, tone_wav: Path) -> None:
    settings = pipeline.settings
    pipeline.receive(drop(settings, tone_wav, "gesprek.wav", SAMPLE_SIDECAR))
    settings.workspace_dir.chmod(0o755)
    result = CliRunner().invoke(
        cli, ["-C", str(settings.base_dir), "status"], env={"COLUMNS": "300"}
    )
    assert "leesbaar voor andere gebruikers" in result.output
    assert f"chmod -R go-rwx {settings.workspace_dir}" in result.output
    settings.workspace_dir.chmod(0o700)
    quiet = CliRunner().invoke(
        cli, ["-C", str(settings.base_dir), "status"], env={"COLUMNS": "300"}
    )
    assert "leesbaar voor andere" not in quiet.output
