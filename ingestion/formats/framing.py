"""Cutting records out of a byte stream where lines are not the unit: STX/ETX frames, length prefixes."""

from __future__ import annotations

from collections.abc import Iterator

from ingestion.formats.definition import Frame

STX, ETX = 0x02, 0x03
_MAX_LENGTH_PREFIXED_RECORD = 4096


def lines(data: bytes) -> Iterator[Frame]:
    """Every non-empty line: (line number, 0-based byte offset, line without CR LF)."""
    offset = 0
    for number, line in enumerate(data.split(b"\n"), start=1):
        if line.strip(b"\r"):
            yield number, offset, line.rstrip(b"\r")
        offset += len(line) + 1


def stx_etx_frames(data: bytes) -> Iterator[Frame]:
    """The payload of every STX ... ETX frame, numbered 1, 2, ...; bytes outside frames are not records.

    An STX without its ETX (a cut stream) yields what follows it, so that the
    record is quarantined with its offset instead of disappearing.
    """
    start, number = data.find(STX), 0
    while start != -1:
        number += 1
        end = data.find(ETX, start + 1)
        next_start = data.find(STX, start + 1)
        if end == -1 or (next_start != -1 and next_start < end):
            cut = len(data) if next_start == -1 else next_start
            yield number, start, data[start + 1 : cut]
            start = next_start
            continue
        yield number, start, data[start + 1 : end]
        start = data.find(STX, end + 1)


def length_prefixed_or_lines(data: bytes) -> Iterator[Frame]:
    """Mitel 5000 TCP records (4-byte little-endian length, then the record; numbered 1, 2, ...) or lines."""
    if not _looks_length_prefixed(data):
        yield from lines(data)
        return
    offset, number = 0, 1
    while offset + 4 <= len(data):
        size = int.from_bytes(data[offset : offset + 4], "little")
        if size == 0 or size > _MAX_LENGTH_PREFIXED_RECORD:
            yield number, offset, data[offset:]  # lost framing: the rest is one bad record
            return
        yield number, offset, data[offset + 4 : offset + 4 + size].rstrip(b"\r\n")
        offset, number = offset + 4 + size, number + 1
    if offset < len(data):
        yield number, offset, data[offset:]


def _looks_length_prefixed(data: bytes) -> bool:
    if len(data) < 6:
        return False
    size = int.from_bytes(data[:4], "little")
    return 0 < size <= _MAX_LENGTH_PREFIXED_RECORD and data[4 + size - 2 : 4 + size] == b"\r\n"
