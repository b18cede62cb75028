"""From bytes to spooled records: one framer and one replay guard per connection, one spool per source."""

from __future__ import annotations

import threading
from collections.abc import Callable
from types import TracebackType

from ingestion.collect.spool import ReplayGuard, Spool
from ingestion.formats.stream_framing import Framer


class StreamIntake:
    """What every connection of one source feeds; counts connections and framing losses for the status."""

    def __init__(self, spool: Spool, new_framer: Callable[[], Framer]) -> None:
        self.spool = spool
        self._new_framer = new_framer
        self._lock = threading.Lock()
        self.peers: set[str] = set()
        self.connections_total = 0
        self.incomplete_tail_bytes = 0  # bytes of a record cut off by a disconnect (re-sent by a replay)
        self.last_error: str | None = None

    def connection(self, peer: str) -> ConnectionIntake:
        return ConnectionIntake(self, peer, self._new_framer())

    def note_error(self, message: str) -> None:
        self.last_error = message

    def _opened(self, peer: str) -> None:
        with self._lock:
            self.peers.add(peer)
            self.connections_total += 1

    def _closed(self, peer: str, tail: bytes) -> None:
        with self._lock:
            self.peers.discard(peer)
            self.incomplete_tail_bytes += len(tail)


class ConnectionIntake:
    """One connection (socket or serial port): ``feed`` whatever arrived; use as a context manager."""

    def __init__(self, intake: StreamIntake, peer: str, framer: Framer) -> None:
        self.intake = intake
        self.peer = peer
        self.framer = framer
        self.guard = ReplayGuard()
        self.bytes_received = 0

    def feed(self, data: bytes) -> None:
        self.bytes_received += len(data)
        if self.intake.spool.continuous:  # written as it came; the spool finds the record boundaries
            self.intake.spool.append_bytes(data)
            return
        records = self.framer.feed(data)
        if records:
            self.intake.spool.append(records, self.guard)

    def __enter__(self) -> ConnectionIntake:
        self.intake._opened(self.peer)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.intake._closed(self.peer, self.framer.pending)
        if error is not None and isinstance(error, Exception):
            self.intake.note_error(f"{self.peer}: {error}")
