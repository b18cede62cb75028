"""Source encodings: which ones DuckDB reads itself, and streaming transcoding of the others to UTF-8."""

from __future__ import annotations

import codecs
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# Python codec name -> DuckDB read_csv encoding
DUCKDB_NATIVE = {"utf-8": "utf-8", "iso8859-1": "latin-1", "utf-16": "utf-16"}
_CHUNK = 1 << 20


class UnknownEncoding(ValueError):
    """A source names an encoding Python does not know."""


def codec_name(encoding: str) -> str:
    """The canonical Python codec name (``cp1251``, ``iso8859-1``, ``utf-8``)."""
    try:
        return codecs.lookup(encoding).name
    except LookupError as exc:
        raise UnknownEncoding(
            f"unknown encoding {encoding!r} (expected e.g. utf-8, latin-1, cp1251)"
        ) from exc


def is_ascii_compatible(encoding: str) -> bool:
    """True when a newline is byte 0x0A and never part of another character (line offsets survive)."""
    return not codec_name(encoding).startswith(("utf-16", "utf-32"))


@contextmanager
def readable_by_duckdb(path: Path, encoding: str) -> Iterator[tuple[Path, str]]:
    """The file as DuckDB can scan it: itself when DuckDB reads the encoding, else a UTF-8 copy.

    The copy is written chunk by chunk (bounded memory); undecodable bytes become U+FFFD.
    """
    name = codec_name(encoding)
    if name in DUCKDB_NATIVE:
        yield path, DUCKDB_NATIVE[name]
        return
    decoder = codecs.getincrementaldecoder(name)(errors="replace")
    with tempfile.TemporaryDirectory(prefix="ringledger-transcode-") as folder:
        target = Path(folder) / "utf8.txt"
        with path.open("rb") as reader, target.open("w", encoding="utf-8", newline="") as writer:
            while chunk := reader.read(_CHUNK):
                writer.write(decoder.decode(chunk))
            writer.write(decoder.decode(b"", final=True))
        yield target, "utf-8"


def decode_line(raw: bytes, encoding: str) -> str:
    """One line for a person to read: decoded by the source's encoding, bad bytes replaced."""
    return raw.decode(codec_name(encoding), errors="replace").rstrip("\r\n")
