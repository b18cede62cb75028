"""Run one command as a measured step: wall time and the peak RSS of its whole process tree.

The tree's resident memory is summed from ``/proc`` every few milliseconds
(psutil is not in the pipeline's environment), so a peak shorter than the
sampling interval can be missed.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

SAMPLE_SECONDS = 0.05
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class Measured:
    """What one step took: wall seconds, peak RSS of its tree in MiB, and its output."""

    wall_seconds: float
    peak_rss_mib: float
    samples: list[tuple[float, int]]  # (epoch seconds, tree RSS bytes), to attribute memory to stages
    stdout: str
    stderr: str
    returncode: int


def _parents() -> dict[int, int]:
    """Every live process id mapped to its parent's."""
    parents = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces and parentheses: fields start after the last ')'.
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    return parents


def _tree(root: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for pid, parent in _parents().items():
        children.setdefault(parent, []).append(pid)
    found, todo = set(), [root]
    while todo:
        pid = todo.pop()
        found.add(pid)
        todo.extend(children.get(pid, []))
    return found


def _rss_bytes(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_BYTES
    except (OSError, IndexError, ValueError):
        return 0


def tree_rss_bytes(root: int) -> int:
    """Resident memory of a process and all its descendants, now."""
    return sum(_rss_bytes(pid) for pid in _tree(root))


class _PeakSampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self.samples: list[tuple[float, int]] = []
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            rss = tree_rss_bytes(self.pid)
            self.samples.append((time.time(), rss))
            self.peak = max(self.peak, rss)
            self.done.wait(SAMPLE_SECONDS)


def run_measured(command: list[str], env: dict[str, str], cwd: Path, timeout: float) -> Measured:
    """Run ``command`` to completion while sampling its tree's memory."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    sampler = _PeakSampler(process.pid)
    sampler.start()
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    finally:
        sampler.done.set()
        sampler.join()
        if process.poll() is None:
            process.kill()
    return Measured(
        wall_seconds=time.perf_counter() - started,
        peak_rss_mib=sampler.peak / 2**20,
        samples=sampler.samples,
        stdout=stdout,
        stderr=stderr,
        returncode=process.returncode,
    )
