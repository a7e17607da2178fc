"""Minimal reader/writer for the safetensors file format.

Layout of a file:
  * 8 bytes: little-endian unsigned 64-bit integer N, the length of the header;
  * N bytes: UTF-8 JSON header, padded with spaces to a multiple of 8:
      {"__metadata__": {"key": "value", ...},
       "<name>": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, ...}
  * the raw little-endian tensor bytes; offsets are relative to the start of
    this data section (i.e. to byte 8 + N of the file).

Only numpy is needed. Tensors are written in the order they are given, packed
back to back, so writing the same tensors twice gives byte-identical files.
"""

import json
import struct

import numpy as np

# safetensors dtype name -> numpy dtype (always little-endian)
_DTYPES = {
    "F64": np.dtype("<f8"),
    "F32": np.dtype("<f4"),
    "F16": np.dtype("<f2"),
    "I64": np.dtype("<i8"),
    "I32": np.dtype("<i4"),
    "I16": np.dtype("<i2"),
    "I8": np.dtype("i1"),
    "U8": np.dtype("u1"),
    "BOOL": np.dtype("?"),
}


def _dtype_name(arr):
    little = arr.dtype.newbyteorder("<")
    for name, dt in _DTYPES.items():
        if little == dt:
            return name
    raise TypeError("unsupported dtype for safetensors: %s" % arr.dtype)


def _to_numpy(value):
    """Accept numpy arrays, torch tensors and Python scalars."""
    if isinstance(value, np.ndarray):
        return value
    try:  # torch is optional for this module
        import torch

        if isinstance(value, torch.Tensor):
            return value.detach().cpu().contiguous().numpy()
    except ImportError:
        pass
    return np.asarray(value)


def save(path, tensors, metadata=None):
    """Write tensors (a mapping name -> array/tensor, order kept) to path.

    metadata: optional mapping str -> str stored under "__metadata__".
    """
    header = {}
    if metadata:
        for k, v in metadata.items():
            if not isinstance(k, str) or not isinstance(v, str):
                raise TypeError("metadata keys and values must be str")
        header["__metadata__"] = dict(metadata)
    chunks = []
    offset = 0
    for name, value in tensors.items():
        if name == "__metadata__":
            raise ValueError("'__metadata__' is not a valid tensor name")
        arr = _to_numpy(value)
        dtype = _dtype_name(arr)
        # (np.ascontiguousarray would turn a 0-d array into shape [1])
        arr = np.array(arr, dtype=_DTYPES[dtype], order="C", copy=True)
        data = arr.tobytes(order="C")
        header[name] = {
            "dtype": dtype,
            "shape": [int(s) for s in arr.shape],
            "data_offsets": [offset, offset + len(data)],
        }
        chunks.append(data)
        offset += len(data)
    header_bytes = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    header_bytes += b" " * ((-len(header_bytes)) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(header_bytes)))
        f.write(header_bytes)
        for c in chunks:
            f.write(c)


def load(path):
    """Read a file; returns (tensors, metadata).

    tensors: dict name -> numpy array (in file header order);
    metadata: dict str -> str (empty if the file has none).
    """
    with open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 8:
        raise ValueError("%s: too short for a safetensors file" % path)
    (n,) = struct.unpack("<Q", raw[:8])
    if 8 + n > len(raw):
        raise ValueError("%s: header length %d exceeds file size" % (path, n))
    header = json.loads(raw[8 : 8 + n].decode("utf-8"))
    data = memoryview(raw)[8 + n :]
    metadata = header.pop("__metadata__", None) or {}
    tensors = {}
    for name, info in header.items():
        dtype = info["dtype"]
        if dtype not in _DTYPES:
            raise TypeError("%s: tensor %r has unsupported dtype %s" % (path, name, dtype))
        dt = _DTYPES[dtype]
        shape = tuple(int(s) for s in info["shape"])
        begin, end = (int(o) for o in info["data_offsets"])
        count = int(np.prod(shape, dtype=np.int64)) if shape else 1
        if end - begin != count * dt.itemsize or end > len(data) or begin < 0:
            raise ValueError("%s: tensor %r has inconsistent data_offsets" % (path, name))
        arr = np.frombuffer(data[begin:end], dtype=dt, count=count).reshape(shape)
        tensors[name] = arr.copy()
    return tensors, metadata


def load_torch(path):
    """Like load(), but the tensors are torch tensors."""
    import torch

    tensors, metadata = load(path)
    return {k: torch.from_numpy(v) for k, v in tensors.items()}, metadata
