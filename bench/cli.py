"""``python -m bench``: benchmark the whole pipeline at one or more scales (``make bench``)."""

from __future__ import annotations

import argparse
import os
from datetime import UTC, datetime
from pathlib import Path

from bench import ingestion, report
from bench.company import Company, cached_company
from bench.run import benchmark
from ingestion.config.settings import REPO_ROOT

SMOKE = Company(calls=3000, days=14, employees=60, seed=7)
SMOKE_RECORDS = 20_000
DASHBOARD_REPEATS = 20
STREAM_RECORDS = 3


def _call_counts(values: list[str]) -> list[int]:
    counts = [int(part.replace("_", "")) for value in values for part in value.split(",") if part.strip()]
    if any(c <= 0 for c in counts):
        raise argparse.ArgumentTypeError("--calls takes positive whole numbers")
    return counts


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    add = p.add_argument
    add("--calls", action="append", default=[], metavar="N[,N...]",
        help="calls in the generated company; repeat or comma-separate (default 1000000)")  # fmt: skip
    add("--smoke", action="store_true",
        help=f"a tiny run ({SMOKE.calls} calls, {SMOKE.days} days) that checks the harness")  # fmt: skip
    add("--cache-dir", type=Path, default=REPO_ROOT / "var" / "bench-cache",
        help="generated companies, one folder per parameter set (default: %(default)s)")  # fmt: skip
    add("--work-dir", type=Path, default=REPO_ROOT / "var" / "bench-work",
        help="homes of the runs, replaced at every run (default: %(default)s)")  # fmt: skip
    add("--out", type=Path, default=REPO_ROOT / "bench" / "results",
        help="folder for <timestamp>-<calls>.json (default: %(default)s)")  # fmt: skip
    add("--repeats", type=int, default=DASHBOARD_REPEATS,
        help="runs of each dashboard query (default: %(default)s)")  # fmt: skip
    add("--superset-sql", action="store_true",
        help="take chart SQL from a temporary Superset (chart-data API) instead of the YAML")  # fmt: skip
    add("--profile-views", action="store_true",
        help="also time reading every dbt view whole (where a table's build time goes)")  # fmt: skip
    add("--ingestion-records", action="append", default=[], metavar="N[,N...]",
        help="records per format file for landing-to-raw figures (default 1000000,10000000)")  # fmt: skip
    add("--tcp-records", type=int, default=1_000_000,
        help="lines streamed at the TCP collector (default: %(default)s)")  # fmt: skip
    add("--stream-records", type=int, default=STREAM_RECORDS,
        help="records streamed one by one to a sensor-driven installation, timed until served; 0 skips "
             "(default: %(default)s)")  # fmt: skip
    add("--no-ingestion", action="store_true", help="skip the per-format and TCP collector figures")
    return p


def run_one(company: Company, args: argparse.Namespace, ingestion_steps: list[dict]) -> Path:
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    generated, generate_seconds = cached_company(company, args.cache_dir.resolve())
    load_before = [round(x, 2) for x in os.getloadavg()]
    options = {
        "repeats": args.repeats,
        "superset_sql": args.superset_sql,
        "profile_views": args.profile_views,
        "stream_records": args.stream_records,
    }
    results = benchmark(company, generated, args.work_dir.resolve() / str(company.calls), options)
    results["steps"] += ingestion_steps
    results.update(
        started_at=started_at,
        calls=company.calls,
        company={
            **vars(company),
            "start": company.start.isoformat(),
            "folder": str(generated),
            "generated_seconds": generate_seconds,
        },
        machine=report.machine(),
        load_average={"before": load_before, "after": [round(x, 2) for x in os.getloadavg()]},
    )
    report.add_ratios(results)
    results["goals"] = report.goals(results, company.calls)
    print(report.render(results), flush=True)
    path = report.write(results, args.out)
    print(f"\nwrote {path}", flush=True)
    return path


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    companies = [SMOKE] if args.smoke else [Company(calls=n) for n in _call_counts(args.calls) or [1_000_000]]
    ingestion_steps = [] if args.no_ingestion else _ingestion(args)
    paths = [run_one(company, args, ingestion_steps) for company in companies]
    failed = [p for p in paths if any(not s["ok"] for s in _steps(p))]
    return 1 if failed else 0


def _ingestion(args: argparse.Namespace) -> list[dict]:
    """Landing-to-raw per format and TCP collection, measured once for the whole invocation."""
    if args.smoke:
        records, tcp_records = [SMOKE_RECORDS], SMOKE_RECORDS
    else:
        records, tcp_records = (
            _call_counts(args.ingestion_records) or [1_000_000, 10_000_000],
            args.tcp_records,
        )
    print(f"ingestion: {', '.join(f'{n:,}' for n in records)} records per format", flush=True)
    steps = ingestion.measure(records, tcp_records, args.work_dir.resolve() / "ingestion")
    return [s.as_dict() for s in steps]


def _steps(path: Path) -> list[dict]:
    import json

    return json.loads(path.read_text(encoding="utf-8"))["steps"]
