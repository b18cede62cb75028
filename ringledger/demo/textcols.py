"""Vectorised text columns: turn numpy arrays into CSV lines with Arrow compute.

Writers describe a record as a list of cells, each either a constant (already
rendered text, e.g. ``'"DOCUMENTATION"'``) or an Arrow string array. Adjacent
constants are merged, the cells are joined element-wise, and the resulting
string array's data buffer is the file content, so slicing lines out for one
file costs no Python loop per record.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TypeAlias

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

Cell: TypeAlias = str | pa.Array

_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


def ints(values: np.ndarray) -> pa.Array:
    """Integers as bare decimal text."""
    return pc.cast(pa.array(np.asarray(values, dtype=np.int64)), pa.string())


def text(values: Sequence[str] | np.ndarray) -> pa.Array:
    """Python strings (or a numpy string array) as an Arrow string array."""
    return pa.array(values, type=pa.string())


def pick(labels: Sequence[str], index: np.ndarray) -> pa.Array:
    """``labels[index]`` for every element, as a string array (dictionary decode)."""
    dictionary = pa.array(list(labels), type=pa.string())
    indices = pa.array(np.asarray(index, dtype=np.int32))
    return pc.take(dictionary, indices)


def quoted(values: pa.Array) -> pa.Array:
    """CSV-quoted strings: wrapped in double quotes, embedded quotes doubled."""
    escaped = pc.replace_substring(values, '"', '""')
    return pc.binary_join_element_wise('"', escaped, '"', "")


def where(mask: np.ndarray, when_true: Cell, when_false: Cell) -> pa.Array:
    """Element-wise choice between two cells (arrays or constants)."""
    return pc.if_else(pa.array(np.asarray(mask, dtype=bool)), when_true, when_false)


def hex_ids(values: np.ndarray, width: int = 8) -> pa.Array:
    """Lower-case hexadecimal, zero-padded to ``width`` digits."""
    values = np.asarray(values, dtype=np.uint64)
    shifts = np.arange(width - 1, -1, -1, dtype=np.uint64) * np.uint64(4)
    nibbles = (values[:, None] >> shifts) & np.uint64(0xF)
    chars = np.ascontiguousarray(_HEX[nibbles.astype(np.intp)])
    raw = chars.view(f"S{width}").ravel()
    return pc.cast(pa.array(raw, type=pa.binary()), pa.string())


def scramble(values: np.ndarray) -> np.ndarray:
    """A fixed bijective mix of 64-bit integers (splitmix64 finaliser): unique in, unique out,
    random-looking, no random state."""
    x = np.asarray(values).astype(np.uint64)
    with np.errstate(over="ignore"):
        x = x + np.uint64(0x9E3779B97F4A7C15)
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def uuids(high: np.ndarray, low: np.ndarray) -> pa.Array:
    """RFC 4122-shaped UUID text (version 4 bits set), scrambled from two integer arrays."""
    high = scramble(high)
    low = scramble(scramble(low) ^ high)
    high = (np.asarray(high, dtype=np.uint64) & np.uint64(0xFFFFFFFFFFFF0FFF)) | np.uint64(0x4000)
    low = (np.asarray(low, dtype=np.uint64) & np.uint64(0x3FFFFFFFFFFFFFFF)) | np.uint64(0x8000000000000000)
    h = hex_ids(high, 16)
    lo = hex_ids(low, 16)

    def part(arr: pa.Array, start: int, stop: int) -> pa.Array:
        return pc.utf8_slice_codeunits(arr, start, stop)

    return pc.binary_join_element_wise(
        part(h, 0, 8), part(h, 8, 12), part(h, 12, 16), part(lo, 0, 4), part(lo, 4, 16), "-"
    )


def timestamps(epoch_seconds: np.ndarray) -> pa.Array:
    """``YYYY-MM-DD HH:MM:SS`` for epoch seconds (already shifted to the wanted clock)."""
    stamps = pa.array(np.asarray(epoch_seconds, dtype=np.int64).astype("datetime64[s]"))
    return pc.cast(stamps, pa.string())


def clock(seconds: np.ndarray) -> pa.Array:
    """``HH:MM:SS`` for a duration in seconds (below 24 hours)."""
    return pc.utf8_slice_codeunits(timestamps(np.asarray(seconds) % 86400), 11, 19)


def lines(cells: Sequence[Cell], sep: str, newline: str = "\n") -> pa.Array:
    """Join cells with ``sep`` into one line per element, each ending with ``newline``."""
    merged: list[Cell] = []
    pending: list[str] = []
    for index, cell in enumerate(cells):
        tail = newline if index == len(cells) - 1 else sep
        if isinstance(cell, str):
            pending.append(cell + tail)
            continue
        if pending:
            merged.append("".join(pending))
            pending = []
        merged.append(cell)
        pending.append(tail)
    merged.append("".join(pending))
    if not any(isinstance(cell, pa.Array) for cell in merged):
        raise ValueError("a record needs at least one array cell")
    joined = pc.binary_join_element_wise(*merged, "")
    if joined.null_count:
        raise ValueError("a record cell is null; every cell must be rendered text")
    return joined


class LineWriter:
    """Writes ranges of a rendered line array to files, straight from its data buffer."""

    def __init__(self, rendered: pa.Array) -> None:
        rendered = pa.concat_arrays([rendered]) if rendered.offset else rendered
        self._offsets = np.frombuffer(rendered.buffers()[1], dtype=np.int32)[: len(rendered) + 1]
        self._data = rendered.buffers()[2]

    def write(self, path: Path, begin: int, end: int, header: bytes = b"") -> None:
        """Write lines ``begin`` to ``end - 1`` (after an optional header) to ``path``."""
        start, stop = int(self._offsets[begin]), int(self._offsets[end])
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb", buffering=1 << 20) as handle:
            handle.write(header)
            if stop > start:
                handle.write(memoryview(self._data)[start:stop])
