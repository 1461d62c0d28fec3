import importlib.util
from pathlib import Path

import pytest

from goodwork_pipeline.errors import SettingsError
from goodwork_pipeline.settings import SETTING_NAMES, bundled_templates_dir, load_settings


def test_defaults_are_relative_to_the_programme_folder(tmp_path: Path) -> None:
    settings = load_settings(tmp_path, environ={})
    assert settings.inbox_dir == tmp_path / "inbox"
    assert settings.outbox_dir == tmp_path / "outbox"
    assert settings.workspace_dir == tmp_path / "workspace"
    assert settings.templates_dir == bundled_templates_dir()
    assert settings.language == "nl"
    assert settings.model == "base"
    assert settings.database_url == f"sqlite:///{tmp_path / 'workspace' / 'goodwork.sqlite'}"


def test_toml_then_environment_then_overrides(tmp_path: Path) -> None:
    (tmp_path / "goodwork.toml").write_text(
        'inbox = "binnen"\nlanguage = "en"\nthreads = 3\nprogramme = "Test"\n', encoding="utf-8"
    )
    settings = load_settings(tmp_path, environ={"GOODWORK_LANGUAGE": "de", "GOODWORK_THREADS": "4"})
    assert settings.inbox_dir == tmp_path / "binnen"
    assert settings.language == "de"
    assert settings.threads == 4
    assert settings.programme == "Test"
    assert load_settings(tmp_path, environ={}, threads=1).threads == 1


def test_local_templates_folder(tmp_path: Path) -> None:
    (tmp_path / "goodwork.toml").write_text('templates = "mijn-templates"\n', encoding="utf-8")
    assert load_settings(tmp_path, environ={}).templates_dir == tmp_path / "mijn-templates"


def test_unknown_toml_key_names_the_file_and_the_known_keys(tmp_path: Path) -> None:
    (tmp_path / "goodwork.toml").write_text('inboks = "x"\n', encoding="utf-8")
    with pytest.raises(SettingsError) as error:
        load_settings(tmp_path, environ={})
    assert "goodwork.toml" in str(error.value)
    assert "inboks" in str(error.value)
    assert "inbox" in str(error.value)


def test_broken_toml_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "goodwork.toml").write_text("inbox = \n", encoding="utf-8")
    with pytest.raises(SettingsError, match="not valid TOML"):
        load_settings(tmp_path, environ={})


def test_unknown_environment_variable_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="GOODWORK_MODLE"):
        load_settings(tmp_path, environ={"GOODWORK_MODLE": "small"})


def test_invalid_value_says_which_setting(tmp_path: Path) -> None:
    with pytest.raises(SettingsError) as error:
        load_settings(tmp_path, environ={"GOODWORK_THREADS": "veel"})
    assert "threads" in str(error.value)
    assert "GOODWORK_THREADS" in str(error.value)


def test_every_setting_has_a_description() -> None:
    from goodwork_pipeline.settings import Settings

    for name in SETTING_NAMES:
        assert Settings.model_fields[name].description, name


@pytest.mark.parametrize("url", ["garbage", "nosuchdb://x/y", "postgresql+nosuchdriver://h/db"])
def test_a_database_url_sqlalchemy_cannot_use_is_a_settings_error(tmp_path: Path, url) -> None:
    with pytest.raises(SettingsError, match=r"'database' .*not a database URL") as caught:
        load_settings(tmp_path, environ={"GOODWORK_DATABASE": url + "-geheim"})
    assert "geheim" not in str(caught.value)  # a URL may hold a password: never repeated
    good = "postgresql+psycopg://goodwork:geheim@dbhost/goodwork"
    assert load_settings(tmp_path, environ={"GOODWORK_DATABASE": good}).database == good
    assert load_settings(tmp_path, environ={"GOODWORK_DATABASE": " "}).database is None


def test_a_database_driver_that_is_not_installed_is_named(tmp_path: Path) -> None:
    if importlib.util.find_spec("pymysql") is not None:
        pytest.skip("pymysql is installed here")
    with pytest.raises(SettingsError, match=r"driver for 'mysql\+pymysql' is not installed"):
        load_settings(tmp_path, environ={"GOODWORK_DATABASE": "mysql+pymysql://h/db"})


@pytest.mark.parametrize(
    ("toml", "says"),
    [
        ('outbox = "inbox"', "'outbox' (/P/inbox) is the same folder as 'inbox'"),
        ('workspace = "inbox"', "'workspace' (/P/inbox) is the same folder as 'inbox'"),
        ('workspace = "outbox"', "'workspace' (/P/outbox) is the same folder as 'outbox'"),
        ('outbox = "inbox/out"', "'outbox' (/P/inbox/out) lies inside 'inbox'"),
        ('inbox = "workspace/binnen"', "'inbox' (/P/workspace/binnen) lies inside 'workspace'"),
        ('inbox = "."', "'outbox' (/P/outbox) lies inside 'inbox'"),
        ('outbox = "./inbox/../inbox"', "is the same folder as 'inbox'"),
    ],
    ids=["outbox=inbox", "workspace=inbox", "workspace=outbox", "outbox-in-inbox",
         "inbox-in-workspace", "inbox=programme", "dotdot"],
)  # fmt: skip
def test_folders_that_overlap_are_refused(tmp_path: Path, toml: str, says: str) -> None:
    (tmp_path / "goodwork.toml").write_text(toml + "\n", encoding="utf-8")
    with pytest.raises(SettingsError) as error:
        load_settings(tmp_path, environ={})
    message = str(error.value).replace(str(tmp_path), "/P")
    assert says in message, message
    assert "three separate folders" in message


def test_a_link_to_the_inbox_is_the_inbox(tmp_path: Path) -> None:
    (tmp_path / "inbox").mkdir()
    (tmp_path / "uit").symlink_to(tmp_path / "inbox", target_is_directory=True)
    with pytest.raises(SettingsError, match=r"'outbox' .*uit.* is the same folder as 'inbox'"):
        load_settings(tmp_path, environ={"GOODWORK_OUTBOX": "uit"})


def test_separate_folders_side_by_side_are_fine(tmp_path: Path) -> None:
    (tmp_path / "goodwork.toml").write_text(
        'inbox = "inbox"\noutbox = "inbox-uit"\nworkspace = "../elders/werk"\n', encoding="utf-8"
    )
    settings = load_settings(tmp_path, environ={})
    assert settings.outbox_dir == tmp_path / "inbox-uit"  # a name that starts alike: fine
