"""TCP collector throughput: sustained lines/s into the spool with zero loss, and the collector's peak RSS.

Runs the real ``ringledger collect`` process on 127.0.0.1, streams N SMDR lines
at it as fast as the socket takes them, waits until every byte is on disk,
stops the collector cleanly and checks that the landed chunks equal what was sent.

    .venv/bin/python -m bench.tcp_collector_bench [--records 1000000] [--fsync-ms 0 50]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ingestion.collect.landing import read_manifest
from tests.collector_support import avaya_record, free_port, landed_bytes, wait_until, write_config
from tests.conftest import RINGLEDGER, settings_under


def _peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _spooled_size(spool: Path, landing: Path) -> int:
    """Bytes on disk so far: landed chunks (from the manifest), chunks waiting to land, the active file."""
    folder = spool / "ipo"
    waiting = [folder / "active.stream", *(folder / "chunks").glob("*.stream")]
    landed = sum(entry.size for entry in read_manifest(landing) if entry.source == "ipo")
    return landed + sum(f.stat().st_size for f in waiting if f.exists())


def run_once(records: int, fsync_ms: int, work: Path) -> dict[str, float]:
    port = free_port()
    input_dir = write_config(
        work / "input",
        "sources:\n  - {name: ipo, site: hq, format: avaya_ipoffice_smdr, transport: "
        f"{{kind: tcp-listen, host: 127.0.0.1, port: {port}, fsync_ms: {fsync_ms}}}}}\n",
    )
    settings = settings_under(work / "home", input_dir)
    payload = b"".join(avaya_record(n) for n in range(records))
    collector = subprocess.Popen(
        [RINGLEDGER, "collect", "--input", str(input_dir), "--source", "ipo"],
        env={**os.environ, **settings.as_env()},
    )
    try:
        wait_until(lambda: _connectable(port), timeout=30, what="the listener")
        started = time.perf_counter()
        with socket.create_connection(("127.0.0.1", port)) as pbx:
            for offset in range(0, len(payload), 1 << 16):
                pbx.sendall(payload[offset : offset + (1 << 16)])
        # Pruned landed chunks leave the spool folder: count landed bytes too.
        wait_until(
            lambda: (
                _spooled_size(settings.spool_dir, settings.landing_dir) >= len(payload)
                or len(landed_bytes(settings.landing_dir, "ipo")) >= len(payload)
            ),
            timeout=600,
            what="every byte spooled",
        )
        elapsed = time.perf_counter() - started
        peak = _peak_rss_mib(collector.pid)
    finally:
        collector.send_signal(signal.SIGTERM)
        collector.wait(timeout=60)
    landed = landed_bytes(settings.landing_dir, "ipo")
    lost = len(payload.split(b"\n")) - len(landed.split(b"\n"))
    identical = hashlib.sha256(landed).digest() == hashlib.sha256(payload).digest()
    return {
        "lines_per_s": records / elapsed,
        "seconds": elapsed,
        "peak_rss_mib": peak,
        "lost": lost,
        "ok": identical,
    }


def _connectable(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--fsync-ms", type=int, nargs="+", default=[0, 50])
    parser.add_argument("--json", action="store_true", help="also print each result as a JSON line")
    args = parser.parse_args(argv)
    failed = False
    for fsync_ms in args.fsync_ms:
        with tempfile.TemporaryDirectory(prefix="ringledger-tcp-bench-") as work:
            result = run_once(args.records, fsync_ms, Path(work))
        policy = "every write" if fsync_ms == 0 else f"every {fsync_ms} ms"
        print(
            f"TCP collector, fsync {policy}: {args.records:,} lines in {result['seconds']:.2f} s = "
            f"{result['lines_per_s']:,.0f} lines/s; lost {result['lost']}, "
            f"landed bytes identical: {result['ok']}; "
            f"peak RSS {result['peak_rss_mib']:.0f} MiB"
        )
        if args.json:
            print(json.dumps({**result, "records": args.records, "fsync_ms": fsync_ms}), flush=True)
        failed |= not result["ok"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
