"""Consecutive snapshots into history: one version per unbroken run of the same content.

A record (a person, a department) seen in snapshots k .. m with the same
content is one version, valid from snapshot k's instant to snapshot m+1's
(exclusive; open while it is in the latest snapshot). A change of content (a
move, a new extension, a rename, a new parent) ends the version at the
snapshot that shows it and starts the next one there. A record absent from a
snapshot has left at that snapshot's instant; its extension is free for
whoever holds it next. Absent and back later (a gap) is read literally, as
gone in between, with a warning naming the snapshot it is missing from.

The first snapshot also holds before its instant (from 1900-01-01, the
warehouse's "always") unless the source says ``before_first_snapshot:
unknown``: a company that starts with one export of today still has its past
calls attributed. A key twice in one snapshot keeps the first row, with a warning.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Generic, TypeVar

from ingestion.directory.records import (
    ATTRIBUTES,
    EARLIEST,
    Assignment,
    Department,
    DirectoryWarning,
    warning_at,
)

R = TypeVar("R", Assignment, Department)


@dataclass(frozen=True)
class Taken(Generic[R]):
    """The typed records of one snapshot."""

    instant: dt.date | None  # None: a single export (not a snapshot series)
    file: str
    records: list[R]


def _content(record: Assignment | Department) -> tuple[str, ...]:
    return tuple(getattr(record, name) for name in ATTRIBUTES[type(record)])


def _by_key(taken: Taken[R], warnings: list[DirectoryWarning]) -> dict[str, R]:
    present: dict[str, R] = {}
    for record in taken.records:
        first = present.setdefault(record.key, record)
        if first is not record:
            warnings.append(
                warning_at(
                    "duplicate_in_snapshot",
                    record.origin,
                    "key",
                    record.key,
                    f"{record.key} is already in this snapshot ({first.origin}); this row is ignored",
                )
            )
    return present


def versions_from_snapshots(
    series: list[Taken[R]], warnings: list[DirectoryWarning], extend_back: bool = True
) -> list[R]:
    """The versions of every key across ``series`` (in the order of their instants)."""
    versions: list[R] = []
    current: dict[str, tuple[R, dt.date]] = {}  # key -> (its open version's record, start)
    left: dict[str, Taken[R]] = {}  # key -> the snapshot it was first missing from
    for index, taken in enumerate(series):
        assert taken.instant is not None, "every snapshot of a series has its instant"
        present = _by_key(taken, warnings)
        for key in [key for key in current if key not in present]:
            record, start = current.pop(key)
            versions.append(replace(record, valid_from=start, valid_to=taken.instant))
            left[key] = taken
        for key, record in present.items():
            if key in current:
                open_record, start = current[key]
                if _content(open_record) == _content(record):
                    continue
                versions.append(replace(open_record, valid_from=start, valid_to=taken.instant))
            elif key in left:
                gone = left.pop(key)
                warnings.append(
                    warning_at(
                        "snapshot_gap",
                        record.origin,
                        "key",
                        key,
                        f"{key} is missing from the snapshot of {gone.instant} ({gone.file}) and back in "
                        f"this one: read as gone from {gone.instant} to {taken.instant}",
                    )
                )
            first = index == 0 and extend_back
            current[key] = (record, EARLIEST if first else taken.instant)
    versions += [replace(record, valid_from=start, valid_to=None) for record, start in current.values()]
    return sorted(versions, key=lambda v: (v.key, v.valid_from or EARLIEST))
