"""Reading a PyTorch checkpoint's tensors without PyTorch (numpy only).

Handles the legacy format ``torch.save`` wrote before PyTorch 1.6 (five pickles in a row, then
the raw storages), which is what Resemblyzer's ``pretrained.pt`` is. The unpickler is
restricted: it builds only plain containers, ``OrderedDict`` and tensors; any other class in
the file is refused, so a tampered checkpoint cannot run code. The checksum is checked by the
caller before anything is read.
"""

from __future__ import annotations

import collections
import io
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from goodwork_pipeline.errors import ModelError

_MAGIC = 0x1950A86A20F9469CFC6C
_STORAGE_DTYPES = {
    "FloatStorage": np.float32,
    "DoubleStorage": np.float64,
    "HalfStorage": np.float16,
    "LongStorage": np.int64,
    "IntStorage": np.int32,
    "ShortStorage": np.int16,
    "CharStorage": np.int8,
    "ByteStorage": np.uint8,
    "BoolStorage": np.bool_,
}


@dataclass
class _Storage:
    key: str
    dtype: type
    numel: int
    data: np.ndarray | None = None


@dataclass
class _PendingTensor:
    """A tensor whose storage is read after the pickle (legacy format)."""

    storage: _Storage
    offset: int
    size: tuple[int, ...]
    stride: tuple[int, ...]

    def array(self) -> np.ndarray:
        data = self.storage.data
        if data is None:
            raise ModelError(f"checkpoint storage {self.storage.key} was never read")
        if not self.size:
            return data[self.offset : self.offset + 1].reshape(()).copy()
        itemsize = data.itemsize
        view = np.lib.stride_tricks.as_strided(
            data[self.offset :],
            shape=self.size,
            strides=tuple(s * itemsize for s in self.stride),
            writeable=False,
        )
        return np.array(view)


def _rebuild_tensor_v2(
    storage: _Storage, offset: int, size: tuple, stride: tuple, *_rest: object
) -> _PendingTensor:
    return _PendingTensor(storage, int(offset), tuple(size), tuple(stride))


def _rebuild_parameter(data: _PendingTensor, *_rest: object) -> _PendingTensor:
    return data


class _StorageType:
    def __init__(self, name: str):
        self.dtype = _STORAGE_DTYPES[name]


class _Unpickler(pickle.Unpickler):
    def __init__(self, handle: io.BufferedIOBase, storages: dict[str, _Storage]):
        super().__init__(handle)
        self.storages = storages

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("collections", "OrderedDict"):
            return collections.OrderedDict
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return _rebuild_tensor_v2
        if (module, name) == ("torch._utils", "_rebuild_parameter"):
            return _rebuild_parameter
        if module == "torch" and name in _STORAGE_DTYPES:
            return _StorageType(name)
        raise ModelError(f"the checkpoint holds {module}.{name}, which is not allowed in weights")

    def persistent_load(self, saved_id: Any) -> _Storage:
        if not isinstance(saved_id, tuple) or not saved_id or saved_id[0] != "storage":
            raise ModelError("the checkpoint refers to something other than a tensor storage")
        storage_type, key, _location, numel = saved_id[1:5]
        if not isinstance(storage_type, _StorageType):
            raise ModelError("the checkpoint names an unknown storage type")
        storage = self.storages.get(key)
        if storage is None:
            storage = self.storages[key] = _Storage(key, storage_type.dtype, int(numel))
        return storage


def read_legacy_checkpoint(path: Path) -> Any:
    """The checkpoint's object with every tensor as a numpy array."""
    data = path.read_bytes()
    handle = io.BytesIO(data)
    try:
        if pickle.load(handle) != _MAGIC:
            raise ModelError(f"{path} is not a (legacy) PyTorch checkpoint")
        pickle.load(handle)  # protocol version
        pickle.load(handle)  # system info (endianness, type sizes)
        storages: dict[str, _Storage] = {}
        result = _Unpickler(handle, storages).load()
        keys = _Unpickler(handle, storages).load()
        for key in keys:
            storage = storages[key]
            (count,) = np.frombuffer(handle.read(8), "<i8")
            size = int(count) * np.dtype(storage.dtype).itemsize
            raw = handle.read(size)
            if len(raw) != size:
                raise ModelError(f"{path} ends inside a tensor: the file is cut short")
            storage.data = np.frombuffer(raw, storage.dtype)
    except (pickle.UnpicklingError, EOFError, KeyError, ValueError, TypeError) as error:
        raise ModelError(f"{path} cannot be read as a PyTorch checkpoint: {error}") from error
    return _materialise(result)


def _materialise(value: Any) -> Any:
    if isinstance(value, _PendingTensor):
        return value.array()
    if isinstance(value, dict):
        return type(value)((k, _materialise(v)) for k, v in value.items())
    if isinstance(value, list | tuple):
        return type(value)(_materialise(v) for v in value)
    return value
