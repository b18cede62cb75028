"""The benchmark's figures: ratios to the floor, goals, machine facts, a printed table and the JSON file."""

from __future__ import annotations

import importlib.metadata
import json
import os
import platform
from datetime import datetime
from pathlib import Path

from bench import ingestion

PACKAGES = ("dagster", "dagster-dbt", "dbt-core", "dbt-duckdb", "duckdb", "pyarrow")
GOAL_SCALE = 10_000_000  # the goals are stated for 10 M calls


def machine() -> dict:
    meminfo = dict(line.split(":", 1) for line in Path("/proc/meminfo").read_text().splitlines())
    cpu = [line for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")]
    return {
        "cores": os.cpu_count(),
        "cpu": cpu[0].split(":", 1)[1].strip() if cpu else platform.processor(),
        "memory_gib": round(int(meminfo["MemTotal"].split()[0]) / 2**20, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "packages": {name: importlib.metadata.version(name) for name in PACKAGES},
    }


def add_ratios(results: dict) -> None:
    """Every step's and stage's time as a multiple of the bare scan."""
    floor = results["floor"]["work_seconds"]
    for step in results["steps"]:
        if step["group"] in (*ingestion.OWN_FLOOR, "streaming"):  # a delay, not work on the raw files
            continue
        step["floor_ratio"] = step["work_seconds"] / floor
        for stage in step["detail"].get("stages", []):
            stage["floor_ratio"] = stage["seconds"] / floor


def _step(results: dict, group: str) -> dict:
    return next(s for s in results["steps"] if s["group"] == group)


def _streaming_goal(results: dict) -> list[tuple[str, float, float, float]]:
    streamed = [s for s in results["steps"] if s["group"] == "streaming" and s["detail"].get("p95_seconds")]
    return [
        ("a streamed record to published, p95 seconds", s["detail"]["p95_seconds"], 120, 30) for s in streamed
    ]


def goals(results: dict, calls: int) -> list[dict]:
    """Issue 11's figures against this run: what it must reach and its goal (binding at 10 M calls,
    indicative below). ``limit`` is the goal, ``must_reach`` the bar below it."""
    whole, extra = _step(results, "end-to-end"), _step(results, "incremental")
    rows = [
        ("raw to published, wall seconds", whole["wall_seconds"], 240, 90),
        ("raw to published, times the bare scan", whole["floor_ratio"], 170, 60),
        ("raw to published, peak RSS GB", whole["peak_rss_mib"] * 2**20 / 1e9, 5, 4),
        ("one more day incrementally, wall seconds", extra["wall_seconds"], 30, 10),
        *((f"dashboard p95 seconds: {q['chart']}", q["p95_seconds"], 1, 0.2) for q in results["dashboard"]),
        *_streaming_goal(results),
    ]
    binding = calls >= GOAL_SCALE
    return [
        {
            "goal": name,
            "measured": value,
            "must_reach": must,
            "reached": value <= must,
            "limit": limit,
            "met": value <= limit,
            "binding": binding,
        }
        for name, value, must, limit in rows
    ] + ingestion.goals(results["steps"])


def _yes_no(met: bool, binding: bool) -> str:
    return ("yes" if met else "NO") + ("" if binding else " (indicative)")


def _is_number(cell: str) -> bool:
    return cell.replace(",", "").replace(".", "").replace("-", "").isdigit()


def _align(row: list[str], widths: list[int]) -> list[str]:
    """Numbers right-aligned, text left-aligned."""
    return [c.rjust(w) if _is_number(c) else c.ljust(w) for c, w in zip(row, widths, strict=True)]


def _table(headers: list[str], rows: list[list[object]]) -> str:
    cells = [headers, *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["  ".join(_align(row, widths)) for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _number(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def _stage_table(results: dict) -> str:
    rows = []
    for step in results["steps"]:
        if step["group"] not in ("end-to-end", "incremental"):
            continue
        rows.append([step["name"], "yes" if step["ok"] else "FAILED", _number(step["wall_seconds"], 2),
                     _number(step["peak_rss_mib"], 0), _number(step["floor_ratio"])])  # fmt: skip
        rows += [[f"  {s['name']}", "yes" if s["ok"] else "FAILED", _number(s["seconds"], 2),
                  _number(s["peak_rss_mib"], 0), _number(s["floor_ratio"])]
                 for s in step["detail"].get("stages", [])]  # fmt: skip
    return _table(["run / stage", "ok", "seconds", "peak MiB", "x floor"], rows)


def _model_table(results: dict, top: int = 15) -> str:
    models = sorted(_step(results, "end-to-end")["detail"].get("models", []), key=lambda m: -m["seconds"])
    return _table(["slowest dbt models (end-to-end run)", "layer", "seconds"],
                  [[m["asset"], m["layer"], _number(m["seconds"], 2)] for m in models[:top]])  # fmt: skip


def render(results: dict) -> str:
    """The figures as plain-text tables."""
    floor = results["floor"]
    views = [v for s in results["steps"] if s["group"] == "profile" for v in s["detail"].get("rows", [])]
    parts = [
        f"Ringledger bench: {results['calls']:,} calls requested, {results['machine']['cores']} cores, "
        f"load average {results['load_average']['before']} -> {results['load_average']['after']}",
        f"floor: {floor['detail'].get('records', 0):,} records in {floor['detail'].get('files', 0):,} files "
        f"({floor['detail'].get('bytes', 0) / 1e6:,.0f} MB) counted in {floor['work_seconds']:.2f} s",
        "",
        _stage_table(results),
        "",
        _model_table(results),
        "",
        _table(
            ["ingestion (own process each)", "records", "seconds", "records/s", "x own floor", "peak MiB"],
            [
                [
                    row[0],
                    f"{row[1]:,}",
                    _number(row[2], 2),
                    _number(row[3], 0),
                    _number(row[4]),
                    _number(row[5], 0),
                ]
                for row in ingestion.table_rows(results["steps"])
            ],
        ),  # fmt: skip
        "",
        _table(
            ["dashboard chart", "rows", "p50 ms", "p95 ms", "max ms"],
            [
                [
                    q["chart"],
                    q["rows"],
                    _number(q["p50_seconds"] * 1000),
                    _number(q["p95_seconds"] * 1000),
                    _number(q["max_seconds"] * 1000),
                ]
                for q in results["dashboard"]
            ],
        ),  # fmt: skip
        f"(dashboard SQL from the {results['dashboard_sql_from']})",
        "",
        _table(
            ["goal", "measured", "must reach", "reached", "goal limit", "met"],
            [
                [
                    g["goal"],
                    _number(g["measured"], 2),
                    g["must_reach"],
                    _yes_no(g["reached"], g["binding"]),
                    g["limit"],
                    _yes_no(g["met"], g["binding"]),
                ]
                for g in results["goals"]
            ],
        ),  # fmt: skip
    ]
    if views:
        parts += ["", _table(["view read whole", "schema", "rows", "seconds"],
                             [[v["name"], v["layer"], f"{v['rows']:,}", _number(v["seconds"], 2)]
                              for v in sorted(views, key=lambda v: -v["seconds"])])]  # fmt: skip
    return "\n".join(parts)


def write(results: dict, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.fromisoformat(results["started_at"]).strftime("%Y%m%dT%H%M%S")
    path = out_dir / f"{stamp}-{results['calls']}.json"
    path.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    return path
