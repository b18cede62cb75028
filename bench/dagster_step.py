"""One stage of the real Dagster job, run alone: ``python -m bench.dagster_step landing|raw|publish``.

The stage's assets are selected from the job's asset graph by key or group, so
the benchmark runs the same asset code as ``ringledger pipeline``. Prints JSON
with the seconds of each Dagster step (the op's own duration, without the
interpreter start and definitions load the process also pays).
"""

from __future__ import annotations

import json
import sys

import dagster as dg

LANDING = dg.AssetKey(["landing", "files"])


def stage_selection(stage: str, graph) -> list[dg.AssetKey]:  # noqa: ANN001 - Dagster's asset graph
    """The asset keys of one stage."""
    keys = graph.get_all_asset_keys()
    if stage == "landing":
        return [LANDING]
    if stage == "raw":
        return sorted(k for k in keys if graph.get(k).group_name == "ingest" and k != LANDING)
    if stage == "publish":
        return sorted(k for k in keys if graph.get(k).group_name == "publish")
    raise SystemExit(f"unknown stage {stage!r}: expected landing, raw or publish")


def step_seconds(result: dg.ExecuteInProcessResult) -> dict[str, float]:
    return {
        event.step_key: event.event_specific_data.duration_ms / 1000
        for event in result.all_events
        if event.event_type == dg.DagsterEventType.STEP_SUCCESS
    }


def main(argv: list[str]) -> int:
    from orchestration.definitions import defs

    job = defs.resolve_job_def("full_pipeline")
    selection = stage_selection(argv[0], defs.resolve_asset_graph())
    result = job.execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), asset_selection=selection, raise_on_error=False
    )
    steps = step_seconds(result)
    print(json.dumps({"success": result.success, "seconds": sum(steps.values()), "steps": steps}))
    return 0 if result.success else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
