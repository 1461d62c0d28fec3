import shutil
from pathlib import Path

import pytest

from goodwork_pipeline.errors import ModelError
from goodwork_pipeline.files import sha256_file
from goodwork_pipeline.transcription.whisper_model import (
    BUNDLED_SHA256,
    _package_data_dirs,
    bundled_model_dir,
    resolve_model,
)


def test_bundled_model_is_assembled_and_verified(model_cache: Path) -> None:
    folder = bundled_model_dir(model_cache)
    assert sha256_file(folder / "model.bin") == BUNDLED_SHA256
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        assert (folder / name).is_file()


def test_corrupt_model_packages_fail_loudly(tmp_path: Path) -> None:
    part1, part2 = _package_data_dirs()
    copy1, copy2 = tmp_path / "p1", tmp_path / "p2"
    shutil.copytree(part1, copy1)
    shutil.copytree(part2, copy2)
    with (copy2 / "model.bin.part2").open("r+b") as handle:
        handle.seek(1000)
        handle.write(b"\x00corrupt\x00")
    with pytest.raises(ModelError, match="failed its checksum"):
        bundled_model_dir(tmp_path / "cache", sources=(copy1, copy2))
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").glob("*/model.bin"))


def test_corrupt_cache_is_rebuilt_never_loaded(tmp_path: Path, model_cache: Path, caplog) -> None:
    cache = tmp_path / "cache"
    shutil.copytree(bundled_model_dir(model_cache), cache / bundled_model_dir(model_cache).name)
    damaged = bundled_model_dir(cache) / "model.bin"
    with damaged.open("r+b") as handle:
        handle.seek(5000)
        handle.write(b"bitrot")
    folder = bundled_model_dir(cache)
    assert sha256_file(folder / "model.bin") == BUNDLED_SHA256
    assert "corrupt" in caplog.text


def test_local_folder_and_names(tmp_path: Path) -> None:
    (tmp_path / "mijn-model").mkdir()
    with pytest.raises(ModelError, match=r"missing: model\.bin"):
        resolve_model("mijn-model", base_dir=tmp_path, cache_dir=tmp_path)
    (tmp_path / "mijn-model" / "model.bin").write_bytes(b"x")
    (tmp_path / "mijn-model" / "config.json").write_text("{}")
    # Without tokenizer.json faster-whisper would fetch one from the internet.
    with pytest.raises(ModelError, match=r"missing: tokenizer\.json, vocabulary\.txt or "):
        resolve_model("mijn-model", base_dir=tmp_path, cache_dir=tmp_path)
    (tmp_path / "mijn-model" / "tokenizer.json").write_text("{}")
    (tmp_path / "mijn-model" / "vocabulary.json").write_text("[]")
    local = resolve_model("mijn-model", base_dir=tmp_path, cache_dir=tmp_path)
    assert local.path_or_name == str(tmp_path / "mijn-model") and not local.download
    named = resolve_model("large-v3", base_dir=tmp_path, cache_dir=tmp_path)
    assert named.download and named.path_or_name == "large-v3"


def transcriber_for(model: str, folder: Path):
    from goodwork_pipeline.settings import load_settings
    from goodwork_pipeline.transcription.engine import FasterWhisperTranscriber

    settings = load_settings(folder, environ={}, model=model, model_cache=folder / "cache")
    return FasterWhisperTranscriber.from_settings(settings)


def test_an_unreachable_model_says_base_works_offline_and_how_to_use_a_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Offline (here: the Hub switched off, never a real download), a model name that needs
    downloading is a ModelError with what to do, not huggingface_hub's traceback."""
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    engine = transcriber_for("large-v3-turbo", tmp_path)
    with pytest.raises(ModelError) as caught:
        engine._whisper()
    message = str(caught.value)
    assert "'large-v3-turbo' could not be downloaded" in message
    assert "'base' works offline" in message and "set 'model' to that folder" in message
    with pytest.raises(ModelError, match="Unknown Whisper model name 'reusachtig'"):
        transcriber_for("reusachtig", tmp_path)._whisper()


def test_a_damaged_model_folder_says_model_bin_is_damaged(tmp_path: Path) -> None:
    folder = tmp_path / "kapot-model"
    folder.mkdir()
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        (folder / name).write_text("{}")
    (folder / "model.bin").write_bytes(b"\x00" * 10)
    with pytest.raises(ModelError, match=r"could not be loaded .*model\.bin is damaged"):
        transcriber_for(str(folder), tmp_path)._whisper()
