"""Poll a folder, S3 or SFTP source and land each file once it is complete.

A file is taken when (1) its name is not an in-progress name (``*.tmp``,
``*.part``, ``*~`` …, configurable per source) and (2) two successive looks saw
the same size and modification time. A ``.gz``/``.zst`` file that is taken but
does not decode to its end (its writer stopped early, or it is corrupt) lands
as received with its quarantine reason in the manifest: the raw load quarantines
it whole, and the collector status and the landing reports name it. A new version
under the same name (a new size or time) is taken again like any other file.

The state between looks is a small JSON-able mapping: the
collector and the Dagster ``landed_files`` asset keep it in a file, the
Dagster sensor in its cursor. ``poll_settled`` is the one-shot form for a
batch run: it looks again after a short pause when a file was new or changed.
"""

from __future__ import annotations

import fnmatch
import json
import os
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingestion.collect.landing import LandedFile, land_files
from ingestion.collect.remote_files import RemoteFile, list_files, open_raw
from ingestion.collect.runner import exclusive
from ingestion.collect.status import CollectorStatus, utc_now, write_status
from ingestion.config.company import Source
from ingestion.formats import compression

STATE_NAME = "files-state.json"
SETTLE_SECONDS = 2.0  # between the two looks of a one-shot run
LAND_BATCH = 500  # settled files landed per call (remote ones are fetched to scratch first)
POLL_STATE_DIR = ".poll-state"  # under the landing folder: what the last one-shot run saw, per source


@dataclass
class PollResult:
    landed: list[LandedFile] = field(default_factory=list)
    already_landed: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)  # seen, not complete yet
    state: dict[str, Any] = field(default_factory=dict)

    @property
    def quarantined(self) -> list[LandedFile]:
        """Landed files the raw load will quarantine whole (compressed, not decoding to their end)."""
        return [f for f in self.landed if f.quarantine_reason]


def _in_progress(source: Source, name: str) -> bool:
    base = name.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatch(base, pattern) for pattern in source.file_transport.in_progress)


def _fetch(source: Source, file: RemoteFile, folder: Path) -> Path:
    """A local path with the file's bytes: a folder source's file itself, else a copy in ``folder``."""
    if source.transport.kind == "folder":
        return Path(file.url)
    folder.mkdir()  # one folder per file: equal base names stay apart
    local = folder / file.name.rsplit("/", 1)[-1]
    with open_raw(source, file) as reader, local.open("wb") as writer:
        shutil.copyfileobj(reader, writer, 1 << 20)
    return local


def _land_ready(
    source: Source, ready: list[RemoteFile], landing_dir: Path, scratch: Path, result: PollResult
) -> None:
    """Land settled files in one call (one manifest read); truncated compressed ones with their reason."""
    local: dict[Path, RemoteFile] = {}
    reasons: dict[Path, str] = {}
    for index, file in enumerate(ready):
        path = _fetch(source, file, scratch / str(index))
        if problem := compression.decode_problem(path):  # stable, yet it does not decode to its end
            reasons[path] = problem
        local[path] = file
    landing = land_files(source, list(local), landing_dir, reasons)
    result.landed += landing.landed
    duplicates = set(landing.duplicates)
    result.already_landed += [file.name for path, file in local.items() if str(path) in duplicates]
    for fetched in scratch.iterdir():
        shutil.rmtree(fetched)


@dataclass
class Look:
    """One look at a source: what is complete and not taken yet, what is still being written."""

    ready: list[RemoteFile]
    waiting: list[str]
    seen: dict[str, list[float]]  # not ready yet: signature now, for the next look
    taken: dict[str, list[float]]  # taken before, of the files still listed
    listed: set[str]

    def state(self, taking: list[RemoteFile]) -> dict[str, Any]:
        """The state for the next look once ``taking`` are taken (landed, or announced for landing)."""
        taken = dict(self.taken) | {f.name: [f.size, f.mtime] for f in taking}
        seen = {n: s for n, s in self.seen.items() if n not in taken or taken[n] != s}
        return {"seen": seen, "taken": {n: s for n, s in taken.items() if n in self.listed}}


def look(source: Source, state: dict[str, Any] | None = None, quiet_seconds: float | None = None) -> Look:
    """List the source and say which files are complete: two looks agree (or quiet long enough).

    With ``quiet_seconds``, a file not modified for that long counts as settled at the
    first look (nobody has written to it for the whole window two looks would span).
    """
    state = state or {}
    now = time.time()
    seen_before: dict[str, list[float]] = state.get("seen", {})
    taken: dict[str, list[float]] = state.get("taken", {})
    ready, waiting, seen_now = [], [], {}
    listed = list_files(source)
    for file in listed:
        signature = [file.size, file.mtime]
        if taken.get(file.name) == signature:
            continue
        if _in_progress(source, file.name):
            waiting.append(file.name)
            continue
        seen_now[file.name] = signature
        quiet = quiet_seconds is not None and now - file.mtime >= quiet_seconds
        if seen_before.get(file.name) == signature or quiet:
            ready.append(file)
        else:
            waiting.append(file.name)
    names = {file.name for file in listed}
    return Look(ready, waiting, seen_now, {n: s for n, s in taken.items() if n in names}, names)


def poll(
    source: Source, landing_dir: Path, state: dict[str, Any] | None = None, quiet_seconds: float | None = None
) -> PollResult:
    """One look at the source (:func:`look`): land what became complete since the previous look."""
    seen = look(source, state, quiet_seconds)
    result = PollResult(waiting=list(seen.waiting))
    with tempfile.TemporaryDirectory(prefix="ringledger-fetch-") as scratch:
        for start in range(0, len(seen.ready), LAND_BATCH):
            _land_ready(source, seen.ready[start : start + LAND_BATCH], landing_dir, Path(scratch), result)
    still_waiting = set(result.waiting)
    result.state = seen.state([f for f in seen.ready if f.name not in still_waiting])
    return result


def poll_settled(
    source: Source,
    landing_dir: Path,
    state: dict[str, Any] | None = None,
    settle_seconds: float = SETTLE_SECONDS,
) -> PollResult:
    """Land what is complete now: look, and look again after ``settle_seconds`` if a file was new or changed.

    A file is taken only when two looks agree, whether the earlier look is in ``state`` (a previous
    run) or the first of these two, or when it was last modified ``settle_seconds`` ago or more (then
    no pause is needed); in-progress names still wait.
    """
    first = poll(source, landing_dir, state, quiet_seconds=settle_seconds)
    if not first.state["seen"]:
        return first
    time.sleep(settle_seconds)
    second = poll(source, landing_dir, first.state)
    second.landed = first.landed + second.landed
    second.already_landed = first.already_landed + second.already_landed
    return second


def land_settled(source: Source, landing_dir: Path, settle_seconds: float = SETTLE_SECONDS) -> PollResult:
    """``poll_settled`` with its state kept under the landing folder between one-shot runs."""
    state_path = landing_dir / POLL_STATE_DIR / f"{source.name}.json"
    result = poll_settled(source, landing_dir, load_state(state_path), settle_seconds)
    save_state(state_path, result.state)
    return result


def load_state(path: Path) -> dict[str, Any]:
    """The poller state saved at ``path``, or an empty one."""
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def save_state(path: Path, state: dict[str, Any]) -> None:
    """Replace the state at ``path`` atomically (a crash leaves the old or the new one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(state, sort_keys=True), encoding="utf-8")
    os.replace(partial, path)


def run_file_collector(
    source: Source, spool_root: Path, landing_dir: Path, stop: threading.Event, poll_seconds: float
) -> int:
    """Poll every ``poll_seconds`` until ``stop``; the state survives restarts in ``files-state.json``."""
    directory = spool_root / source.name
    with exclusive(directory):
        state_path = directory / STATE_NAME
        state = load_state(state_path)
        status = CollectorStatus(source=source.name, transport=source.transport.kind, state="polling")
        while True:
            try:
                result = poll(source, landing_dir, state)
                state = result.state
                save_state(state_path, state)
                status.files_landed += len(result.landed)
                status.files_quarantined += len(result.quarantined)
                status.last_record_at = utc_now() if result.landed else status.last_record_at
                status.last_error = None
            except Exception as exc:  # a network or permission problem: report it and try again later
                status.last_error = f"{type(exc).__name__}: {exc}"
            write_status(spool_root, status)
            if stop.wait(poll_seconds):
                break
        status.state = "stopped"
        write_status(spool_root, status)
        return 0
