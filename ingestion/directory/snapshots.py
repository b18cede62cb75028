"""A directory source given as a series of snapshots: each the organisation as it was from an instant on.

Most HR systems and Active Directory export the organisation as it is today.
Kept one after another, those exports are its history. A snapshot's instant
is a day, taken from (in this order) the configuration (``snapshots: [{path,
instant}]``), or the file name (the first ``YYYY-MM-DD`` or ``YYYYMMDD`` in it,
or ``instant: {format: ...}`` matched against the name without its extension),
or a column (``instant: {from: column, column: ...}``: one file may then hold
several snapshots). The day is a date on each site's own calendar: a snapshot
of 2026-08-10 holds from local midnight of 10 August at every site, the rule
HR's effective dates follow. A time of day or a UTC offset in the value is
read (so that a format can match it) and ignored.

A source has one snapshot per instant: a second file with the same instant and
the same rows is a warning (one is used), with other rows an error naming both
files. A snapshot without rows is a warning and left out (an empty export is
more likely a failed one than a company without staff). Files listed in the
configuration out of their instants' order are a warning; snapshots are always
used in the order of their instants.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from ingestion.config.errors import ConfigError
from ingestion.directory.files import INSTANT, MappedRow, read_file
from ingestion.directory.records import DirectoryWarning, Origin, warning_at
from ingestion.directory.sources import DirectorySource

DATE_IN_NAME = re.compile(r"(?<!\d)(\d{4})-?(\d{2})-?(\d{2})(?!\d)")
FILE = 0  # the line of a warning about a whole file


@dataclass(frozen=True)
class Snapshot:
    instant: dt.date | None  # None: a single export, whose rows carry their own dates
    file: Path
    rows: list[MappedRow]


def _parse(value: str, fmt: str, path: Path, where: str) -> dt.date:
    try:
        return dt.datetime.strptime(value, fmt).date()
    except ValueError as exc:
        example = dt.datetime(2026, 8, 3, 6, 0).strftime(fmt)
        raise ConfigError(
            path, where, f"expected an instant like {example!r} ({fmt}), got {value!r}"
        ) from exc


def instant_from_name(path: Path, fmt: str) -> dt.date:
    """The day in the file's name: by ``fmt`` against the name without extension, else the first date."""
    if fmt:
        return _parse(path.stem, fmt, path, "file name")
    match = DATE_IN_NAME.search(path.name)
    if match:
        try:
            return dt.date(*(int(part) for part in match.groups()))
        except ValueError:
            pass  # digits that are no date (2026-13-01): say what a name should look like
    raise ConfigError(
        path,
        "file name",
        "no snapshot date in the name (expected e.g. people_2026-08-01.csv or people_20260801.csv; "
        "or set instant: {format: ...} or instant: {from: column, column: ...})",
    )


def _by_column(source: DirectorySource, path: Path, rows: list[MappedRow]) -> list[Snapshot]:
    assert source.snapshots is not None
    fmt = source.snapshots.instant_format or source.date_format
    groups: dict[dt.date, list[MappedRow]] = {}
    for line, row in rows:
        value = row.get(INSTANT, "")
        if not value:
            raise ConfigError(
                path, f"line {line}, field {source.snapshots.instant_column!r}", "is required but empty"
            )
        day = _parse(value, fmt, path, f"line {line}, field {source.snapshots.instant_column!r}")
        groups.setdefault(day, []).append((line, row))
    return [Snapshot(day, path, group) for day, group in groups.items()]


def _content(snapshot: Snapshot) -> list[list[tuple[str, str]]]:
    return sorted(sorted(row.items()) for _, row in snapshot.rows)


def _one_per_instant(
    source: DirectorySource, snapshots: list[Snapshot], warnings: list[DirectoryWarning]
) -> list[Snapshot]:
    kept: dict[dt.date, Snapshot] = {}
    for snapshot in sorted(snapshots, key=lambda s: (s.instant, str(s.file))):
        assert snapshot.instant is not None, "every snapshot of a series has its instant"
        first = kept.get(snapshot.instant)
        if first is None:
            kept[snapshot.instant] = snapshot
        elif _content(first) == _content(snapshot):
            warnings.append(
                warning_at(
                    "snapshot_duplicate",
                    Origin(source.name, str(snapshot.file), FILE),
                    "instant",
                    str(snapshot.instant),
                    f"the same snapshot as {first.file}; that one is used",
                )
            )
        else:
            raise ConfigError(
                snapshot.file,
                "snapshot instant",
                f"{snapshot.instant} is also the instant of {first.file}, whose rows differ: a source has "
                "one snapshot per instant (remove one of the files, or correct its instant)",
            )
    return list(kept.values())


def read_snapshots(source: DirectorySource, warnings: list[DirectoryWarning]) -> list[Snapshot]:
    """The source's snapshots in the order of their instants, one per instant, none empty."""
    series = source.snapshots
    assert series is not None
    if not series.files:
        raise ConfigError(source.path, "snapshots", f"no file matches (directory source {source.name!r})")
    snapshots: list[Snapshot] = []
    previous: dt.date | None = None
    for entry in series.files:
        rows = read_file(source, entry.path)
        if entry.instant is not None or series.instant_from == "file_name":
            instant = entry.instant or instant_from_name(entry.path, series.instant_format)
            if series.listed and previous is not None and instant <= previous:
                warnings.append(
                    warning_at(
                        "snapshot_out_of_order",
                        Origin(source.name, str(entry.path), FILE),
                        "instant",
                        str(instant),
                        f"listed after a snapshot of {previous}; snapshots are used in the order of their "
                        "instants (is this instant right?)",
                    )
                )
            previous = max(instant, previous or instant)
            found = [Snapshot(instant, entry.path, rows)]
        else:
            found = _by_column(source, entry.path, rows)
        for snapshot in found:
            if not snapshot.rows:
                warnings.append(
                    warning_at(
                        "snapshot_empty",
                        Origin(source.name, str(snapshot.file), FILE),
                        "instant",
                        str(snapshot.instant),
                        "the snapshot has no rows (a failed export?); left out",
                    )
                )
        snapshots += [snapshot for snapshot in found if snapshot.rows]
    return _one_per_instant(source, snapshots, warnings)
