"""Children that die with a killed parent, the one-pipeline lock, and who holds the warehouse.

Real processes killed with SIGKILL, a real flock and a real DuckDB file held by another process.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from packaging.version import Version

from orchestration.defs.transform import dbt_resource
from orchestration.processes import (
    PARENT_PID_VARIABLE,
    PipelineBusy,
    pipeline_lock,
    pipeline_lock_path,
    process_info,
)
from orchestration.resources import WarehouseLocked, WarehouseResource, open_warehouse
from ringledger.commands.one_at_a_time import BUSY_EXIT
from tests.collector_support import wait_until, write_config
from tests.conftest import RINGLEDGER, settings_under

pytestmark = [pytest.mark.timeout(60), pytest.mark.reliability]

SOURCES = "sources:\n  - {name: ipo, site: hq, format: avaya_ipoffice_smdr, location: pbx}\n"

# A parent that starts a child (bound to it or not), prints the child's pid and waits for it.
PARENT = """
import os, subprocess, sys
os.environ["{variable}"] = str(os.getpid())
bound = "from orchestration.processes import exec_bound_to_parent; exec_bound_to_parent(['sleep', '300'])"
child = subprocess.Popen([sys.executable, "-c", bound] if sys.argv[1] == "bound" else ["sleep", "300"])
print(child.pid, flush=True)
child.wait()
"""


def _alive(pid: int) -> bool:
    info = process_info(pid)
    return info is not None and "sleep 300" in info.command


@contextmanager
def _parent_with_child(bound: bool) -> Iterator[tuple[subprocess.Popen, int]]:
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT.format(variable=PARENT_PID_VARIABLE), "bound" if bound else "plain"],
        stdout=subprocess.PIPE,
        text=True,
    )
    child = int(parent.stdout.readline())
    try:
        wait_until(lambda: _alive(child), what="the child to exec sleep")
        yield parent, child
    finally:
        for pid in (parent.pid, child):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        parent.wait()


def test_a_bound_child_dies_when_its_parent_is_killed():
    with _parent_with_child(bound=True) as (parent, child):
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        wait_until(lambda: not _alive(child), timeout=5, what="the bound child to die with its parent")


def test_an_unbound_child_outlives_its_killed_parent():
    """The control: without the binding, a child of a killed parent keeps running (as dbt did)."""
    with _parent_with_child(bound=False) as (parent, child):
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        assert process_info(child).orphaned and _alive(child)


def test_a_child_whose_parent_died_before_it_could_bind_does_not_run(tmp_path: Path):
    gone = subprocess.Popen(["true"])
    gone.wait()  # a pid that no longer runs, standing for a parent killed just after it forked
    ran = tmp_path / "ran"
    bound = f"import orchestration.processes as p; p.exec_bound_to_parent(['touch', '{ran}'])"
    result = subprocess.run(
        [sys.executable, "-c", bound],
        env={**os.environ, PARENT_PID_VARIABLE: str(gone.pid)},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0 and not ran.exists()
    assert f"parent process {gone.pid} died before this child started" in result.stderr


HOLD_LOCK = """
import sys, time
from pathlib import Path
from orchestration.processes import pipeline_lock
with pipeline_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(300)
"""


def _hold_pipeline_lock(path: Path) -> subprocess.Popen:
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(path)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_a_live_pipeline_lock_is_refused_with_its_holder_and_what_to_do(tmp_path: Path):
    path = pipeline_lock_path(tmp_path / "ringledger.duckdb")
    holder = _hold_pipeline_lock(path)
    try:
        with pytest.raises(PipelineBusy) as refused:
            with pipeline_lock(path):
                pass
    finally:
        holder.kill()
        holder.wait()
    message = str(refused.value)
    assert f"pid {holder.pid}" in message and "pipeline_lock" in message  # its command line
    assert f"kill {holder.pid}" in message


def test_a_run_waits_for_the_lock_a_command_holds_and_takes_it_as_its_own_under_one(tmp_path: Path):
    warehouse = WarehouseResource(path=str(tmp_path / "ringledger.duckdb"))
    path = pipeline_lock_path(Path(warehouse.path))
    holder = _hold_pipeline_lock(path)
    released = threading.Timer(2.0, holder.kill)
    released.start()
    try:
        waited = time.monotonic()
        assert dg.materialize([_uses_warehouse], resources={"warehouse": warehouse}).success
        waited = time.monotonic() - waited
    finally:
        released.cancel()
        holder.kill()
        holder.wait()
    assert waited >= 1.5  # it waited for the holder to go, then ran
    with pipeline_lock(path):  # this process's command holds it: its own run goes straight on
        assert dg.materialize([_uses_warehouse], resources={"warehouse": warehouse}).success
        with pytest.raises(PipelineBusy):  # and the run released nothing of the command's lock
            with pipeline_lock(path):
                pass


@dg.asset
def _uses_warehouse(warehouse: WarehouseResource) -> None:
    with pytest.raises(PipelineBusy):  # the run holds the lock while its steps run
        with pipeline_lock(pipeline_lock_path(Path(warehouse.path))):
            pass


def test_reprocess_refuses_while_a_pipeline_holds_the_lock(tmp_path: Path):
    settings = settings_under(tmp_path / "home", write_config(tmp_path / "input", SOURCES))
    holder = _hold_pipeline_lock(pipeline_lock_path(settings.warehouse_path))
    try:
        refused = subprocess.run(
            [RINGLEDGER, "reprocess", "--from", "2026-08-03", "--to", "2026-08-04"],
            env={**os.environ, **settings.as_env()}, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
    finally:
        holder.kill()
        holder.wait()
    assert refused.returncode == BUSY_EXIT, refused.stderr
    assert (
        f"ringledger reprocess: another pipeline is running on this warehouse: pid {holder.pid}"
        in refused.stderr
    )


def test_the_lock_of_a_killed_pipeline_is_reported_and_taken_over(tmp_path: Path):
    path = pipeline_lock_path(tmp_path / "ringledger.duckdb")
    holder = _hold_pipeline_lock(path)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    with pipeline_lock(path) as abandoned:
        assert abandoned is not None and abandoned.pid == holder.pid
        with pytest.raises(PipelineBusy, match=f"pid {os.getpid()}"):  # now it is ours
            with pipeline_lock(path):
                pass
    with pipeline_lock(path) as abandoned:  # released cleanly: nothing to report
        assert abandoned is None


HOLD_WAREHOUSE = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("open", flush=True)
time.sleep(300)
"""


def test_a_held_warehouse_names_the_process_holding_it(tmp_path: Path):
    warehouse = tmp_path / "ringledger.duckdb"
    duckdb.connect(str(warehouse)).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_WAREHOUSE, str(warehouse)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "open"
    try:
        with pytest.raises(WarehouseLocked) as locked:
            open_warehouse(str(warehouse))
    finally:
        holder.kill()
        holder.wait()
    message = str(locked.value)
    assert f"pid {holder.pid}" in message and "duckdb.connect" in message  # its command line
    assert f"kill {holder.pid}" in message and str(warehouse) in message
    open_warehouse(str(warehouse)).close()  # the kernel released DuckDB's lock with its holder


def test_the_dbt_wrapper_says_the_installed_versions_as_dagster_dbt_reads_them():
    wrapper = Path(sys.executable).with_name("ringledger-dbt")  # the console script beside pytest's python
    said = subprocess.run([wrapper, "--version"], capture_output=True, text=True, check=True).stdout
    assert f"installed: {version('dbt-core')}" in said and f"duckdb: {version('dbt-duckdb')}" in said
    assert "latest" not in said  # answered by the wrapper: dbt itself would ask PyPI for its latest release
    assert dbt_resource()._cli_version == Version(version("dbt-core"))  # what dagster-dbt makes of it
