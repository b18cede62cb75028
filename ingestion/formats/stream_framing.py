"""Record boundaries in a PBX byte stream: lines, STX…ETX frames, 4-byte little-endian length prefixes.

A framer is fed whatever the transport delivered (one byte or many records at a
time) and returns only complete records, each exactly as received, framing
bytes included. A spool file is those records end to end, so parsers split it
again with :func:`split_records` and take the text with :meth:`Framer.payload`.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import Protocol

STX = 0x02
ETX = 0x03
MAX_RECORD_BYTES = 1 << 16


class FramingError(ValueError):
    """The stream cannot be split into records (for example an absurd length prefix)."""


class Framer(Protocol):
    def feed(self, data: bytes) -> list[bytes]: ...

    def payload(self, record: bytes) -> bytes: ...

    @property
    def pending(self) -> bytes: ...


class LineFramer:
    """Records end with a terminator byte (``\\n`` covers LF and CR LF), kept in the record."""

    def __init__(self, terminator: bytes = b"\n") -> None:
        self._terminator = terminator
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[bytes]:
        self._buffer += data
        end = self._buffer.rfind(self._terminator)
        if end < 0:
            self._check_size()
            return []
        complete = bytes(self._buffer[: end + 1])
        del self._buffer[: end + 1]
        parts = complete.split(self._terminator)
        parts.pop()  # empty string after the last terminator
        return [part + self._terminator for part in parts]

    def payload(self, record: bytes) -> bytes:
        return record.rstrip(b"\r\n")

    @property
    def pending(self) -> bytes:
        return bytes(self._buffer)

    def _check_size(self) -> None:
        if len(self._buffer) > MAX_RECORD_BYTES:
            raise FramingError(f"no line terminator in {len(self._buffer)} bytes")


class StxEtxFramer:
    """Records are ``STX … ETX``; bytes between frames (idle CR LF, NUL keep-alives) are counted, not kept."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self.skipped_bytes = 0

    def feed(self, data: bytes) -> list[bytes]:
        self._buffer += data
        records = []
        position = 0
        while True:
            start = self._buffer.find(STX, position)
            if start < 0:
                self.skipped_bytes += len(self._buffer) - position
                position = len(self._buffer)
                break
            self.skipped_bytes += start - position
            end = self._buffer.find(ETX, start + 1)
            if end < 0:
                position = start
                break
            records.append(bytes(self._buffer[start : end + 1]))
            position = end + 1
        del self._buffer[:position]
        if len(self._buffer) > MAX_RECORD_BYTES:
            raise FramingError(f"no ETX in {len(self._buffer)} bytes after STX")
        return records

    def payload(self, record: bytes) -> bytes:
        return record[1:-1]

    @property
    def pending(self) -> bytes:
        return bytes(self._buffer)


class LengthPrefixFramer:
    """Records are a 4-byte little-endian length then that many bytes (Mitel 5000 SMDR)."""

    _HEADER = struct.Struct("<I")

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[bytes]:
        self._buffer += data
        records = []
        position = 0
        size = self._HEADER.size
        while len(self._buffer) - position >= size:
            (length,) = self._HEADER.unpack_from(self._buffer, position)
            if length > MAX_RECORD_BYTES:
                raise FramingError(f"length prefix {length} at byte {position} exceeds {MAX_RECORD_BYTES}")
            end = position + size + length
            if end > len(self._buffer):
                break
            records.append(bytes(self._buffer[position:end]))
            position = end
        del self._buffer[:position]
        return records

    def payload(self, record: bytes) -> bytes:
        return record[self._HEADER.size :]

    @property
    def pending(self) -> bytes:
        return bytes(self._buffer)


FRAMINGS: dict[str, Callable[[], Framer]] = {
    "lines": LineFramer,
    "cr-lines": lambda: LineFramer(b"\r"),
    "stx-etx": StxEtxFramer,
    "length-le32": LengthPrefixFramer,
}


def new_framer(framing: str) -> Framer:
    """A fresh framer for one connection; ``framing`` is one of :data:`FRAMINGS`."""
    try:
        return FRAMINGS[framing]()
    except KeyError:
        raise ValueError(f"unknown framing {framing!r}; expected one of {sorted(FRAMINGS)}") from None


def split_records(data: bytes, framing: str) -> tuple[list[bytes], bytes]:
    """Complete records in ``data`` and the incomplete tail (empty for a well-formed spool file)."""
    framer = new_framer(framing)
    records = framer.feed(data)
    return records, framer.pending
