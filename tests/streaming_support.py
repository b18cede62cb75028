"""A sensor-driven installation for tests and the bench: a TCP collector, the Dagster daemon with the
arrival sensor on, and a way to wait until a streamed record is in the served copy.

Real processes, as an operator runs them: ``ringledger collect`` listening on 127.0.0.1 and
``dagster-daemon run`` over the project's definitions, each leading its own process group.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import yaml

from ingestion.config.settings import REPO_ROOT, Settings
from orchestration.defs.sensors import new_pbx_files
from orchestration.serving.publish import current_publication
from tests.collector_support import free_port, wait_until
from tests.conftest import RINGLEDGER

BIN = Path(RINGLEDGER).parent
STREAM_SOURCE = "stream-ipoffice"
SENSOR = new_pbx_files.name
UNFINISHED = [
    dg.DagsterRunStatus.NOT_STARTED, dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.CANCELING,
]  # fmt: skip


def smdr_record(number: int) -> bytes:
    """A valid 30-field IP Office SMDR line (an outbound call of extension 7011), unique by ``number``."""
    minute, second = divmod(number % 3600, 60)
    fields = [
        f"2026/12/01 10:{minute:02d}:{second:02d}", "00:01:05", "5", "7011", "O", "902032798678",
        "902032798678", "", "0", str(9_000_000 + number), "0", "E7011", "Stream Test", "T9101", "Line 1.1",
        "0", "0",
    ]  # fmt: skip
    return (",".join(fields + [""] * 13) + "\r\n").encode()


def add_stream_source(input_dir: Path) -> int:
    """Add a TCP-listening IP Office source to the company's sources.yml; return its port.

    At the site of an IP Office file source where there is one (else the first site). Its chunks
    land a second after they start (``rotate_seconds: 1``) so that a record waits on the sensor
    and the run, not on the spool. The file is replaced, never written through: in the bench it
    is a hard link into the generated company.
    """
    path = input_dir / "config" / "sources.yml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    sites = yaml.safe_load((input_dir / "config" / "sites.yml").read_text(encoding="utf-8"))["sites"]
    ipoffice = [s["site"] for s in config["sources"] if s.get("format") == "avaya_ipoffice_smdr"]
    site = (ipoffice or [sites[0]["id"]])[0]
    port = free_port()
    transport = {"kind": "tcp-listen", "host": "127.0.0.1", "port": port, "rotate_seconds": 1}
    config["sources"].append(
        {"name": STREAM_SOURCE, "site": site, "format": "avaya_ipoffice_smdr", "transport": transport}
    )
    path.unlink()
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return port


def published_calls(settings: Settings, source: str = STREAM_SOURCE) -> int:
    """Calls of ``source`` in the served copy (0 before the first publish)."""
    published = current_publication(settings.published_dir)
    if published is None:
        return 0
    with duckdb.connect(str(published), read_only=True) as con:
        query = "select count(*) from main.fct_calls where source_name = ?"
        return int(con.execute(query, [source]).fetchall()[0][0])


@dataclass
class SensorDriven:
    """The running installation: send records to the collector, wait for them to be served."""

    settings: Settings
    port: int
    dagster_home: Path

    def send(self, record: bytes) -> float:
        """Send one record as the PBX does; return the time it left (time.monotonic)."""
        with socket.create_connection(("127.0.0.1", self.port)) as pbx:
            pbx.sendall(record)
            return time.monotonic()

    def wait_served(self, calls: int, timeout: float) -> float:
        """Wait until the served copy holds ``calls`` calls of the stream; return when (monotonic)."""
        deadline = time.monotonic() + timeout
        while published_calls(self.settings) < calls:
            if time.monotonic() > deadline:
                raise AssertionError(f"not served after {timeout} s: {self.runs_summary()}")
            time.sleep(0.5)
        return time.monotonic()

    def wait_runs_finished(self, timeout: float) -> list[dg.RunRecord]:
        """Wait until no run is queued or in progress (the publish is served before its run ends)."""
        with dg.DagsterInstance.from_config(str(self.dagster_home)) as instance:
            wait_until(lambda: not instance.get_run_records(dg.RunsFilter(statuses=UNFINISHED)),
                       timeout=timeout, what="the runs to finish")  # fmt: skip
            return list(instance.get_run_records(dg.RunsFilter()))

    def runs_summary(self) -> str:
        log = self.dagster_home / "daemon.log"
        return log.read_text(encoding="utf-8", errors="replace")[-3000:] if log.exists() else "no daemon log"


def _started(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(command, env=env, cwd=REPO_ROOT, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)  # fmt: skip


def _stopped(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextmanager
def sensor_driven(settings: Settings, port: int, dagster_home: Path) -> Iterator[SensorDriven]:
    """The collector of the stream source and the Dagster daemon with the arrival sensor started."""
    env = {**os.environ, **settings.as_env(), "DAGSTER_HOME": str(dagster_home)}
    definitions = ["-m", "orchestration.definitions"]
    subprocess.run([str(BIN / "python"), "-m", "orchestration.instance"], env=env, cwd=REPO_ROOT, check=True,
                   capture_output=True)  # fmt: skip
    subprocess.run([str(BIN / "dagster"), "sensor", "start", SENSOR, *definitions], env=env, cwd=REPO_ROOT,
                   check=True, capture_output=True)  # fmt: skip
    collector = _started(
        [RINGLEDGER, "collect", "--source", STREAM_SOURCE], env, dagster_home / "collector.log"
    )
    daemon = _started([str(BIN / "dagster-daemon"), "run", *definitions], env, dagster_home / "daemon.log")
    try:
        wait_until(lambda: _listening(port), timeout=60, what="the collector's listener")
        yield SensorDriven(settings=settings, port=port, dagster_home=dagster_home)
    finally:
        _stopped(daemon)
        _stopped(collector)


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
    except OSError:
        return False
    return True
