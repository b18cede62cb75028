"""A TCP collector killed with SIGKILL at random moments: across restarts 0 records lost, 0 duplicated.

The simulated PBX behaves like Avaya IP Office: it connects to our listener,
streams records in writes that cut records anywhere, and after every lost
connection reconnects and replays its last 3000 records.
"""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import threading
from pathlib import Path

import pytest

from ingestion.collectors.framing import split_records
from ingestion.collectors.status import read_status
from tests.collector_support import (
    avaya_record,
    free_port,
    landed_bytes,
    spooled_bytes,
    wait_until,
    write_config,
)
from tests.conftest import RINGLEDGER, settings_under

PBX_BUFFER_RECORDS = 3000
RECORDS = [avaya_record(n) for n in range(12_000)]
KILLS = 6


class ReplayingPbx:
    """Streams ``RECORDS`` to the collector; on a broken connection, reconnects and replays its buffer."""

    def __init__(self, port: int, seed: int) -> None:
        self.port = port
        self.rng = random.Random(seed)
        self.sent = 0  # records handed to the socket so far
        self.connections = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.stop.is_set():
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=2) as conn:
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 8192)
                    self.connections += 1
                    self._stream(conn, max(0, self.sent - PBX_BUFFER_RECORDS))
            except OSError:
                self.stop.wait(0.02)

    def _stream(self, conn: socket.socket, position: int) -> None:
        while not self.stop.is_set():
            if position >= len(RECORDS):  # all sent: stay connected, as a quiet PBX does
                if conn.recv(1) == b"":
                    return
                continue
            count = self.rng.randint(1, 50)
            data = b"".join(RECORDS[position : position + count])
            cut = self.rng.randint(0, len(data))  # two writes, split anywhere
            conn.sendall(data[:cut])
            conn.sendall(data[cut:])
            position = min(position + count, len(RECORDS))
            self.sent = max(self.sent, position)


def _start_collector(settings, input_dir: Path) -> subprocess.Popen:
    """Start ``ringledger collect`` and return once its status file says it runs."""
    env = {**os.environ, **settings.as_env()}
    process = subprocess.Popen(
        [RINGLEDGER, "collect", "--input", str(input_dir), "--source", "ipo"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    wait_until(
        lambda: (read_status(settings.spool_dir, "ipo") or {}).get("pid") == process.pid,
        timeout=20,
        what="the collector to start",
    )
    return process


@pytest.mark.timeout(120)
@pytest.mark.parametrize("seed", [11])
def test_collector_killed_at_random_points_loses_and_duplicates_nothing(tmp_path: Path, seed: int):
    port = free_port()
    input_dir = write_config(
        tmp_path / "input",
        f"""
sources:
  - name: ipo
    site: hq
    format: avaya_ipoffice_smdr
    transport: {{kind: tcp-listen, host: 127.0.0.1, port: {port}, fsync_ms: 20, rotate_bytes: 65536}}
""",
    )
    settings = settings_under(tmp_path / "home", input_dir)
    pbx = ReplayingPbx(port, seed)
    pbx.thread.start()
    rng = random.Random(seed)
    connected = 0
    collector = _start_collector(settings, input_dir)
    sent_at_kills: list[int] = []
    try:
        # Random points in the stream, so that every kill falls while records are flowing.
        for target in sorted(rng.sample(range(500, len(RECORDS) - 500), KILLS)):
            wait_until(
                lambda t=target, c=connected: pbx.sent >= t and pbx.connections > c,
                timeout=30,
                what=f"the PBX to reconnect and reach record {target}",
            )
            collector.send_signal(signal.SIGKILL)
            sent_at_kills.append(pbx.sent)
            collector.wait(timeout=10)
            connected = pbx.connections  # the next kill waits for the PBX to stream to the new collector
            collector = _start_collector(settings, input_dir)
        expected = set(RECORDS)

        def everything_arrived() -> bool:
            records, _ = split_records(
                spooled_bytes(settings.spool_dir, settings.landing_dir, "ipo"), "lines"
            )
            return set(records) >= expected

        wait_until(everything_arrived, timeout=60, what="every record to be spooled")
    finally:
        pbx.stop.set()
        pbx.thread.join(timeout=5)
        collector.send_signal(signal.SIGTERM)
        _, errors = collector.communicate(timeout=20)
    assert collector.returncode == 0, errors.decode()
    assert pbx.sent == len(RECORDS) and pbx.connections > KILLS
    print("records sent at each kill:", sent_at_kills)
    landed, tail = split_records(landed_bytes(settings.landing_dir, "ipo"), "lines")
    assert tail == b""
    assert len(landed) == len(set(landed)), f"{len(landed) - len(set(landed))} records duplicated"
    assert landed == RECORDS  # none lost, none twice, in the order the PBX sent them
