"""``ringledger collect``: run the collector of one or more sources until stopped, or show every status.

Stream sources (TCP, serial) spool and land chunks; file sources (folder, S3,
SFTP) are polled and their complete files landed. SIGTERM or Ctrl-C stops
cleanly: the spool is fsynced and its active chunk landed.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from ingestion.collect.file_poller import run_file_collector
from ingestion.collect.landing import read_manifest
from ingestion.collect.runner import CollectorBusy, run_stream_collector
from ingestion.collect.status import health, quarantined_files, read_status
from ingestion.config.company import Source, load_sources
from ingestion.config.errors import ConfigError
from ingestion.config.settings import Settings


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--input", type=Path, help="folder holding config/sources.yml (default: RINGLEDGER_INPUT)"
    )
    parser.add_argument("--source", action="append", default=[], help="collect this source (repeatable)")
    parser.add_argument("--status", action="store_true", help="print each source's collector health and exit")
    parser.add_argument(
        "--poll-seconds", type=float, default=30.0, help="how often file sources are listed (default 30)"
    )


def _print_statuses(sources: list[Source], spool_dir: Path, landing_dir: Path) -> int:
    print(f"{'source':<20} {'transport':<12} {'health':<10} {'last record (UTC)':<30} {'records':>9}  error")
    unhealthy = 0
    manifest = read_manifest(landing_dir)
    for source in sources:
        status = read_status(spool_dir, source.name)
        state = health(status)
        unhealthy += state in ("down", "stale", "error")
        status = status or {}
        print(
            f"{source.name:<20} {source.transport.kind:<12} {state:<10} "
            f"{status.get('last_record_at') or '-':<30} {status.get('records_spooled', 0):>9}  "
            f"{status.get('last_error') or ''}"
        )
        if status.get("down_from"):
            print(
                f"  not collecting from {status['down_from']} to {status['down_until']}; "
                f"what the PBX sent meanwhile: {status['input_while_down']}"
            )
        for file in quarantined_files(manifest, source.name):
            later = " (a version that decodes landed later)" if file.replaced else ""
            print(f"  quarantined {file.name}, landed {file.landed_at}: {file.reason}{later}")
    return 1 if unhealthy else 0


def _collect(source: Source, settings: Settings, stop: threading.Event, poll_seconds: float) -> int:
    if source.transport.is_stream:
        return run_stream_collector(source, settings.spool_dir, settings.landing_dir, stop)
    return run_file_collector(source, settings.spool_dir, settings.landing_dir, stop, poll_seconds)


def run(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    try:
        sources = load_sources(args.input or settings.input_dir)
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    if args.status:
        wanted = [s for s in sources if not args.source or s.name in args.source]
        return _print_statuses(wanted, settings.spool_dir, settings.landing_dir)
    by_name = {s.name: s for s in sources}
    unknown = [name for name in args.source if name not in by_name]
    if not args.source or unknown:
        print(f"name the source(s) to collect with --source; known: {sorted(by_name)}", file=sys.stderr)
        return 2
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    results: dict[str, int] = {}

    def collect(source: Source) -> None:
        try:
            results[source.name] = _collect(source, settings, stop, args.poll_seconds)
        except CollectorBusy as exc:
            print(exc, file=sys.stderr)
            results[source.name] = 3
            stop.set()

    workers = [threading.Thread(target=collect, args=(by_name[name],), name=name) for name in args.source]
    for worker in workers:
        worker.start()
    while any(w.is_alive() for w in workers):
        for worker in workers:
            worker.join(timeout=0.2)
    return max(results.values(), default=0)
