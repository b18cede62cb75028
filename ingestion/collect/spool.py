"""The durable spool of a stream collector: append records, fsync by policy, rotate chunks into landing.

Layout, one folder per source::

    active.stream                     records being appended (complete records only, as received)
    chunks/<source>-<seq>.stream      rotated, fsynced, waiting to land
    chunks/<source>-<seq>.stream.landed   landed; kept only while the replay window needs it

Crash rules (a collector may be killed at any instruction):

* A record is written with one ``write`` after it is complete; a kill leaves at
  most a partial record at the tail of ``active.stream``, which the restart cuts
  off (the PBX still holds it: it is re-sent with the replay of its buffer).
  Written bytes survive a killed process; ``fsync`` (per write, or at most
  ``fsync_ms`` later) makes them survive a power cut too.
* Rotation renames ``active.stream`` into ``chunks/`` before landing it, and
  landing is idempotent by content, so a kill anywhere in between lands the
  chunk exactly once on restart.

A *continuous* spool (a serial line: one byte stream that nobody re-sends)
writes bytes as they arrive, the incomplete last record included, since no one
would send its first part again; a restart continues that record where it
stopped. Only what a single read returned is ever held in memory alone. Its
rotation carries the incomplete record into the new active file by way of
``active.next``, in an order a restart can finish or undo from what it finds.

Replay rule: a PBX that reconnects may re-send records it had already sent.
Each connection starts in *replay mode*: while its records are byte-identical
to one of the last ``replay_window`` records spooled for the source, they are
dropped as replays; the first record that is not ends replay mode for that
connection, and everything after it is spooled, identical or not. So a record
is never spooled twice by a replay that stays within the window, and two
genuinely identical records in the normal flow are both kept. The window must
be larger than the PBX's buffer (Avaya IP Office keeps 3000 records) and it
is rebuilt from disk on restart.
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ingestion.collect.landing import land_files
from ingestion.config.company import Source
from ingestion.config.transports import SpoolSettings
from ingestion.formats.stream_framing import FramingError, new_framer, split_records

ACTIVE_NAME = "active.stream"
NEXT_NAME = "active.next"  # a continuous spool's incomplete record, on its way into the next active file
CHUNK_SUFFIX = ".stream"
LANDED_SUFFIX = ".landed"
LANDING_RETRY_SECONDS = 5.0


class RecentRecords:
    """The last ``size`` records spooled, for replay detection (a multiset with insertion order)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._order: deque[bytes] = deque()
        self._counts: dict[bytes, int] = {}

    def add(self, record: bytes) -> None:
        if self._size == 0:
            return
        self._order.append(record)
        self._counts[record] = self._counts.get(record, 0) + 1
        if len(self._order) > self._size:
            oldest = self._order.popleft()
            left = self._counts[oldest] - 1
            if left:
                self._counts[oldest] = left
            else:
                del self._counts[oldest]

    def __contains__(self, record: bytes) -> bool:
        return record in self._counts

    def __len__(self) -> int:
        return len(self._order)


@dataclass
class ReplayGuard:
    """Replay state of one connection (see the module's replay rule)."""

    replaying: bool = True
    dropped: int = 0


@dataclass
class SpoolStats:
    records_spooled: int = 0
    replays_dropped: int = 0
    chunks_landed: int = 0
    last_record_at: str | None = None
    last_error: str | None = None


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _write_synced(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        _write_all(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


class Spool:
    """One source's spool; thread-safe, so several connections may append at once."""

    def __init__(
        self,
        directory: Path,
        source: Source,
        landing_dir: Path,
        settings: SpoolSettings,
        continuous: bool = False,
    ) -> None:
        self.directory = directory
        self.source = source
        self.landing_dir = landing_dir
        self.settings = settings
        self.continuous = continuous  # fed by append_bytes (see the module's continuous spool)
        self.stats = SpoolStats()
        self._chunks = directory / "chunks"
        self._active = directory / ACTIVE_NAME
        self._next = directory / NEXT_NAME
        self._framer = new_framer(settings.framing)  # a continuous spool's record boundaries
        self._lock = threading.Lock()
        self._recent = RecentRecords(settings.replay_window)
        self._chunk_records: dict[str, int] = {}
        self._fd = -1
        self._size = 0
        self._opened_at = 0.0
        self._unsynced_since: float | None = None
        self._next_sequence = 1
        self._last_landing_attempt = 0.0

    # --- lifecycle -------------------------------------------------------------------------
    def open(self) -> None:
        """Recover after any stop: cut a partial tail, land rotated chunks, rebuild the replay window."""
        self._chunks.mkdir(parents=True, exist_ok=True)
        existing = [self._sequence_of(chunk) for chunk in self._chunks.glob(f"*{CHUNK_SUFFIX}*")]
        self._next_sequence = max(existing, default=0) + 1
        self._finish_rotation()
        active_records = self._recover_active()
        self._land_pending()
        for chunk in self._landed_chunks():
            for record in self._records_in(chunk):
                self._recent.add(record)
        for record in active_records:
            self._recent.add(record)
        self._fd = os.open(self._active, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self._size = os.fstat(self._fd).st_size
        self._opened_at = time.monotonic()

    def close(self, rotate: bool = True) -> None:
        """Fsync, and land what the active file holds (on a clean stop)."""
        with self._lock:
            if self._fd < 0:
                return
            self._sync()
            if rotate:
                self._rotate()
            os.close(self._fd)
            self._fd = -1

    # --- writing ---------------------------------------------------------------------------
    def append(self, records: Iterable[bytes], guard: ReplayGuard) -> int:
        """Spool complete records from one connection; returns how many were new (not replays)."""
        with self._lock:
            accepted = []
            for record in records:
                if guard.replaying and record in self._recent:
                    guard.dropped += 1
                    self.stats.replays_dropped += 1
                    continue
                guard.replaying = False
                accepted.append(record)
                self._recent.add(record)
            if not accepted:
                return 0
            data = b"".join(accepted)
            _write_all(self._fd, data)
            self._size += len(data)
            self.stats.records_spooled += len(accepted)
            self.stats.last_record_at = datetime.now(UTC).isoformat(timespec="milliseconds")
            now = time.monotonic()
            if self._unsynced_since is None:
                self._unsynced_since = now
            self._sync_if_due(now)
            if self._size >= self.settings.rotate_bytes:
                self._rotate()
            return len(accepted)

    def append_bytes(self, data: bytes) -> int:
        """Continuous spools: write ``data`` as it came; returns how many records it completed."""
        with self._lock:
            _write_all(self._fd, data)
            self._size += len(data)
            try:
                completed = len(self._framer.feed(data))
            except FramingError as exc:  # kept as received: the overlong bytes end here, as one record
                self.stats.last_error = f"{self.source.name}: {exc}"
                self._framer = new_framer(self.settings.framing)
                completed = 1
            now = time.monotonic()
            if self._unsynced_since is None:
                self._unsynced_since = now
            self._sync_if_due(now)
            if completed:
                self.stats.records_spooled += completed
                self.stats.last_record_at = datetime.now(UTC).isoformat(timespec="milliseconds")
                if self._size >= self.settings.rotate_bytes:
                    self._rotate()
            return completed

    def tick(self) -> None:
        """Periodic duties: the interval fsync, rotation by age, retrying a failed landing."""
        with self._lock:
            if self._fd < 0:
                return
            now = time.monotonic()
            self._sync_if_due(now)
            if self._size and now - self._opened_at >= self.settings.rotate_seconds:
                self._rotate()
            elif now - self._last_landing_attempt >= LANDING_RETRY_SECONDS and self._pending_chunks():
                self._land_pending()

    def rotate(self) -> None:
        with self._lock:
            self._rotate()

    # --- internals -------------------------------------------------------------------------
    def _sync_if_due(self, now: float) -> None:
        if self._unsynced_since is None:
            return
        if (now - self._unsynced_since) * 1000 >= self.settings.fsync_ms:
            self._sync()

    def _sync(self) -> None:
        if self._unsynced_since is not None:
            os.fsync(self._fd)
            self._unsynced_since = None

    def _chunk_path(self) -> Path:
        return self._chunks / f"{self.source.name}-{self._next_sequence:08d}{CHUNK_SUFFIX}"

    def _rotate(self) -> None:
        """Move the active file's complete records into ``chunks/`` and land them.

        A continuous spool's incomplete record goes on in the new active file: (1) written to
        ``active.next``, (2) cut from the active file, (3) the active file renamed into ``chunks/``,
        (4) ``active.next`` renamed to the active file; ``_finish_rotation`` repairs a kill in between.
        """
        tail = self._framer.pending if self.continuous else b""
        if self._size - len(tail) == 0:
            return
        self._sync()
        if tail:
            _write_synced(self._next, tail)
            os.truncate(self._active, self._size - len(tail))
            os.fsync(self._fd)
        os.close(self._fd)
        os.replace(self._active, self._chunk_path())
        _fsync_dir(self._chunks)
        if tail:
            os.replace(self._next, self._active)
        _fsync_dir(self.directory)
        self._next_sequence += 1
        self._fd = os.open(self._active, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self._size = len(tail)
        self._opened_at = time.monotonic()
        self._land_pending()

    def _finish_rotation(self) -> None:
        """Undo a rotation killed after step 1, or finish one killed after step 2 or 3 (see ``_rotate``)."""
        if not self._next.exists():
            return
        if self._active.exists() and self._active.stat().st_size:
            _, tail = split_records(self._active.read_bytes(), self.settings.framing)
            if tail:  # killed before the cut: the active file still ends with the incomplete record
                self._next.unlink()
                return
            os.replace(self._active, self._chunk_path())
            self._next_sequence += 1
            _fsync_dir(self._chunks)
        os.replace(self._next, self._active)
        _fsync_dir(self.directory)

    def _recover_active(self) -> list[bytes]:
        """The active file's complete records; its incomplete tail is cut, or continued if continuous."""
        if not self._active.exists():
            return []
        data = self._active.read_bytes()
        records, tail = split_records(data, self.settings.framing)
        if self.continuous:
            self._framer.feed(tail)
        elif tail:
            os.truncate(self._active, len(data) - len(tail))
        return records

    def _sequence_of(self, chunk: Path) -> int:
        return int(chunk.name.split(CHUNK_SUFFIX)[0].rsplit("-", 1)[1])

    def _pending_chunks(self) -> list[Path]:
        return sorted(self._chunks.glob(f"*{CHUNK_SUFFIX}"))

    def _landed_chunks(self) -> list[Path]:
        return sorted(self._chunks.glob(f"*{CHUNK_SUFFIX}{LANDED_SUFFIX}"))

    def _records_in(self, chunk: Path) -> list[bytes]:
        records, _ = split_records(chunk.read_bytes(), self.settings.framing)
        self._chunk_records[chunk.name] = len(records)
        return records

    def _land_pending(self) -> None:
        self._last_landing_attempt = time.monotonic()
        for chunk in self._pending_chunks():
            try:
                land_files(self.source, [chunk], self.landing_dir)
            except OSError as exc:
                self.stats.last_error = f"landing {chunk.name} failed: {exc}"
                return
            landed = chunk.with_name(chunk.name + LANDED_SUFFIX)
            os.replace(chunk, landed)
            self.stats.chunks_landed += 1
        _fsync_dir(self._chunks)
        self._prune(self._landed_chunks())

    def _prune(self, landed: list[Path]) -> None:
        """Keep the newest landed chunks the replay window may still need (always the newest one)."""
        needed = self.settings.replay_window
        kept = 0
        for index, chunk in enumerate(reversed(landed)):
            if index > 0 and kept >= needed:
                chunk.unlink()
                self._chunk_records.pop(chunk.name, None)
                continue
            count = self._chunk_records.get(chunk.name)
            kept += count if count is not None else len(self._records_in(chunk))
