"""Run one source's collector until stopped: the transport's reader, the spool's duties, the status file."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ingestion.collect import serial_line, tcp
from ingestion.collect.intake import StreamIntake
from ingestion.collect.spool import Spool
from ingestion.collect.status import (
    STATUS_EVERY_SECONDS,
    CollectorStatus,
    read_status,
    utc_now,
    write_status,
)
from ingestion.config.company import Source
from ingestion.formats.stream_framing import new_framer

TICK_SECONDS = 0.05
READERS: dict[str, Callable[..., None]] = {
    "tcp-listen": tcp.listen,
    "tcp-connect": tcp.connect,
    "serial": serial_line.read_serial,
}
INPUT_WHILE_DOWN: dict[str, Callable[..., str]] = {
    "tcp-listen": tcp.input_while_down,
    "tcp-connect": tcp.input_while_down,
    "serial": serial_line.input_while_down,
}


class CollectorBusy(RuntimeError):
    """Another process already collects this source (two writers would corrupt its spool)."""


@contextmanager
def exclusive(directory: Path) -> Iterator[None]:
    """Hold the source's collector lock; the kernel releases it when the process dies, however it dies."""
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / ".collector.lock").open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise CollectorBusy(f"{directory.name}: another collector holds {lock.name}") from None
        yield


def _refresh(status: CollectorStatus, spool: Spool, intake: StreamIntake) -> None:
    stats = spool.stats
    status.records_spooled = stats.records_spooled
    status.replays_dropped = stats.replays_dropped
    status.files_landed = stats.chunks_landed
    status.last_record_at = stats.last_record_at or status.last_record_at
    status.peers = sorted(intake.peers)
    status.connections_open = len(status.peers)
    status.connections_total = intake.connections_total
    status.last_error = stats.last_error or intake.last_error
    status.state = "receiving" if status.peers else "waiting"


def run_stream_collector(source: Source, spool_root: Path, landing_dir: Path, stop: threading.Event) -> int:
    """Collect a TCP or serial source until ``stop`` is set; returns 0, or 1 if its reader crashed."""
    transport = source.stream_transport
    settings = transport.spool
    directory = spool_root / source.name
    with exclusive(directory):
        previous = read_status(spool_root, source.name) or {}
        status = CollectorStatus(
            source=source.name,
            transport=transport.kind,
            state="starting",
            last_record_at=previous.get("last_record_at"),
            input_while_down=INPUT_WHILE_DOWN[transport.kind](transport),
            down_from=previous.get("updated_at"),
            down_until=utc_now() if previous else None,
        )
        write_status(spool_root, status)
        # A serial line is one stream nobody re-sends: keep even its incomplete last record.
        continuous = transport.kind == "serial" and settings.replay_window == 0
        spool = Spool(directory, source, landing_dir, settings, continuous=continuous)
        spool.open()
        intake = StreamIntake(spool, lambda: new_framer(settings.framing))
        reader = threading.Thread(
            target=READERS[transport.kind],
            args=(transport, intake, stop),
            name=f"{source.name}-reader",
            daemon=True,
        )
        reader.start()
        next_status = 0.0
        try:
            while not stop.wait(TICK_SECONDS):
                spool.tick()
                if not reader.is_alive():
                    status.last_error = f"{transport.kind} reader stopped unexpectedly"
                    break
                if time.monotonic() >= next_status:
                    _refresh(status, spool, intake)
                    write_status(spool_root, status)
                    next_status = time.monotonic() + STATUS_EVERY_SECONDS
        finally:
            stop.set()
            reader.join(timeout=5)
            spool.close(rotate=True)
            crashed = status.last_error == f"{transport.kind} reader stopped unexpectedly"
            _refresh(status, spool, intake)
            status.state = "failed" if crashed else "stopped"
            status.pid = os.getpid()
            write_status(spool_root, status)
        return 1 if crashed else 0
