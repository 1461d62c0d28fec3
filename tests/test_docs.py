"""The README keeps up with the code: every command and every setting is documented."""

import re
from pathlib import Path

from flows.cli import cli
from goodwork_pipeline.settings import SETTING_NAMES

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_command_is_in_the_readme() -> None:
    for command in cli.commands:
        assert re.search(rf"goodwork (-C \S+ )?{command}\b", README), command


def test_every_setting_is_in_the_settings_table() -> None:
    documented = set(re.findall(r"^\| `(\w+)` \|", README, flags=re.MULTILINE))
    assert documented == set(SETTING_NAMES)


def test_the_two_commands_exist_and_ci_runs_the_test_command() -> None:
    for script in ("scripts/demo", "scripts/check"):
        assert f"\n{script}\n" in README
        assert (ROOT / script).stat().st_mode & 0o111
    assert "scripts/check" in (ROOT / ".ci" / "run").read_text()


def test_every_template_is_used() -> None:
    templates = ROOT / "templates"
    code = "\n".join(p.read_text() for p in (ROOT / "goodwork_pipeline").rglob("*.py"))
    # a partial (name starting with '_') counts as used when a template includes it
    includes = "\n".join(p.read_text() for p in templates.rglob("*.j2"))
    for template in templates.rglob("*"):
        if template.suffix in (".j2", ".yaml"):
            used = code + includes if template.name.startswith("_") else code
            assert template.name in used, f"{template.name} is not used by the engine"
