"""Derive an openai-whisper checkpoint from a CTranslate2 Whisper model, exactly.

The bundled offline model is a CTranslate2 ``model.bin`` (float16). openai-whisper needs a
PyTorch checkpoint ``{"dims": ModelDimensions, "model_state_dict": {...}}``. Both hold the
same network; this module moves every tensor across without changing a single value: float16
stays float16 (PyTorch upcasts to float32 on load, exactly as CTranslate2 does for
``compute_type="float32"``), fused projections are split by rows, nothing is re-quantized.
Reading needs only numpy; writing the checkpoint needs PyTorch (the ``openai`` extra).

The ``model.bin`` format (CTranslate2 ``python/ctranslate2/specs/model_spec.py``,
``ModelSpec._serialize``; read back by ``src/models/model.cc``, ``Model::load``), all
integers little-endian::

    u32 binary_version                       (6 today; dtype ids exist from version 4)
    str spec_name, u32 spec_revision         (from version 2; "WhisperSpec", revision 3)
    u32 n_variables, then per variable, sorted by name:
        str name; u8 rank; u32 dim * rank; u8 dtype; u32 n_bytes; n_bytes raw row-major data
    u32 n_aliases, then per alias:          (from version 3)
        str alias; str target                (the alias shares the target's storage)

    str = u16 length (including a trailing NUL), the UTF-8 bytes, NUL
    dtype = 0 float32, 1 int8, 2 int16, 3 int32, 4 float16, 5 bfloat16

Scalars (rank 0) are attributes such as ``encoder/num_heads`` (int16) or
``decoder/activation`` (int8). Quantized models carry ``<name>_scale`` variables; they are
refused here, because a de-quantized copy would not be the original network.

Mapping, with ``d`` the model width, ``i`` a layer and ``E``/``D`` = ``encoder``/``decoder``
(CTranslate2 name -> openai-whisper ``state_dict`` name):

    E/conv1/{weight,bias}        [d, n_mels, 3]  -> encoder.conv1.{weight,bias}
    E/conv2/{weight,bias}        [d, d, 3]       -> encoder.conv2.{weight,bias}
    E/position_encodings/encodings [1500, d]     -> encoder.positional_embedding (sinusoids)
    E/layer_i/self_attention/layer_norm/{gamma,beta} -> encoder.blocks.i.attn_ln.{weight,bias}
    E/layer_i/self_attention/linear_0  [3d, d]   -> rows 0:d   attn.query.{weight,bias}
      (fused Q, K, V; bias [3d])                    rows d:2d  attn.key.weight (no bias:
                                                               its bias rows must be 0)
                                                    rows 2d:3d attn.value.{weight,bias}
    E/layer_i/self_attention/linear_1            -> encoder.blocks.i.attn.out
    E/layer_i/ffn/layer_norm                     -> encoder.blocks.i.mlp_ln
    E/layer_i/ffn/linear_0, linear_1             -> encoder.blocks.i.mlp.0, mlp.2
    E/layer_norm                                 -> encoder.ln_post
    D/embeddings/weight [n_vocab, d]             -> decoder.token_embedding.weight
    D/projection/weight (an alias of the above)  -> (none: openai-whisper computes logits
                                                    with the token embedding, tied)
    D/position_encodings/encodings [448, d]      -> decoder.positional_embedding (learned)
    D/layer_i/self_attention/...                 -> decoder.blocks.i.attn_ln, attn.* (as above)
    D/layer_i/attention/layer_norm               -> decoder.blocks.i.cross_attn_ln
    D/layer_i/attention/linear_0 [d, d]          -> cross_attn.query
    D/layer_i/attention/linear_1 [2d, d]         -> rows 0:d cross_attn.key.weight (bias 0),
      (fused K, V of the encoder output)            rows d:2d cross_attn.value.{weight,bias}
    D/layer_i/attention/linear_2                 -> cross_attn.out
    D/layer_i/ffn/...                            -> decoder.blocks.i.mlp_ln, mlp.0, mlp.2
    D/layer_norm                                 -> decoder.ln

``ModelDimensions`` come from the shapes and attributes: ``n_mels`` = conv1 input channels,
``n_audio_ctx``/``n_text_ctx`` = rows of the position encodings, ``n_*_state`` = their width,
``n_*_head`` = ``{encoder,decoder}/num_heads``, ``n_*_layer`` = the number of ``layer_i``,
``n_vocab`` = rows of the token embedding. The remaining attributes must describe the network
openai-whisper implements (GELU, pre-norm, unscaled embeddings, no ALiBi) or the conversion
stops. The word-timing alignment heads come from ``config.json`` (``alignment_heads``) and are
stored in openai-whisper's own encoding under the checkpoint key ``alignment_heads``.

The result is cached in the model cache under a name keyed by the source's SHA-256 and this
converter's version, written atomically (temp file, fsync, rename) with a record of both
checksums that is checked before every use; a damaged copy is rebuilt, never loaded.
"""

from __future__ import annotations

import base64
import gzip
import io
import json
import logging
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from goodwork_pipeline.errors import ModelError
from goodwork_pipeline.files import atomic_write_bytes, atomic_write_text, sha256_bytes, sha256_file

log = logging.getLogger(__name__)

CONVERTER_VERSION = 1
SPEC_NAME = "WhisperSpec"
SPEC_REVISION = 3
MIN_BINARY_VERSION = 4  # the first with explicit dtype ids
MAX_BINARY_VERSION = 6
DTYPES = ("float32", "int8", "int16", "int32", "float16", "bfloat16")
GELU = 3

# Attributes that must hold these values for openai-whisper's network to be the same one.
REQUIRED_ATTRIBUTES = {
    "decoder/activation": GELU,
    "decoder/pre_norm": 1,
    "decoder/scale_embeddings": 0,
    "decoder/alibi": 0,
    "decoder/start_from_zero_embedding": 0,
}
# Attributes with no counterpart in openai-whisper's weights: alignment is read from
# config.json; the ALiBi options mean nothing while ALiBi itself is off (checked above).
IGNORED_ATTRIBUTES = {
    "decoder/alignment_heads",
    "decoder/alignment_layer",
    "decoder/alibi_use_positive_positions",
    "decoder/scale_alibi",
}


@dataclass(frozen=True)
class Ct2Model:
    """The contents of a CTranslate2 ``model.bin``: named arrays, aliases resolved."""

    binary_version: int
    spec: str
    revision: int
    variables: Mapping[str, np.ndarray]
    aliases: Mapping[str, str]


# Reading model.bin ----------------------------------------------------------------------------


def read_ct2_model(path: Path) -> Ct2Model:
    """Parse a CTranslate2 ``model.bin`` into numpy arrays (see the module docstring)."""
    try:
        with path.open("rb") as handle:
            return _read(handle, path)
    except (struct.error, UnicodeDecodeError, ValueError) as exc:
        raise ModelError(
            f"{path} is not a readable CTranslate2 model ({exc}). Rebuild or replace it.",
            path=path,
        ) from exc


def _read(handle: BinaryIO, path: Path) -> Ct2Model:
    def take(fmt: str) -> int:
        size = struct.calcsize("<" + fmt)
        data = handle.read(size)
        if len(data) != size:
            raise ValueError(f"the file ends early, at byte {handle.tell()}")
        return struct.unpack("<" + fmt, data)[0]

    def text() -> str:
        raw = handle.read(take("H"))
        return raw.rstrip(b"\0").decode("utf-8")

    version = take("I")
    if not MIN_BINARY_VERSION <= version <= MAX_BINARY_VERSION:
        raise ModelError(
            f"{path} uses CTranslate2 binary version {version}; this converter reads versions "
            f"{MIN_BINARY_VERSION} to {MAX_BINARY_VERSION}.",
            path=path,
        )
    spec, revision = text(), take("I")
    variables: dict[str, np.ndarray] = {}
    for _ in range(take("I")):
        name = text()
        shape = tuple(take("I") for _ in range(take("B")))
        dtype_id = take("B")
        if dtype_id >= len(DTYPES):
            raise ValueError(f"variable {name} has an unknown dtype id {dtype_id}")
        raw = handle.read(take("I"))
        variables[name] = _array(raw, DTYPES[dtype_id], shape, name)
    aliases = {}
    for _ in range(take("I")):
        alias = text()
        aliases[alias] = text()
    if handle.read(1):
        raise ValueError("unexpected bytes after the aliases")
    for alias, target in aliases.items():
        variables[alias] = variables[target]
    return Ct2Model(version, spec, revision, variables, aliases)


def _array(raw: bytes, dtype: str, shape: tuple[int, ...], name: str) -> np.ndarray:
    if dtype == "bfloat16":  # no numpy type: widen to float32, which holds it exactly
        bits = np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16
        array = bits.view(np.float32)
    else:
        array = np.frombuffer(raw, dtype=np.dtype(dtype).newbyteorder("<"))
    if array.size != int(np.prod(shape, dtype=np.int64)):
        raise ValueError(f"variable {name}: {array.size} values for shape {shape}")
    return array.reshape(shape)


# The mapping ----------------------------------------------------------------------------------


def openai_dimensions(model: Ct2Model) -> dict[str, int]:
    """openai-whisper's ``ModelDimensions`` for this network, as a dict."""
    v = model.variables
    return {
        "n_mels": v["encoder/conv1/weight"].shape[1],
        "n_audio_ctx": v["encoder/position_encodings/encodings"].shape[0],
        "n_audio_state": v["encoder/position_encodings/encodings"].shape[1],
        "n_audio_head": int(v["encoder/num_heads"]),
        "n_audio_layer": _count_layers(v, "encoder"),
        "n_vocab": v["decoder/embeddings/weight"].shape[0],
        "n_text_ctx": v["decoder/position_encodings/encodings"].shape[0],
        "n_text_state": v["decoder/embeddings/weight"].shape[1],
        "n_text_head": int(v["decoder/num_heads"]),
        "n_text_layer": _count_layers(v, "decoder"),
    }


def _count_layers(variables: Mapping[str, np.ndarray], stack: str) -> int:
    count = 0
    while f"{stack}/layer_{count}/ffn/linear_0/weight" in variables:
        count += 1
    return count


def openai_state_dict(model: Ct2Model) -> dict[str, np.ndarray]:
    """Every tensor of openai-whisper's ``Whisper.state_dict()``, from the CTranslate2 model."""
    _check_model(model)
    dims = openai_dimensions(model)
    source = dict(model.variables)
    used: set[str] = set()

    def take(name: str) -> np.ndarray:
        used.add(name)
        return source[name]

    state: dict[str, np.ndarray] = {}

    def linear(src: str, dst: str) -> None:
        state[f"{dst}.weight"] = take(f"{src}/weight")
        state[f"{dst}.bias"] = take(f"{src}/bias")

    def norm(src: str, dst: str) -> None:
        state[f"{dst}.weight"] = take(f"{src}/gamma")
        state[f"{dst}.bias"] = take(f"{src}/beta")

    def split(src: str, dsts: tuple[str, ...], width: int) -> None:
        """A fused projection: consecutive blocks of ``width`` rows, one per projection."""
        weight, bias = take(f"{src}/weight"), take(f"{src}/bias")
        if weight.shape[0] != width * len(dsts) or bias.shape != (weight.shape[0],):
            raise ModelError(f"{src} has shape {weight.shape}; expected {len(dsts)} x {width} rows")
        for index, dst in enumerate(dsts):
            rows = slice(index * width, (index + 1) * width)
            state[f"{dst}.weight"] = weight[rows]
            if dst.endswith(".key"):
                if np.any(bias[rows] != 0):
                    raise ModelError(
                        f"{src}: the key projection has a non-zero bias, which openai-whisper's "
                        "network does not have; this is not a Whisper model it can run."
                    )
            else:
                state[f"{dst}.bias"] = bias[rows]

    def conv(src: str, dst: str) -> None:
        linear(src, dst)

    def mlp(src: str, dst: str) -> None:
        norm(f"{src}/ffn/layer_norm", f"{dst}.mlp_ln")
        linear(f"{src}/ffn/linear_0", f"{dst}.mlp.0")
        linear(f"{src}/ffn/linear_1", f"{dst}.mlp.2")

    d_audio, d_text = dims["n_audio_state"], dims["n_text_state"]
    conv("encoder/conv1", "encoder.conv1")
    conv("encoder/conv2", "encoder.conv2")
    state["encoder.positional_embedding"] = take("encoder/position_encodings/encodings")
    for i in range(dims["n_audio_layer"]):
        src, dst = f"encoder/layer_{i}", f"encoder.blocks.{i}"
        norm(f"{src}/self_attention/layer_norm", f"{dst}.attn_ln")
        split(
            f"{src}/self_attention/linear_0",
            (f"{dst}.attn.query", f"{dst}.attn.key", f"{dst}.attn.value"),
            d_audio,
        )
        linear(f"{src}/self_attention/linear_1", f"{dst}.attn.out")
        mlp(src, dst)
    norm("encoder/layer_norm", "encoder.ln_post")

    state["decoder.token_embedding.weight"] = take("decoder/embeddings/weight")
    state["decoder.positional_embedding"] = take("decoder/position_encodings/encodings")
    for i in range(dims["n_text_layer"]):
        src, dst = f"decoder/layer_{i}", f"decoder.blocks.{i}"
        norm(f"{src}/self_attention/layer_norm", f"{dst}.attn_ln")
        split(
            f"{src}/self_attention/linear_0",
            (f"{dst}.attn.query", f"{dst}.attn.key", f"{dst}.attn.value"),
            d_text,
        )
        linear(f"{src}/self_attention/linear_1", f"{dst}.attn.out")
        norm(f"{src}/attention/layer_norm", f"{dst}.cross_attn_ln")
        linear(f"{src}/attention/linear_0", f"{dst}.cross_attn.query")
        split(
            f"{src}/attention/linear_1",
            (f"{dst}.cross_attn.key", f"{dst}.cross_attn.value"),
            d_text,
        )
        linear(f"{src}/attention/linear_2", f"{dst}.cross_attn.out")
        mlp(src, dst)
    norm("decoder/layer_norm", "decoder.ln")

    # The output projection is the token embedding (tied); CTranslate2 stores it as an alias.
    used.add("decoder/projection/weight")
    used |= (
        set(REQUIRED_ATTRIBUTES)
        | IGNORED_ATTRIBUTES
        | {
            "encoder/num_heads",
            "decoder/num_heads",
        }
    )
    left_over = sorted(set(source) - used)
    if left_over:
        raise ModelError(
            "The CTranslate2 model has variables openai-whisper's network has no place for: "
            + ", ".join(left_over[:8])
            + (" ..." if len(left_over) > 8 else "")
        )
    return state


def _check_model(model: Ct2Model) -> None:
    v = model.variables
    if model.spec != SPEC_NAME or model.revision != SPEC_REVISION:
        raise ModelError(
            f"This is a CTranslate2 '{model.spec}' model, revision {model.revision}; only "
            f"'{SPEC_NAME}' revision {SPEC_REVISION} (Whisper) can be converted."
        )
    quantized = sorted(name for name in v if name.endswith("_scale") or v[name].dtype.kind in "iu")
    quantized = [name for name in quantized if v[name].ndim > 0]
    if quantized:
        raise ModelError(
            f"This CTranslate2 model is quantized ({quantized[0]} is {v[quantized[0]].dtype}); "
            "only float16, bfloat16 or float32 models convert exactly. Use the float16 model."
        )
    for name, expected in REQUIRED_ATTRIBUTES.items():
        if name in v and int(v[name]) != expected:
            raise ModelError(
                f"{name} is {int(v[name])}, but openai-whisper's network needs {expected}."
            )
    projection = v.get("decoder/projection/weight")
    embedding = v["decoder/embeddings/weight"]
    if projection is None or not (projection is embedding or np.array_equal(projection, embedding)):
        raise ModelError(
            "The output projection is not the token embedding; openai-whisper ties the two."
        )
    if "decoder/projection/bias" in v:
        raise ModelError("The output projection has a bias; openai-whisper's has none.")


def alignment_heads_dump(config: Mapping[str, object], dims: Mapping[str, int]) -> str | None:
    """``config.json``'s alignment heads in openai-whisper's encoding (base85 of gzip)."""
    heads = config.get("alignment_heads")
    if not heads:
        return None
    mask = np.zeros((dims["n_text_layer"], dims["n_text_head"]), dtype=bool)
    for layer, head in heads:  # type: ignore[attr-defined]
        mask[int(layer), int(head)] = True
    return base64.b85encode(gzip.compress(mask.tobytes(), mtime=0)).decode("ascii")


# The cached checkpoint ------------------------------------------------------------------------


def checkpoint_path(cache_dir: Path, source_sha256: str) -> Path:
    return cache_dir / f"openai-whisper-{source_sha256[:16]}-v{CONVERTER_VERSION}.pt"


def derived_checkpoint(
    model_dir: Path, cache_dir: Path, *, source_sha256: str | None = None
) -> Path:
    """The openai-whisper checkpoint for a CTranslate2 model folder, converted once, cached.

    ``source_sha256`` may be passed when the caller has just verified ``model.bin``.
    """
    model_bin = model_dir / "model.bin"
    sha = source_sha256 or sha256_file(model_bin)
    target = checkpoint_path(cache_dir, sha)
    record_path = target.with_suffix(".json")
    if record_path.is_file() and target.is_file():
        try:
            record = json.loads(record_path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            record = {}
        if record.get("source_sha256") == sha and record.get("sha256") == sha256_file(target):
            return target
        log.warning("derived checkpoint %s is damaged; converting again", target)
    log.info("deriving an openai-whisper checkpoint from %s (once)", model_bin)
    data = checkpoint_bytes(model_dir)
    # Checkpoint first, record last: the record's presence means the pair is complete.
    atomic_write_bytes(target, data)
    record = {
        "source": str(model_bin),
        "source_sha256": sha,
        "sha256": sha256_bytes(data),
        "converter_version": CONVERTER_VERSION,
    }
    atomic_write_text(record_path, json.dumps(record, indent=1) + "\n")
    return target


def checkpoint_bytes(model_dir: Path) -> bytes:
    """The serialized openai-whisper checkpoint (``torch.save``) for a CTranslate2 folder."""
    import torch

    model = read_ct2_model(model_dir / "model.bin")
    dims = openai_dimensions(model)
    state = {
        name: torch.from_numpy(array.copy()) for name, array in openai_state_dict(model).items()
    }
    config_path = model_dir / "config.json"
    config = json.loads(config_path.read_text(encoding="utf-8")) if config_path.is_file() else {}
    checkpoint: dict[str, object] = {"dims": dims, "model_state_dict": state}
    heads = alignment_heads_dump(config, dims)
    if heads is not None:
        checkpoint["alignment_heads"] = heads
    buffer = io.BytesIO()
    torch.save(checkpoint, buffer)
    return buffer.getvalue()
