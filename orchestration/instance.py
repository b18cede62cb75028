"""The Dagster instance that ``ringledger pipeline``, ``reprocess`` and the Dagster UI share.

With ``DAGSTER_HOME`` set, runs are recorded there; its ``dagster.yaml`` is written at the first
run when missing, so that Dagster neither warns that it has none nor prints its telemetry notice
on every new home (Ringledger runs on machines that may not reach the internet: telemetry is off), and
names Ringledger's event log (``orchestration.event_log``: the same SQLite files, written faster)
and runs one run at a time (the warehouse takes one writer: a run the sensor launches while
another builds waits in the queue instead of failing on the lock).
An existing ``dagster.yaml`` is the operator's and is never changed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import dagster as dg

INSTANCE_SETTINGS = """\
# Written by Ringledger (orchestration/instance.py) because DAGSTER_HOME had no dagster.yaml.
# Runs and events are SQLite files in this folder; the event log keeps its connections open
# (orchestration/event_log.py). Edit freely: Ringledger never rewrites an existing file.
telemetry:
  enabled: false
concurrency:
  runs:
    max_concurrent_runs: 1  # the warehouse DuckDB file takes a single writer
event_log_storage:
  module: orchestration.event_log
  class: KeptOpenSqliteEventLogStorage
  config:
    base_dir: {event_log}  # where Dagster's own keeps them; moving this folder, change it here
"""


def prepare_home(dagster_home: Path) -> Path:
    """Create DAGSTER_HOME and its dagster.yaml when missing; return the settings file."""
    dagster_home.mkdir(parents=True, exist_ok=True)
    settings = dagster_home / "dagster.yaml"
    if not settings.exists():
        event_log = json.dumps(str(dagster_home.resolve() / "history" / "runs"))  # a YAML string
        settings.write_text(INSTANCE_SETTINGS.format(event_log=event_log), encoding="utf-8")
    return settings


def command_line_instance() -> dg.DagsterInstance:
    """The instance under DAGSTER_HOME (prepared first), or an ephemeral one without it."""
    dagster_home = os.environ.get("DAGSTER_HOME")
    if not dagster_home:
        return dg.DagsterInstance.ephemeral()
    prepare_home(Path(dagster_home))
    return dg.DagsterInstance.get()


if __name__ == "__main__":  # scripts/dagster.sh prepares the UI's home the same way
    print(prepare_home(Path(os.environ["DAGSTER_HOME"])))
