"""A small JSON status file per source (``<spool>/<source>/status.json``) and how healthy it looks.

The files a source sent that are quarantined whole (compressed files that do not decode to their
end) are read from the landing manifest, so they show whichever way they landed: a collector,
``ringledger land``, the pipeline or the sensor.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ingestion.collect.landing import LandedFile

STATUS_NAME = "status.json"
STATUS_EVERY_SECONDS = 1.0
STALE_AFTER_SECONDS = 15.0


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


@dataclass
class CollectorStatus:
    source: str
    transport: str
    state: str  # starting | waiting (no connection) | receiving | polling | stopped | failed
    pid: int = field(default_factory=os.getpid)
    started_at: str = field(default_factory=utc_now)
    updated_at: str = field(default_factory=utc_now)
    last_record_at: str | None = None
    records_spooled: int = 0
    replays_dropped: int = 0
    files_landed: int = 0
    files_quarantined: int = 0  # landed as received, to be quarantined whole (see quarantined_files)
    connections_open: int = 0
    connections_total: int = 0
    peers: list[str] = field(default_factory=list)
    last_error: str | None = None
    # What becomes of the PBX's output while no collector runs, and the last such gap (previous
    # status update to this start), so that an operator knows which period to look at.
    input_while_down: str | None = None
    down_from: str | None = None
    down_until: str | None = None


def status_path(spool_root: Path, source: str) -> Path:
    return spool_root / source / STATUS_NAME


def write_status(spool_root: Path, status: CollectorStatus) -> None:
    """Replace the status file atomically, so a reader never sees half of it."""
    status.updated_at = utc_now()
    path = status_path(spool_root, status.source)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".json.partial")
    partial.write_text(json.dumps(asdict(status), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(partial, path)


def read_status(spool_root: Path, source: str) -> dict[str, Any] | None:
    path = status_path(spool_root, source)
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def health(status: dict[str, Any] | None, now: datetime | None = None) -> str:
    """``ok``, ``waiting`` (running, no PBX connected), ``error``, ``stale``, ``down`` or ``never ran``."""
    if status is None:
        return "never ran"
    if status["state"] in ("stopped", "failed"):
        return "down"
    if not _alive(int(status["pid"])):
        return "down"
    age = ((now or datetime.now(UTC)) - datetime.fromisoformat(status["updated_at"])).total_seconds()
    if age > STALE_AFTER_SECONDS:
        return "stale"
    if status["state"] == "waiting":
        return "error" if status.get("last_error") else "waiting"
    return "ok"


@dataclass(frozen=True)
class QuarantinedFile:
    """A landed file the raw load quarantines whole, as the status shows it."""

    name: str
    landed_at: str
    reason: str
    replaced: bool  # a version of the same name that decodes landed later


def quarantined_files(manifest: list[LandedFile], source: str) -> list[QuarantinedFile]:
    """The source's landed files with a quarantine reason, in landing order."""
    rows = [f for f in manifest if f.source == source]
    return [
        QuarantinedFile(
            name=f.original_name,
            landed_at=f.landed_at,
            reason=f.quarantine_reason,
            replaced=any(
                later.original_name == f.original_name and not later.quarantine_reason
                for later in rows[index + 1 :]
            ),
        )
        for index, f in enumerate(rows)
        if f.quarantine_reason
    ]
