"""Read back one ``ringledger pipeline`` run from its Dagster instance: steps, dbt models and tests.

``python -m bench.run_events`` (with ``DAGSTER_HOME`` and the run's ``RINGLEDGER_*``
variables set) prints JSON for the latest run: every step with its start and
end, the asset groups it materialised, and every dbt model and test with the
``Execution Duration`` dagster-dbt records, so new models and steps show up
without being named here.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from typing import Any

import dagster as dg

# the data of an ASSET_MATERIALIZATION event; dagster exports the class only from here
from dagster._core.events import StepMaterializationData


def _duration(metadata: Mapping[str, dg.MetadataValue]) -> float | None:
    value = metadata.get("Execution Duration")
    if value is None:
        return None
    seconds = value.value
    # dagster-dbt records the duration as a float (FloatMetadataValue); an int would do as well
    assert isinstance(seconds, int | float), f"Execution Duration is {seconds!r}"
    return float(seconds)


def run_events(instance: dg.DagsterInstance, groups: Mapping[dg.AssetKey, str | None]) -> dict[str, Any]:
    run = instance.get_runs(limit=1)[0]
    steps: dict[str, dict[str, Any]] = {}
    models: list[dict[str, Any]] = []
    checks: list[dict[str, Any]] = []
    for record in instance.all_logs(run.run_id):
        event = record.dagster_event
        if event is None or event.step_key is None:
            continue
        step = steps.setdefault(event.step_key, {"step": event.step_key, "groups": set(), "assets": 0})
        kind = event.event_type
        if kind == dg.DagsterEventType.STEP_START:
            step["start"] = record.timestamp
        elif kind in (dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE):
            step["end"], step["ok"] = record.timestamp, kind == dg.DagsterEventType.STEP_SUCCESS
        elif kind == dg.DagsterEventType.ASSET_MATERIALIZATION:
            data = event.event_specific_data
            assert isinstance(data, StepMaterializationData), data
            materialization = data.materialization
            step["groups"].add(groups.get(materialization.asset_key) or "default")
            step["assets"] += 1
            seconds = _duration(materialization.metadata)
            if seconds is not None:
                models.append({"asset": materialization.asset_key.to_user_string(),
                               "layer": materialization.asset_key.path[0], "end": record.timestamp,
                               "seconds": seconds})  # fmt: skip
        elif kind == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.event_specific_data
            assert isinstance(evaluation, dg.AssetCheckEvaluation), evaluation
            checks.append({"asset": evaluation.asset_key.to_user_string(), "check": evaluation.check_name,
                           "passed": evaluation.passed, "end": record.timestamp,
                           "seconds": _duration(evaluation.metadata) or 0.0})  # fmt: skip
    for step in steps.values():
        step["groups"] = sorted(step["groups"])
    return {"run_id": run.run_id, "status": run.status.value, "steps": list(steps.values()),
            "models": models, "checks": checks}  # fmt: skip


def main() -> int:
    from orchestration.definitions import defs

    graph = defs().resolve_asset_graph()
    groups = {key: graph.get(key).group_name for key in graph.get_all_asset_keys()}
    print(json.dumps(run_events(dg.DagsterInstance.get(), groups)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
