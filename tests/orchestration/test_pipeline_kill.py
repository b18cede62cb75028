"""``ringledger pipeline`` killed with SIGKILL during landing, the raw load, dbt and publish.

The tiny demo company (600 calls over 3 days). The session's clean run of it (``tiny_clean_run``
in tests/conftest.py, a run never killed) gives the reference marts and the first published copy,
copied to the folder the runs below publish to. Then, ``ROUNDS`` times, a fresh landing zone and
warehouse (publishing to that folder) go through: a run killed during landing, the next killed during
the raw load, the next during dbt, the next during publish, and one more that must complete.

Each stage is recognised for real, and the kill checked afterwards against the run's own
events (the step started and did not succeed):

* landing: some of the company's files have landed copies, not all;
* raw load: the run's event log shows ``raw_records`` started;
* dbt: the pipeline has a ``dbt build`` child;
* publish: a ``.partial`` published file exists.

Pass, for every kill: no process the pipeline started outlives it (dbt held the warehouse's
lock), the next run takes over the dead run's lock and says so, and gets past the stage; the
run that completes publishes marts equal to the clean run's (count and hash of every mart,
load times left out); and a reader attaching CURRENT read-only, as Superset does, queried it
throughout without a single error.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import threading
import time
from pathlib import Path

import duckdb
import pytest

from ingestion.config.settings import REPO_ROOT, Settings
from orchestration.serving.publish import current_publication
from tests.collector_support import wait_until
from tests.conftest import RINGLEDGER

pytestmark = [pytest.mark.slow, pytest.mark.reliability, pytest.mark.timeout(1800)]

ROUNDS = int(os.environ.get("RINGLEDGER_PIPELINE_KILL_ROUNDS", "1"))  # make test-reliability: 3
STAGES = {  # stage -> the Dagster step it happens in
    "landing": "landing__files",
    "raw load": "raw_records",
    "dbt": "ringledger_dbt",
    "publish": "serving__published_marts",
}
TAKEOVER = "stopped without finishing (killed or crashed); its lock"


class Run:
    """One ``ringledger pipeline`` process, its output in files, its Dagster run's event log."""

    def __init__(self, settings: Settings, name: str) -> None:
        self.settings = settings
        self.dagster_home = settings.home / "dagster"
        self.dagster_home.mkdir(parents=True, exist_ok=True)
        self.runs_before = set(self._run_logs())
        self.out = settings.home / f"{name}.out"
        self.err = settings.home / f"{name}.err"
        env = {**os.environ, **settings.as_env(), "DAGSTER_HOME": str(self.dagster_home)}
        with self.out.open("w") as out, self.err.open("w") as err:
            self.process = subprocess.Popen(
                [RINGLEDGER, "pipeline"], env=env, cwd=REPO_ROOT, stdout=out, stderr=err
            )

    def _run_logs(self) -> list[Path]:
        return [p for p in (self.dagster_home / "history" / "runs").glob("*.db") if p.name != "index.db"]

    def events(self) -> dict[str, set[str]]:
        """Step key -> the event types the run has recorded for it so far."""
        new = [p for p in self._run_logs() if p not in self.runs_before]
        if not new:
            return {}
        try:
            with sqlite3.connect(f"file:{new[0]}?mode=ro", uri=True, timeout=5) as con:
                rows = con.execute(
                    "SELECT step_key, dagster_event_type FROM event_logs WHERE step_key IS NOT NULL"
                ).fetchall()
        except sqlite3.OperationalError:  # created, tables not there yet
            return {}
        steps: dict[str, set[str]] = {}
        for step, kind in rows:
            steps.setdefault(step, set()).add(kind)
        return steps

    def step_started(self, stage: str) -> bool:
        return "STEP_START" in self.events().get(STAGES[stage], set())

    def alive(self) -> bool:
        return self.process.poll() is None

    def children(self) -> list[str]:
        """The command lines of this run's direct children."""
        pids = []
        for task in Path(f"/proc/{self.process.pid}/task").glob("*"):
            try:
                pids += (task / "children").read_text().split()
            except OSError:
                pass
        return [_command_line(int(pid)) for pid in pids]

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def finish(self, timeout: float = 900) -> int:
        return self.process.wait(timeout=timeout)

    def output(self) -> str:
        return self.out.read_text() + self.err.read_text()


def _command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _processes_of(home: Path) -> list[str]:
    """Every live process started with this installation's settings (the pipeline's descendants)."""
    marker = f"RINGLEDGER_HOME={home}".encode() + b"\0"
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if marker in (entry / "environ").read_bytes():
                found.append(f"{entry.name}: {_command_line(int(entry.name))}")
        except OSError:
            continue
    return found


def _landed_copies(settings: Settings) -> int:
    if not settings.landing_dir.exists():
        return 0
    return sum(1 for p in settings.landing_dir.glob("*/??/*--*") if p.is_file())


def _published_partials(settings: Settings) -> list[Path]:
    return list(settings.published_dir.glob("*.partial"))


def _kill_during(run: Run, stage: str, rng: random.Random, input_files: int) -> str:
    """Wait for ``stage`` to be under way in ``run``, kill it at a random point; returns what was seen."""

    def reached(condition) -> None:
        wait_until(lambda: condition() or not run.alive(), timeout=600, what=f"the {stage} stage")
        assert run.alive(), f"the run ended before its {stage} stage:\n{run.output()[-3000:]}"

    if stage == "landing":
        target = rng.randint(1, input_files // 2)
        reached(lambda: _landed_copies(run.settings) >= target)
        seen = f"{_landed_copies(run.settings)} of {input_files} files landed"
    elif stage == "raw load":
        reached(lambda: run.step_started("raw load"))
        time.sleep(rng.uniform(0.0, 0.3))
        seen = "raw_records running"
    elif stage == "dbt":
        reached(lambda: any(" build " in command for command in run.children()))
        time.sleep(rng.uniform(1.0, 20.0))
        seen = "; ".join(c[:60] for c in run.children() if "dbt" in c)
    else:
        reached(lambda: bool(_published_partials(run.settings)))
        time.sleep(rng.uniform(0.0, 0.05))
        seen = f"{_published_partials(run.settings)[0].name if _published_partials(run.settings) else ''}"
    run.kill()
    steps = run.events().get(STAGES[stage], set())
    assert "STEP_START" in steps and "STEP_SUCCESS" not in steps, f"the kill missed {stage}: {steps}"
    return seen


def _no_survivors(home: Path) -> float:
    """Seconds until no process of the run is left (Dagster's log tailers stop within about 1 s)."""
    started = time.monotonic()
    try:
        wait_until(lambda: not _processes_of(home), timeout=10, what="the killed run's children to go")
    except AssertionError:
        raise AssertionError(f"processes outlived the pipeline: {_processes_of(home)}") from None
    return time.monotonic() - started


def _mart_hashes(published_dir: Path) -> dict[str, tuple]:
    """Row count and an order-independent hash of every published mart.

    Left out: when a run loaded, published or recorded something (``recorded_at``: the snapshot
    time of a dimension's version), which no two runs share.
    """
    con = duckdb.connect(str(current_publication(published_dir)), read_only=True)
    try:
        tables = [t for (t,) in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]
        return {
            table: con.execute(
                "SELECT count(*), md5(string_agg(CAST(t AS VARCHAR), '|' ORDER BY CAST(t AS VARCHAR))) "
                "FROM (SELECT COLUMNS(lambda c: c NOT IN "
                f"('loaded_at', 'published_at', 'version', 'recorded_at')) "
                f'FROM "{table}") AS t'
            ).fetchone()
            for table in tables
            if not table.startswith("_publication")  # the version, and fingerprints of the whole rows
        }
    finally:
        con.close()


class PublishedReader(threading.Thread):
    """Attaches CURRENT read-only on a new connection, as Superset does, and queries it, until stopped."""

    def __init__(self, published_dir: Path) -> None:
        super().__init__(daemon=True)
        self.published_dir = published_dir
        self.queries = 0
        self.errors: list[str] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.05):
            try:
                path = str(current_publication(self.published_dir)).replace("'", "''")
                con = duckdb.connect(":memory:")
                try:
                    con.execute(f"ATTACH '{path}' AS published (READ_ONLY)")
                    con.execute("SELECT count(*), sum(talk_seconds) FROM published.fct_calls").fetchall()
                finally:
                    con.close()
                self.queries += 1
            except Exception as exc:  # every failure counts: Superset would show it
                self.errors.append(f"{type(exc).__name__}: {exc}")


def _settings(home: Path, company: Path, published: Path) -> Settings:
    return Settings.from_env(
        {
            "RINGLEDGER_HOME": str(home),
            "RINGLEDGER_INPUT": str(company),
            "RINGLEDGER_PUBLISHED": str(published),
        }
    )


def test_pipeline_killed_in_every_stage_recovers_and_serves_throughout(
    tmp_path: Path, tiny_company: Path, tiny_clean_run: Settings
):
    rng = random.Random(2026)
    company, published = tiny_company, tmp_path / "published"
    input_files = sum(1 for p in (company / "pbx").rglob("*") if p.is_file())
    shutil.copytree(tiny_clean_run.published_dir, published)
    reference = _mart_hashes(published)
    assert reference["fct_calls"][0] > 0
    reader = PublishedReader(published)
    reader.start()
    figures = []
    try:
        for round_number in range(1, ROUNDS + 1):
            settings = _settings(tmp_path / f"round-{round_number}", company, published)
            previous_killed = False
            for stage in STAGES:
                run = Run(settings, stage.replace(" ", "-"))
                seen = _kill_during(run, stage, rng, input_files)
                gone_after = _no_survivors(settings.home)
                if previous_killed:
                    assert TAKEOVER in run.err.read_text(), run.output()[-3000:]
                previous_killed = True
                figures.append((round_number, stage, seen, gone_after))
            final = Run(settings, "complete")
            assert final.finish() == 0, final.output()[-3000:]
            assert TAKEOVER in final.err.read_text()
            assert _mart_hashes(published) == reference
            _no_survivors(settings.home)
    finally:
        reader.stop.set()
        reader.join(timeout=10)
    for round_number, stage, seen, gone_after in figures:
        print(f"round {round_number}: killed during {stage} ({seen}); children gone after {gone_after:.1f} s")
    print(
        f"{ROUNDS} rounds, {len(figures)} kills ({ROUNDS} per stage); every next run completed its "
        f"stage, {ROUNDS} complete runs with marts equal to the clean run's ({len(reference)} marts); "
        f"reader: {reader.queries} queries, {len(reader.errors)} errors"
    )
    assert reader.queries > 0 and not reader.errors, reader.errors[:5]
