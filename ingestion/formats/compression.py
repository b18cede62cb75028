"""Compressed PBX files (``.gz``, ``.zst``): landing keeps them as received; this checks they are whole.

A compressed file that does not decode to its end is truncated (its writer stopped, or has not
finished) or corrupt: :func:`decode_problem` says so with the decoder's own message. The file
collectors land such a file once it has stopped changing, and the raw load quarantines it whole.

For parsers: read a landed file's text with ``smart_open.open(path, "rb")`` (it
decompresses by extension: .gz, .zst, .bz2, .xz), or :func:`open_decompressed`;
readers that need a plain file (line numbers, byte offsets, transcoding) use
:func:`decompressed_copy`.
"""

from __future__ import annotations

import gzip
import shutil
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import smart_open
from backports import zstd

COMPRESSED_SUFFIXES = (".gz", ".zst")
DECODE_ERRORS = (EOFError, OSError, zlib.error, zstd.ZstdError)  # gzip.BadGzipFile is an OSError
_CHUNK = 1 << 20


def is_compressed(name: str) -> bool:
    return name.lower().endswith(COMPRESSED_SUFFIXES)


def open_decompressed(path: Path) -> BinaryIO:
    """The decompressed bytes of a landed file (plain files are returned as they are)."""
    return smart_open.open(str(path), "rb")


@contextmanager
def decompressed_copy(path: Path) -> Iterator[Path]:
    """A plain file with the decompressed bytes, removed afterwards (a plain file is itself).

    Line numbers and byte offsets read from it count in the decompressed text, as the PBX wrote it.
    A file that does not decode (truncated, corrupt) is given back as it is, still compressed: the raw
    load quarantines it whole.
    """
    if not is_compressed(path.name):
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="ringledger-decompress-") as folder:
        plain = Path(folder) / path.name[: path.name.rfind(".")]  # no compression suffix for readers
        try:
            with open_decompressed(path) as reader, plain.open("wb") as writer:
                shutil.copyfileobj(reader, writer, _CHUNK)
        except DECODE_ERRORS:
            yield path
            return
        yield plain


def decode_problem(path: Path) -> str | None:
    """Why a compressed file does not decode to its end, with the decoder's message; None if it does.

    Plain files have no problem here. A file still being written ends too early, like a truncated one.
    """
    name = path.name.lower()
    opener = gzip.open if name.endswith(".gz") else zstd.open if name.endswith(".zst") else None
    if opener is None:
        return None
    with opener(path, "rb") as stream:  # a missing or unreadable file raises here: not a decode problem
        try:
            while stream.read(_CHUNK):
                pass
        except DECODE_ERRORS as exc:
            return f"truncated or corrupt compressed file: {exc or type(exc).__name__}"
    return None
