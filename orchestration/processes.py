"""Child processes that die with the pipeline, and one pipeline at a time.

A ``kill -9`` of ``ringledger pipeline`` gives it no chance to stop its children; a dbt left
running holds the warehouse's write lock and the next run cannot open it. So dagster-dbt runs dbt
through the ``ringledger-dbt`` wrapper, which asks the kernel to SIGKILL it when its parent dies
(``PR_SET_PDEATHSIG``) and then becomes dbt (the setting survives ``exec``). The kernel sends that
signal when the *thread* that started the child ends: dagster-dbt starts dbt from the thread that
runs the step, the main thread under ``execute_in_process``, which lives as long as the run.

The pipeline lock is an ``flock`` on a file beside the warehouse: the kernel releases it however
its holder dies. The holder writes its pid, command line and start time into the file and empties
it on a clean exit, so a later run can tell "held by a live pipeline" (refused, with who holds it)
from "left by one that died" (reported, and taken over).

Only the standard library here: the wrapper starts with every dbt command.
"""

from __future__ import annotations

import ctypes
import fcntl
import json
import os
import re
import shutil
import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

# Set by the process that starts bound children, so that a child whose parent died before the child
# could bind itself to it (the parent is then init or a subreaper) notices and does not run.
PARENT_PID_VARIABLE = "RINGLEDGER_PARENT_PID"
_PR_SET_PDEATHSIG = 1
_DUCKDB_LOCK_HOLDER = re.compile(r"Conflicting lock is held in .*\(PID (\d+)\)")


def program_path(name: str) -> str:
    """``name`` beside this interpreter (the virtualenv's ``bin``), else on PATH, else the bare name."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else (shutil.which(name) or name)


def bound_program(wrapper: str, program: str) -> str:
    """The wrapper that runs ``program`` bound to this process, or ``program`` itself if not installed.

    Records this process as the parent its bound children must outlive (see ``PARENT_PID_VARIABLE``).
    """
    path = Path(sys.executable).parent / wrapper
    if not path.exists():
        return program_path(program)
    os.environ[PARENT_PID_VARIABLE] = str(os.getpid())
    return str(path)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def die_with_parent() -> None:
    """Have the kernel SIGKILL this process when its parent dies; exit now if it died already."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    expected = int(os.environ.get(PARENT_PID_VARIABLE) or 0)
    # Another parent than the recorded one: the recorded parent died before we bound ourselves
    # (we were handed to init or a subreaper), unless we were started by someone else altogether.
    if expected and os.getppid() != expected and not _alive(expected):
        sys.exit(f"{sys.argv[0]}: parent process {expected} died before this child started; not running")


def exec_bound_to_parent(argv: list[str]) -> NoReturn:
    """Become ``argv`` (a program and its arguments), killed by the kernel if our parent dies."""
    die_with_parent()
    os.execvp(argv[0], argv)


def dbt_versions() -> str:
    """What ``dbt --version`` says of the installed packages, as dbt words it; no check for newer ones."""
    from importlib.metadata import version

    return f"Core:\n  - installed: {version('dbt-core')}\n\nPlugins:\n  - duckdb: {version('dbt-duckdb')}"


def dbt_bound_to_parent() -> NoReturn:
    """The ``ringledger-dbt`` console script: dbt with its arguments, dying with its parent.

    ``--version`` alone is answered here: dagster-dbt asks it once per process, and dbt takes 3.5 s
    to import itself and to ask PyPI for its latest release, which a machine offline waits on.
    """
    if sys.argv[1:] == ["--version"]:
        print(dbt_versions())
        sys.exit(0)
    exec_bound_to_parent([program_path("dbt"), *sys.argv[1:]])


# --- describing a process --------------------------------------------------------------------------


@dataclass(frozen=True)
class ProcessInfo:
    """What /proc says about a running process."""

    pid: int
    command: str
    parent_pid: int
    parent_command: str

    @property
    def orphaned(self) -> bool:
        """Its parent is init: whoever started it has died (a subreaper would hide this)."""
        return self.parent_pid == 1

    def __str__(self) -> str:
        parent = f"parent {self.parent_pid}" + (f" ({self.parent_command})" if self.parent_command else "")
        return f"pid {self.pid} ({self.command}), {parent}"


def _command_line(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    return " ".join(part.decode(errors="replace") for part in raw.split(b"\0") if part)


def process_info(pid: int) -> ProcessInfo | None:
    """The process ``pid`` from /proc, or None if it is gone (or /proc does not show it)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    parent_pid = int(stat.rsplit(")", 1)[1].split()[1])  # the name in (...) may hold spaces
    return ProcessInfo(pid, _command_line(pid), parent_pid, _command_line(parent_pid))


def duckdb_lock_holder(message: str) -> int | None:
    """The pid DuckDB names in a "Could not set lock … Conflicting lock is held in … (PID n)" error."""
    found = _DUCKDB_LOCK_HOLDER.search(message)
    return int(found.group(1)) if found else None


# --- one pipeline at a time ------------------------------------------------------------------------


class PipelineBusy(RuntimeError):
    """Another pipeline is running on this warehouse; the message names it and says what to do."""


@dataclass(frozen=True)
class LockHolder:
    pid: int
    command: str
    started_at: str

    @classmethod
    def me(cls) -> LockHolder:
        return cls(os.getpid(), _command_line(os.getpid()), datetime.now(UTC).isoformat(timespec="seconds"))

    def __str__(self) -> str:
        return f"pid {self.pid} ({self.command or 'command unknown'}), started {self.started_at}"


_HELD_HERE: set[Path] = set()  # the pipeline locks this process holds (pipeline_lock)


def pipeline_lock_path(warehouse_path: Path) -> Path:
    return warehouse_path.with_name(warehouse_path.name + ".pipeline-lock")


def _read_holder(handle) -> LockHolder | None:
    handle.seek(0)
    text = handle.read().strip()
    if not text:
        return None
    try:
        return LockHolder(**json.loads(text))
    except (ValueError, TypeError):
        return LockHolder(pid=0, command=f"unreadable lock contents {text[:80]!r}", started_at="?")


@contextmanager
def pipeline_lock(path: Path) -> Iterator[LockHolder | None]:
    """Hold the one-pipeline lock at ``path``; yields the earlier holder that died holding it, if any.

    Raises :class:`PipelineBusy` at once if a live process holds it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(handle)
            who = str(holder) if holder else "a process that has not written its name yet"
            raise PipelineBusy(
                f"another pipeline is running on this warehouse: {who} (lock {path}). "
                f"Wait for it to finish, or stop it with 'kill {holder.pid if holder else '<pid>'}' "
                "(its dbt stops with it), then run again."
            ) from None
        abandoned = _read_holder(handle)  # a clean exit empties the file: this one died holding it
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps(asdict(LockHolder.me())) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
        _HELD_HERE.add(path.resolve())
        try:
            yield abandoned
        finally:
            _HELD_HERE.discard(path.resolve())
            handle.seek(0)
            handle.truncate()
            handle.flush()


@contextmanager
def run_pipeline_lock(path: Path, timeout: float, on_wait: Callable[[str], None]) -> Iterator[None]:
    """Hold the one-pipeline lock for a run: as it is if this process holds it already (a command
    running its job in process), else once it is free, waiting up to ``timeout`` seconds.

    ``on_wait`` hears once why the run waits (who holds the lock). :class:`PipelineBusy` after the timeout.
    """
    if path.resolve() in _HELD_HERE:
        yield
        return
    deadline, told = time.monotonic() + timeout, False
    with ExitStack() as held:
        while True:
            try:
                held.enter_context(pipeline_lock(path))
                break
            except PipelineBusy as busy:
                if time.monotonic() > deadline:
                    raise
                if not told:
                    on_wait(str(busy))
                    told = True
                time.sleep(1.0)
        yield


def abandoned_lock_message(holder: LockHolder, path: Path) -> str:
    """What to tell the operator when a run takes over the lock of a pipeline that died."""
    return (
        f"the previous pipeline, {holder}, stopped without finishing (killed or crashed); "
        f"its lock {path} is taken over. This run lands, loads and builds again what it had not finished."
    )
