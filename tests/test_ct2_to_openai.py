"""Reading CTranslate2's model.bin and mapping it to openai-whisper's names, checked against
models written by CTranslate2's own serializer (numpy only; no PyTorch needed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from goodwork_pipeline.errors import ModelError
from goodwork_pipeline.transcription.engines.ct2_to_openai import (
    alignment_heads_dump,
    openai_dimensions,
    openai_state_dict,
    read_ct2_model,
)
from goodwork_pipeline.transcription.whisper_model import bundled_model_dir

D, HEADS, MELS, AUDIO_CTX, TEXT_CTX, VOCAB = 8, 2, 4, 6, 5, 11


def _tiny_whisper(folder: Path, *, quantization: str = "float16", layers: int = 2) -> dict:
    """A random Whisper written by CTranslate2's own spec classes; returns the parts we set."""
    from ctranslate2.specs import whisper_spec  # imports PyTorch when installed: load it late

    rng = np.random.default_rng(7)

    def r(*shape: int) -> np.ndarray:
        return rng.standard_normal(shape).astype(np.float32)

    parts: dict[str, np.ndarray] = {}
    spec = whisper_spec.WhisperSpec(layers, HEADS, layers, HEADS)
    enc, dec = spec.encoder, spec.decoder

    def linear(target, name: str, rows: int, cols: int) -> None:
        parts[f"{name}.w"], parts[f"{name}.b"] = r(rows, cols), r(rows)
        target.weight, target.bias = parts[f"{name}.w"], parts[f"{name}.b"]

    def norm(target, name: str) -> None:
        parts[f"{name}.g"], parts[f"{name}.b"] = r(D), r(D)
        target.gamma, target.beta = parts[f"{name}.g"], parts[f"{name}.b"]

    def fused(target, name: str, projections: str) -> None:
        weights, biases = [], []
        for p in projections:
            parts[f"{name}.{p}.w"] = r(D, D)
            weights.append(parts[f"{name}.{p}.w"])
            # Transformers' Whisper has no key bias; the converter fuses in zeros.
            parts[f"{name}.{p}.b"] = np.zeros(D, np.float32) if p == "k" else r(D)
            biases.append(parts[f"{name}.{p}.b"])
        target.weight, target.bias = np.concatenate(weights), np.concatenate(biases)

    parts["conv1.w"], parts["conv1.b"] = r(D, MELS, 3), r(D)
    enc.conv1.weight, enc.conv1.bias = parts["conv1.w"], parts["conv1.b"]
    parts["conv2.w"], parts["conv2.b"] = r(D, D, 3), r(D)
    enc.conv2.weight, enc.conv2.bias = parts["conv2.w"], parts["conv2.b"]
    parts["enc.pos"] = enc.position_encodings.encodings = r(AUDIO_CTX, D)
    norm(enc.layer_norm, "enc.ln")
    for i, layer in enumerate(enc.layer):
        norm(layer.self_attention.layer_norm, f"enc{i}.attn_ln")
        fused(layer.self_attention.linear[0], f"enc{i}.attn", "qkv")
        linear(layer.self_attention.linear[1], f"enc{i}.out", D, D)
        norm(layer.ffn.layer_norm, f"enc{i}.mlp_ln")
        linear(layer.ffn.linear_0, f"enc{i}.fc1", 4 * D, D)
        linear(layer.ffn.linear_1, f"enc{i}.fc2", D, 4 * D)
    parts["emb"] = dec.embeddings.weight = r(VOCAB, D)
    dec.projection.weight = parts["emb"]  # tied, as in every Whisper
    parts["dec.pos"] = dec.position_encodings.encodings = r(TEXT_CTX, D)
    norm(dec.layer_norm, "dec.ln")
    for i, layer in enumerate(dec.layer):
        norm(layer.self_attention.layer_norm, f"dec{i}.attn_ln")
        fused(layer.self_attention.linear[0], f"dec{i}.attn", "qkv")
        linear(layer.self_attention.linear[1], f"dec{i}.out", D, D)
        norm(layer.attention.layer_norm, f"dec{i}.cross_ln")
        linear(layer.attention.linear[0], f"dec{i}.cross.q", D, D)
        fused(layer.attention.linear[1], f"dec{i}.cross", "kv")
        linear(layer.attention.linear[2], f"dec{i}.cross_out", D, D)
        norm(layer.ffn.layer_norm, f"dec{i}.mlp_ln")
        linear(layer.ffn.linear_0, f"dec{i}.fc1", 4 * D, D)
        linear(layer.ffn.linear_1, f"dec{i}.fc2", D, 4 * D)
    spec.register_vocabulary([f"t{i}" for i in range(VOCAB)])
    spec.validate()
    spec.optimize(quantization=quantization)
    folder.mkdir(parents=True, exist_ok=True)
    spec.save(str(folder))
    return parts


def _as(value: np.ndarray, dtype: str) -> np.ndarray:
    return value.astype(np.float16) if dtype == "float16" else value


@pytest.mark.parametrize("dtype", ["float16", "float32"])
def test_every_tensor_lands_where_openai_whisper_expects_it(tmp_path: Path, dtype: str) -> None:
    parts = _tiny_whisper(tmp_path, quantization=dtype)
    model = read_ct2_model(tmp_path / "model.bin")
    assert (model.spec, model.revision) == ("WhisperSpec", 3)
    assert model.aliases == {"decoder/projection/weight": "decoder/embeddings/weight"}
    assert openai_dimensions(model) == {
        "n_mels": MELS,
        "n_audio_ctx": AUDIO_CTX,
        "n_audio_state": D,
        "n_audio_head": HEADS,
        "n_audio_layer": 2,
        "n_vocab": VOCAB,
        "n_text_ctx": TEXT_CTX,
        "n_text_state": D,
        "n_text_head": HEADS,
        "n_text_layer": 2,
    }
    state = openai_state_dict(model)
    expected = {
        "encoder.conv1.weight": parts["conv1.w"],
        "encoder.conv1.bias": parts["conv1.b"],
        "encoder.conv2.weight": parts["conv2.w"],
        "encoder.conv2.bias": parts["conv2.b"],
        "encoder.positional_embedding": parts["enc.pos"],
        "encoder.ln_post.weight": parts["enc.ln.g"],
        "encoder.ln_post.bias": parts["enc.ln.b"],
        "decoder.token_embedding.weight": parts["emb"],
        "decoder.positional_embedding": parts["dec.pos"],
        "decoder.ln.weight": parts["dec.ln.g"],
        "decoder.ln.bias": parts["dec.ln.b"],
    }
    for i in range(2):
        for stack, short in (("encoder", "enc"), ("decoder", "dec")):
            block, src = f"{stack}.blocks.{i}", f"{short}{i}"
            expected |= {
                f"{block}.attn_ln.weight": parts[f"{src}.attn_ln.g"],
                f"{block}.attn_ln.bias": parts[f"{src}.attn_ln.b"],
                f"{block}.attn.query.weight": parts[f"{src}.attn.q.w"],
                f"{block}.attn.query.bias": parts[f"{src}.attn.q.b"],
                f"{block}.attn.key.weight": parts[f"{src}.attn.k.w"],
                f"{block}.attn.value.weight": parts[f"{src}.attn.v.w"],
                f"{block}.attn.value.bias": parts[f"{src}.attn.v.b"],
                f"{block}.attn.out.weight": parts[f"{src}.out.w"],
                f"{block}.attn.out.bias": parts[f"{src}.out.b"],
                f"{block}.mlp_ln.weight": parts[f"{src}.mlp_ln.g"],
                f"{block}.mlp_ln.bias": parts[f"{src}.mlp_ln.b"],
                f"{block}.mlp.0.weight": parts[f"{src}.fc1.w"],
                f"{block}.mlp.0.bias": parts[f"{src}.fc1.b"],
                f"{block}.mlp.2.weight": parts[f"{src}.fc2.w"],
                f"{block}.mlp.2.bias": parts[f"{src}.fc2.b"],
            }
        block, src = f"decoder.blocks.{i}", f"dec{i}"
        expected |= {
            f"{block}.cross_attn_ln.weight": parts[f"{src}.cross_ln.g"],
            f"{block}.cross_attn_ln.bias": parts[f"{src}.cross_ln.b"],
            f"{block}.cross_attn.query.weight": parts[f"{src}.cross.q.w"],
            f"{block}.cross_attn.query.bias": parts[f"{src}.cross.q.b"],
            f"{block}.cross_attn.key.weight": parts[f"{src}.cross.k.w"],
            f"{block}.cross_attn.value.weight": parts[f"{src}.cross.v.w"],
            f"{block}.cross_attn.value.bias": parts[f"{src}.cross.v.b"],
            f"{block}.cross_attn.out.weight": parts[f"{src}.cross_out.w"],
            f"{block}.cross_attn.out.bias": parts[f"{src}.cross_out.b"],
        }
    assert set(state) == set(expected)  # no key biases, no separate output projection
    for name, value in expected.items():
        assert state[name].dtype == np.dtype(dtype), name
        np.testing.assert_array_equal(state[name], _as(value, dtype), err_msg=name)


def test_the_bundled_model_maps_onto_openai_whisper_base(model_cache: Path) -> None:
    model = read_ct2_model(bundled_model_dir(model_cache) / "model.bin")
    dims = openai_dimensions(model)
    # openai-whisper's published dimensions of 'base' (multilingual)
    assert dims == {
        "n_mels": 80,
        "n_audio_ctx": 1500,
        "n_audio_state": 512,
        "n_audio_head": 8,
        "n_audio_layer": 6,
        "n_vocab": 51865,
        "n_text_ctx": 448,
        "n_text_state": 512,
        "n_text_head": 8,
        "n_text_layer": 6,
    }
    state = openai_state_dict(model)
    assert len(state) == 4 + 1 + 2 + 6 * 15 + 2 + 2 + 6 * 24
    assert state["decoder.blocks.5.cross_attn.key.weight"].shape == (512, 512)
    assert all(array.dtype == np.float16 for array in state.values())


def test_alignment_heads_use_openai_whispers_encoding() -> None:
    import base64
    import gzip

    dump = alignment_heads_dump(
        {"alignment_heads": [[1, 0], [2, 3]]}, {"n_text_layer": 3, "n_text_head": 4}
    )
    mask = np.frombuffer(gzip.decompress(base64.b85decode(dump)), dtype=bool).reshape(3, 4)
    assert np.argwhere(mask).tolist() == [[1, 0], [2, 3]]
    assert alignment_heads_dump({}, {"n_text_layer": 3, "n_text_head": 4}) is None


def test_a_key_bias_is_refused_not_dropped(tmp_path: Path) -> None:
    _tiny_whisper(tmp_path)
    model = read_ct2_model(tmp_path / "model.bin")
    variables = dict(model.variables)
    bias = variables["encoder/layer_0/self_attention/linear_0/bias"].copy()
    bias[D] = 0.5  # first row of the key block
    variables["encoder/layer_0/self_attention/linear_0/bias"] = bias
    tampered = type(model)(model.binary_version, model.spec, model.revision, variables, {})
    with pytest.raises(ModelError, match="key projection has a non-zero bias"):
        openai_state_dict(tampered)


def test_quantized_models_are_refused(tmp_path: Path) -> None:
    _tiny_whisper(tmp_path, quantization="int8")
    with pytest.raises(ModelError, match="quantized"):
        openai_state_dict(read_ct2_model(tmp_path / "model.bin"))


def test_truncated_or_foreign_files_fail_with_a_clear_message(tmp_path: Path) -> None:
    _tiny_whisper(tmp_path / "m")
    data = (tmp_path / "m" / "model.bin").read_bytes()
    (tmp_path / "cut.bin").write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelError, match="not a readable CTranslate2 model"):
        read_ct2_model(tmp_path / "cut.bin")
    (tmp_path / "foreign.bin").write_bytes(b"PK\x03\x04 a zip file, not a model")
    with pytest.raises(ModelError, match="binary version"):
        read_ct2_model(tmp_path / "foreign.bin")


def test_pytorch_stays_out_of_the_default_install_and_ci_installs_the_extra() -> None:
    import tomllib

    root = Path(__file__).resolve().parents[1]
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    default = " ".join(project["dependencies"]).lower()
    assert "torch" not in default and "whisper==" not in default
    assert "openai-whisper==20250625" in project["optional-dependencies"]["openai"]
    setup = (root / "scripts" / "setup").read_text(encoding="utf-8")
    assert "pip install --quiet torch==2.13.0" in setup and 'extras="dev,openai"' in setup
