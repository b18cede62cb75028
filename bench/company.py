"""The demo company at benchmark scale: generated once per parameter set, then mirrored per run.

A run needs two inputs: the company without its last day (the base build) and
the whole company (the incremental run adds the last day). Both are folders of
hard links into the cache, so the cache itself is never changed.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from ingestion.config.settings import REPO_ROOT
from ringledger.demo.model import Params

RINGLEDGER = str(Path(sys.executable).parent / "ringledger")
DATE_IN_NAME = re.compile(r"(20\d{6})")


@dataclass(frozen=True)
class Company:
    """Parameters of a generated demo company."""

    calls: int
    days: int = Params().days
    seed: int = Params().seed
    employees: int = Params().employees
    start: dt.date = Params().start

    @property
    def key(self) -> str:
        return (
            f"calls-{self.calls}_days-{self.days}_seed-{self.seed}"
            f"_employees-{self.employees}_start-{self.start}"
        )

    @property
    def last_day(self) -> dt.date:
        return self.start + dt.timedelta(days=self.days - 1)


def cached_company(company: Company, cache_dir: Path) -> tuple[Path, float | None]:
    """The generated company folder, generating it first if missing; and the seconds that took (or None)."""
    folder = cache_dir / company.key
    if folder.is_dir():
        return folder, None
    partial = cache_dir / f".partial-{company.key}"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    command = [RINGLEDGER, "demo-data", "--out", str(partial), "--calls", str(company.calls),
               "--days", str(company.days), "--seed", str(company.seed),
               "--employees", str(company.employees), "--start", company.start.isoformat()]  # fmt: skip
    started = time.perf_counter()
    subprocess.run(command, cwd=REPO_ROOT, check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    partial.rename(folder)
    return folder, seconds


def is_held_back(path: Path, last_day: dt.date) -> bool:
    """A PBX file dated on or after the last day (names carry their local or UTC date)."""
    match = DATE_IN_NAME.search(path.name)
    return match is not None and match.group(1) >= last_day.strftime("%Y%m%d")


def _link(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def mirror(generated: Path, target: Path, last_day: dt.date | None) -> list[Path]:
    """Link the company into ``target`` without its PBX files from ``last_day`` on; return the PBX files."""
    shutil.rmtree(target, ignore_errors=True)
    pbx_files = []
    for path in sorted(p for p in generated.rglob("*") if p.is_file()):
        relative = path.relative_to(generated)
        is_pbx = relative.parts[0] == "pbx"
        if is_pbx and last_day is not None and is_held_back(path, last_day):
            continue
        _link(path, target / relative)
        if is_pbx:
            pbx_files.append(target / relative)
    return pbx_files
