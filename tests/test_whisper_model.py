import shutil
from pathlib import Path

import pytest

from goodwork_pipeline.errors import ModelError
from goodwork_pipeline.files import sha256_file
from goodwork_pipeline.whisper_model import (
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
    local = resolve_model("mijn-model", base_dir=tmp_path, cache_dir=tmp_path)
    assert local.path_or_name == str(tmp_path / "mijn-model") and not local.download
    named = resolve_model("large-v3", base_dir=tmp_path, cache_dir=tmp_path)
    assert named.download and named.path_or_name == "large-v3"
