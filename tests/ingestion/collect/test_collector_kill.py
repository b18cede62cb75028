"""Every collector killed with SIGKILL at random moments while records flow: 0 lost, 0 duplicated.

``ringledger collect`` is killed, restarted and killed again, ``KILLS`` times, while a simulated
PBX keeps sending ``RECORDS`` (12 000 Avaya IP Office SMDR lines) by one transport:

* tcp-listen: the PBX connects to us and, after every lost connection, reconnects and replays its
  last 3000 records (as IP Office does);
* tcp-connect: we connect to the PBX's SMDR port, which replays its last 3000 records to each new
  client;
* serial: the PBX writes to a pseudo-terminal, in pieces that cut lines anywhere, and replays
  nothing; the test holds the port open as well, so the kernel keeps what the line delivers
  while no collector runs (a real UART closed by its only user receives nothing);
* folder: the PBX writes files of 100 records under an in-progress name and renames them when
  complete; the poller lands them.

Pass: the records landed are the records sent, in the order sent, none lost, none twice.
"""

from __future__ import annotations

import bisect
import itertools
import os
import random
import signal
import socket
import subprocess
import threading
import time
import tty
from collections.abc import Callable
from pathlib import Path

import pytest

from ingestion.collect.landing import read_manifest
from ingestion.collect.status import read_status
from ingestion.formats.stream_framing import split_records
from tests.collector_support import (
    avaya_record,
    free_port,
    landed_bytes,
    spooled_bytes,
    wait_until,
    write_config,
)
from tests.conftest import RINGLEDGER, settings_under

pytestmark = [pytest.mark.reliability, pytest.mark.timeout(180)]

PBX_BUFFER_RECORDS = 3000
RECORDS = [avaya_record(n) for n in range(12_000)]
KILLS = 6
SPOOL = "fsync_ms: 20, rotate_bytes: 65536"


class Pbx:
    """A simulated PBX in a thread: ``sent`` counts the records it has handed to its transport."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.sent = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        raise NotImplementedError

    def start(self) -> None:
        self.thread.start()

    def finish(self) -> None:
        self.stop.set()
        self.thread.join(timeout=10)

    def _pieces(self, position: int) -> tuple[int, bytes]:
        """The next 1-50 records from ``position``: where they end, and their bytes."""
        end = min(position + self.rng.randint(1, 50), len(RECORDS))
        return end, b"".join(RECORDS[position:end])


class ReplayingPbx(Pbx):
    """Streams over a socket; each new connection starts again ``PBX_BUFFER_RECORDS`` back."""

    def _stream(self, conn: socket.socket) -> None:
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 8192)
        position = max(0, self.sent - PBX_BUFFER_RECORDS)
        while not self.stop.is_set():
            if position >= len(RECORDS):  # all sent: stay connected, as a quiet PBX does
                if conn.recv(1) == b"":
                    return
                continue
            position, data = self._pieces(position)
            cut = self.rng.randint(0, len(data))  # two writes, split anywhere
            conn.sendall(data[:cut])
            conn.sendall(data[cut:])
            self.sent = max(self.sent, position)
            time.sleep(0.0005)


class DialingPbx(ReplayingPbx):
    """tcp-listen: the PBX connects to the collector, and reconnects whenever the connection drops."""

    def __init__(self, seed: int, port: int) -> None:
        super().__init__(seed)
        self.port = port

    def _run(self) -> None:
        while not self.stop.is_set():
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=2) as conn:
                    conn.settimeout(2)
                    self._stream(conn)
            except OSError:
                self.stop.wait(0.02)


class ListeningPbx(ReplayingPbx):
    """tcp-connect: the PBX's SMDR port; the collector connects to it."""

    def __init__(self, seed: int) -> None:
        super().__init__(seed)
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.1)
        self.port = self.server.getsockname()[1]

    def _run(self) -> None:
        with self.server:
            while not self.stop.is_set():
                try:
                    conn, _ = self.server.accept()
                except TimeoutError:
                    continue
                try:
                    with conn:
                        conn.settimeout(2)
                        self._stream(conn)
                except OSError:
                    pass


class SerialPbx(Pbx):
    """Writes the records to a pseudo-terminal in pieces of 1-800 bytes; a full line blocks the writer."""

    def __init__(self, seed: int) -> None:
        super().__init__(seed)
        self.controller, self.device = os.openpty()
        tty.setraw(self.device)  # the port's settings before the collector first opens it
        self.path = os.ttyname(self.device)

    def _run(self) -> None:
        stream = b"".join(RECORDS)
        ends = list(itertools.accumulate(len(record) for record in RECORDS))
        position = 0
        while position < len(stream) and not self.stop.is_set():
            piece = stream[position : position + self.rng.randint(1, 800)]
            position += os.write(self.controller, piece)
            self.sent = bisect.bisect_right(ends, position)  # records written whole so far
            time.sleep(0.0005)

    def finish(self) -> None:
        super().finish()
        os.close(self.controller)
        os.close(self.device)


class FolderPbx(Pbx):
    """Writes files of 100 records as ``.tmp`` and renames each when complete, every 50-200 ms."""

    PER_FILE = 100

    def __init__(self, seed: int, folder: Path) -> None:
        super().__init__(seed)
        self.folder = folder
        folder.mkdir(parents=True)

    def _run(self) -> None:
        for number, start in enumerate(range(0, len(RECORDS), self.PER_FILE)):
            if self.stop.is_set():
                return
            final = self.folder / f"smdr-{number:04d}.log"
            partial = final.with_suffix(".tmp")
            partial.write_bytes(b"".join(RECORDS[start : start + self.PER_FILE]))
            partial.rename(final)
            self.sent = min(start + self.PER_FILE, len(RECORDS))
            self.stop.wait(self.rng.uniform(0.05, 0.2))


def _start_collector(settings, input_dir: Path) -> subprocess.Popen:
    """Start ``ringledger collect`` and return once its status file says it runs."""
    env = {**os.environ, **settings.as_env()}
    process = subprocess.Popen(
        [RINGLEDGER, "collect", "--input", str(input_dir), "--source", "pbx", "--poll-seconds", "0.05"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    wait_until(
        lambda: (read_status(settings.spool_dir, "pbx") or {}).get("pid") == process.pid,
        timeout=20,
        what="the collector to start",
    )
    return process


def _landed_records(settings) -> list[bytes]:
    records, tail = split_records(landed_bytes(settings.landing_dir, "pbx"), "lines")
    assert tail == b""
    return records


def _folder_records(settings) -> list[bytes]:
    """The records of the landed files, in file name order (each file whole, as the PBX wrote it)."""
    entries = sorted(read_manifest(settings.landing_dir), key=lambda e: e.original_name)
    data = b"".join((settings.landing_dir / e.landed_path).read_bytes() for e in entries)
    return split_records(data, "lines")[0]


def _transport(kind: str, tmp_path: Path, seed: int) -> tuple[str, Pbx, Callable]:
    """The source's transport YAML, its simulated PBX, and how to read what it landed."""
    if kind == "tcp-listen":
        port = free_port()
        yaml = f"{{kind: tcp-listen, host: 127.0.0.1, port: {port}, {SPOOL}}}"
        return yaml, DialingPbx(seed, port), _landed_records
    if kind == "tcp-connect":
        pbx = ListeningPbx(seed)
        options = "backoff_initial_seconds: 0.02, backoff_max_seconds: 0.1"
        yaml = f"{{kind: tcp-connect, host: 127.0.0.1, port: {pbx.port}, {options}, {SPOOL}}}"
        return yaml, pbx, _landed_records
    if kind == "serial":
        pbx = SerialPbx(seed)
        options = "baudrate: 115200, backoff_initial_seconds: 0.02, backoff_max_seconds: 0.1"
        return f"{{kind: serial, device: '{pbx.path}', {options}, {SPOOL}}}", pbx, _landed_records
    folder = tmp_path / "input" / "pbx" / "ipo"
    return "{kind: folder}", FolderPbx(seed, folder), _folder_records


def _everything_arrived(kind: str, settings) -> bool:
    if kind == "folder":
        return len(read_manifest(settings.landing_dir)) == len(RECORDS) // FolderPbx.PER_FILE
    records, _ = split_records(spooled_bytes(settings.spool_dir, settings.landing_dir, "pbx"), "lines")
    return len(records) >= len(RECORDS) and set(records) >= set(RECORDS)


@pytest.mark.parametrize("kind", ["tcp-listen", "tcp-connect", "serial", "folder"])
def test_collector_killed_at_random_points_loses_and_duplicates_nothing(tmp_path: Path, kind: str):
    seed = 11
    transport, pbx, landed_records = _transport(kind, tmp_path, seed)
    input_dir = write_config(
        tmp_path / "input",
        f"""
sources:
  - name: pbx
    site: hq
    format: avaya_ipoffice_smdr
    location: pbx/ipo
    pattern: "smdr-*.log"
    transport: {transport}
""",
    )
    settings = settings_under(tmp_path / "home", input_dir)
    rng = random.Random(seed)
    collector = _start_collector(settings, input_dir)
    pbx.start()
    sent_at_kills: list[int] = []
    try:
        for _ in range(KILLS):
            # A random point while records flow to this collector: some records on, then a random instant.
            target = min(pbx.sent + rng.randint(100, 1500), len(RECORDS) - 200)
            wait_until(lambda t=target: pbx.sent >= t, timeout=30, what=f"the PBX to reach record {target}")
            time.sleep(rng.uniform(0, 0.02))
            collector.send_signal(signal.SIGKILL)
            sent_at_kills.append(pbx.sent)
            collector.wait(timeout=10)
            collector = _start_collector(settings, input_dir)
        wait_until(lambda: pbx.sent == len(RECORDS), timeout=60, what="the PBX to send everything")
        try:
            wait_until(lambda: _everything_arrived(kind, settings), timeout=30, what="every record")
        except AssertionError:
            pass  # what is missing shows in the figures below
    finally:
        pbx.finish()
        collector.send_signal(signal.SIGTERM)
        _, errors = collector.communicate(timeout=20)
    assert collector.returncode == 0, errors.decode()
    landed = landed_records(settings)
    lost = len(set(RECORDS) - set(landed))
    duplicated = len(landed) - len(set(landed))
    print(
        f"\n{kind}: {KILLS} kills (PBX had sent {sent_at_kills} records at each), "
        f"records sent {len(RECORDS)}, landed {len(landed)}, lost {lost}, duplicated {duplicated}"
    )
    if kind == "serial":
        # A serial line has no acknowledgement and no replay: a SIGKILL after the collector's read()
        # returned and before its write reached the spool loses what that read held, at most the
        # kernel's 4 KB buffer (seen once under load: 36 records). Nothing else may be missing.
        per_kill = -(-4096 // min(len(r) for r in RECORDS)) + 1
        assert lost <= KILLS * per_kill and duplicated == 0, (lost, duplicated)
        order = {record: n for n, record in enumerate(RECORDS)}
        # ... and when the lost read ended inside a record, the record's tail arrives first on the
        # next read: it lands as a line of its own (every byte is kept; raw load quarantines it)
        fragments = [r for r in landed if r not in order]
        assert len(fragments) <= KILLS and all(any(r.endswith(f) for r in RECORDS) for f in fragments)
        whole = [r for r in landed if r in order]
        assert whole == sorted(whole, key=order.__getitem__)
    else:
        assert lost == 0 and duplicated == 0
        assert landed == RECORDS  # and in the order the PBX sent them
    if kind != "folder":  # the status says when the collector was down and what became of the input
        shown = subprocess.run(
            [RINGLEDGER, "collect", "--input", str(input_dir), "--status"],
            env={**os.environ, **settings.as_env()},
            capture_output=True,
            text=True,
        ).stdout
        expected = "lost: a closed serial port receives nothing" if kind == "serial" else "re-sent"
        assert "not collecting from" in shown and expected in shown, shown
