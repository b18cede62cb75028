"""Stages of one instrumented pipeline run: Dagster steps, dbt layers and tests, with peak memory.

The pipeline's job interleaves Python assets with dbt (``raw/number_geography``
sits between dbt models), so stages are taken from the run itself rather than
rerun piece by piece: each Dagster step's start and end, and for dbt each
model's and test's ``Execution Duration``. Peak memory of a stage is the
highest process-tree RSS sampled inside its time windows.
"""

from __future__ import annotations

from collections import defaultdict


def stage_of(step: dict) -> str:
    """The stage a Dagster step belongs to."""
    name = step["step"]
    if name.startswith("landing"):
        return "landing"
    if step["groups"] == ["ingest"]:
        return "raw load"
    if name.startswith("ringledger_dbt"):
        return "dbt"
    if name.startswith("serving") or "publish" in step["groups"]:
        return "publish"
    return name


def peak_mib(samples: list[tuple[float, int]], windows: list[tuple[float, float]]) -> float:
    inside = [rss for t, rss in samples if any(start <= t <= end for start, end in windows)]
    return max(inside, default=0) / 2**20


def _row(name: str, kind: str, seconds: float, windows: list, samples: list, ok: bool, **detail) -> dict:
    return {"name": name, "kind": kind, "ok": ok, "seconds": seconds,
            "peak_rss_mib": peak_mib(samples, windows), **detail}  # fmt: skip


def step_rows(events: dict, samples: list) -> list[dict]:
    """One row per Dagster step, in the order they ran."""
    steps = sorted((s for s in events["steps"] if "start" in s), key=lambda s: s["start"])
    return [
        _row(
            s["step"],
            stage_of(s),
            s.get("end", s["start"]) - s["start"],
            [(s["start"], s.get("end", 0))],
            samples,
            ok=s.get("ok", False),
            assets=s["assets"],
        )  # fmt: skip
        for s in steps
    ]


def stage_rows(events: dict, samples: list) -> list[dict]:
    """The issue's stages: landing, raw load, each dbt layer, dbt tests, other steps, publish."""
    rows: dict[str, dict] = {}
    for step in (s for s in events["steps"] if "start" in s):
        name = "dbt steps, wall" if stage_of(step) == "dbt" else stage_of(step)
        stage = rows.setdefault(name, {"seconds": 0.0, "windows": [], "ok": True})
        end = step.get("end", step["start"])
        stage["seconds"] += end - step["start"]
        stage["windows"].append((step["start"], end))
        stage["ok"] &= step.get("ok", False)
    layers: dict[str, list[dict]] = defaultdict(list)
    for model in events["models"]:
        layers[f"dbt {model['layer']}"].append(model)
    layers["dbt tests"] = events["checks"]
    for name, nodes in layers.items():
        rows[name] = {
            "seconds": sum(n["seconds"] for n in nodes),
            "windows": [(n["end"] - n["seconds"], n["end"]) for n in nodes],
            "ok": all(n.get("passed", True) for n in nodes),
            "nodes": len(nodes),
        }
    ordered = sorted(rows.items(), key=lambda item: min((w[0] for w in item[1]["windows"]), default=0))
    return [
        _row(name, "stage", r["seconds"], r["windows"], samples, ok=r["ok"], nodes=r.get("nodes"))
        for name, r in ordered
    ]


def model_rows(events: dict) -> list[dict]:
    """Every dbt model with its own duration, by layer, slowest first."""
    return sorted(events["models"], key=lambda m: (m["layer"], -m["seconds"]))
