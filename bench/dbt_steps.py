"""The dbt part of the build as separate steps, one per layer, read back from dbt's own timings.

Layers are the top folders under ``models/`` (staging, intermediate, marts …)
found in the parsed manifest, so new models and folders are benchmarked without
naming them here. Seeds run first and snapshots after staging (the order the
project's layers depend on); data and unit tests run last, as one step.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from ringledger.settings import DBT_PROJECT_DIR

DBT = str(Path(sys.executable).parent / "dbt")
LAYER_ORDER = ("staging", "intermediate", "marts")


@dataclass(frozen=True)
class DbtStep:
    """One dbt invocation: its stage name and arguments."""

    name: str
    args: tuple[str, ...]


def dbt_command(args: tuple[str, ...], target_dir: Path) -> list[str]:
    """A dbt command on the project, writing its artifacts and logs under ``target_dir``."""
    return [DBT, *args, "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
            "--target-path", str(target_dir / "target"), "--log-path", str(target_dir / "logs")]  # fmt: skip


def _layer(node: dict) -> str:
    return node["fqn"][1] if len(node["fqn"]) > 2 else "models"


def model_layers(manifest: dict) -> list[str]:
    """The model folders in build order: the known layers first, any others after."""
    found = {_layer(n) for n in manifest["nodes"].values() if n["resource_type"] == "model"}
    return [x for x in LAYER_ORDER if x in found] + sorted(found - set(LAYER_ORDER))


def build_steps(manifest: dict) -> list[DbtStep]:
    """The dbt steps of a full build in dependency order, then the tests."""
    kinds = {n["resource_type"] for n in manifest["nodes"].values()}
    steps = [DbtStep("dbt seeds", ("seed",))] if "seed" in kinds else []
    for layer in model_layers(manifest):
        steps.append(DbtStep(f"dbt {layer}", ("run", "--select", f"path:models/{layer}")))
        if layer == "staging" and "snapshot" in kinds:
            steps.append(DbtStep("dbt snapshots", ("snapshot",)))
    steps.append(DbtStep("dbt tests", ("test",)))
    return steps


def read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def node_timings(run_results: dict, manifest: dict) -> list[dict]:
    """Each node dbt ran in one step: layer/folder group, name, kind, status, seconds."""
    rows = []
    for result in run_results["results"]:
        node = manifest["nodes"].get(result["unique_id"]) or manifest.get("unit_tests", {}).get(
            result["unique_id"], {}
        )
        fqn = node.get("fqn", result["unique_id"].split("."))
        rows.append(
            {
                "group": "/".join(fqn[1:-1]) or fqn[0],
                "name": fqn[-1],
                "kind": node.get("resource_type", result["unique_id"].split(".")[0]),
                "materialized": node.get("config", {}).get("materialized"),
                "status": result["status"],
                "seconds": result["execution_time"],
            }
        )
    return rows


def view_models(manifest: dict) -> list[dict]:
    """Models built as views (computed only when read), with where they live."""
    return [
        {"name": n["name"], "layer": _layer(n), "relation": f'"{n["schema"]}"."{n["alias"]}"'}
        for n in manifest["nodes"].values()
        if n["resource_type"] == "model" and n["config"].get("materialized") == "view"
    ]
