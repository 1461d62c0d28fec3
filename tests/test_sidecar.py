import datetime as dt
from pathlib import Path

import pytest

from goodwork_pipeline.errors import SidecarError
from goodwork_pipeline.intake.sidecar import read_sidecar, sidecar_for
from goodwork_pipeline.testing.samples import SAMPLE_SIDECAR


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "gesprek.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_full_sidecar(tmp_path: Path) -> None:
    sidecar = read_sidecar(write(tmp_path, SAMPLE_SIDECAR))
    assert sidecar.participant == "Anna de Vries"
    assert sidecar.date == dt.date(2026, 3, 12)
    assert sidecar.speakers == {"left": "interviewer", "right": "participant"}
    assert sidecar.vocabulary == ("ouderenzorg", "teammanager")


def test_all_keys_optional(tmp_path: Path) -> None:
    assert read_sidecar(write(tmp_path, "")).participant is None
    assert read_sidecar(None).participant is None


def test_sidecar_is_found_next_to_the_recording(tmp_path: Path) -> None:
    recording = tmp_path / "gesprek.m4a"
    recording.write_bytes(b"x")
    assert sidecar_for(recording) is None
    write(tmp_path, "role: coach\n")
    assert sidecar_for(recording) == tmp_path / "gesprek.yaml"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("participant: Anna\nleeftijd: 40\n", "leeftijd"),
        ("participant: [Anna, Bob]\n", "'participant'"),
        ("date: gisteren\n", "'date'"),
        ("pseudonymise: {Bob: B}\n", "'pseudonymise'"),
        ("speakers: [links, rechts]\n", "'speakers'"),
        ("language: Nederlands\n", "'language'"),
        ("- een\n- lijst\n", "key: value"),
    ],
)
def test_wrong_keys_and_types_name_the_file_and_key(
    tmp_path: Path, text: str, fragment: str
) -> None:
    with pytest.raises(SidecarError) as error:
        read_sidecar(write(tmp_path, text))
    assert "gesprek.yaml" in str(error.value)
    assert fragment in str(error.value)
    assert "gesprek.yaml" in error.value.nl


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    with pytest.raises(SidecarError, match="line 2"):
        read_sidecar(write(tmp_path, "participant: Anna\nrole: [coach\n"))
