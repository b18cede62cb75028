"""Directory import: HR / Active Directory exports (CSV, LDIF) into one consolidated directory.

Sources are read in precedence order (``ingestion.directory.sources``). A
source that is a series of snapshots becomes history first
(``directory_snapshots``, ``directory_history``); departments given by name or
path get their ids (``directory_paths``). Then, for each key (``employee_id``,
``department_id``) the rows of the strongest source that knows it are kept; a
weaker source's row that overlaps one of them only fills fields the kept row
leaves blank (a disagreement is a warning), one covering a period the stronger
source does not know is kept as well. Malformed input (a missing column, a bad
date, a period that ends before it starts) is a ``ConfigError`` naming the
file, line and field; inconsistencies are warnings (``directory_checks``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

from ingestion.config.errors import ConfigError
from ingestion.directory.checks import check_hierarchy, check_overlaps, check_references
from ingestion.directory.files import read_export
from ingestion.directory.history import Taken, versions_from_snapshots
from ingestion.directory.paths import DepartmentFinder, Names, path_id, split_path, with_path_parents
from ingestion.directory.records import (
    ATTRIBUTES,
    Assignment,
    Department,
    DirectoryWarning,
    Origin,
    warning_at,
)
from ingestion.directory.snapshots import Snapshot, read_snapshots
from ingestion.directory.sources import DirectorySource, load_directory_sources

R = TypeVar("R", Assignment, Department)


@dataclass(frozen=True)
class ExportRead:
    """One export (or one snapshot of a series) as read: for a person checking the import."""

    source: str
    kind: str
    file: str
    instant: dt.date | None  # the snapshot's; None for a single export
    rows: int


@dataclass(frozen=True)
class Directory:
    departments: list[Department]
    assignments: list[Assignment]
    warnings: list[DirectoryWarning]
    read: list[ExportRead] = field(default_factory=list)


def _date(source: DirectorySource, path: Path, line: int, name: str, value: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.datetime.strptime(value, source.date_format).date()
    except ValueError as exc:
        example = dt.date(2026, 8, 3).strftime(source.date_format)
        raise ConfigError(
            path,
            f"line {line}, field '{name}'",
            f"expected a date like {example} ({source.date_format}), got {value!r}",
        ) from exc


def _period(
    source: DirectorySource, path: Path, line: int, row: dict[str, str]
) -> tuple[dt.date | None, dt.date | None]:
    """A dated row's ``[valid_from, valid_to)``; (None, None) for a snapshot's rows and undated ones."""
    valid_from = _date(source, path, line, "valid_from", row.get("valid_from", ""))
    valid_to = _date(source, path, line, "valid_to", row.get("valid_to", ""))
    if valid_to is not None and valid_from is None:
        raise ConfigError(path, f"line {line}, field 'valid_from'", "is required when valid_to is given")
    if valid_to is not None and valid_from is not None and valid_to <= valid_from:
        raise ConfigError(
            path,
            f"line {line}, field 'valid_to'",
            f"{valid_to} should be after valid_from {valid_from} (valid_to is exclusive)",
        )
    return valid_from, valid_to


def _extension(source: DirectorySource, value: str) -> str:
    if source.extension_digits is None:
        return value
    digits = re.sub(r"\D", "", value)
    return digits[-source.extension_digits :]


def _assignment(
    source: DirectorySource,
    path: Path,
    line: int,
    row: dict[str, str],
    finder: DepartmentFinder,
    implied: dict[str, Department],
    warnings: list[DirectoryWarning],
) -> Assignment:
    origin = Origin(source.name, str(path), line)
    valid_from, valid_to = _period(source, path, line, row)
    department_id = row.get("department_id", "")
    if not department_id and row.get("department"):
        names = split_path(row["department"], source.path_separator)
        department_id = finder.find(names, origin, implied, warnings) if names else ""
    return Assignment(
        employee_id=row["employee_id"],
        full_name=row.get("full_name", ""),
        email=row.get("email", ""),
        department_id=department_id,
        site_id=row.get("site_id", ""),
        extension=_extension(source, row.get("extension", "")),
        valid_from=valid_from,  # type: ignore[arg-type]  # None only in a snapshot, set by its history
        valid_to=valid_to,
        origin=origin,
    )


def _department(
    source: DirectorySource, path: Path, line: int, row: dict[str, str]
) -> tuple[Department, Names]:
    names = split_path(row.get("path", ""), source.path_separator)
    valid_from, valid_to = _period(source, path, line, row)
    department = Department(
        department_id=row.get("department_id") or path_id(names),
        name=row.get("name") or (names[-1] if names else ""),
        parent_department_id=row.get("parent_department_id", ""),
        site_id=row.get("site_id", ""),
        origin=Origin(source.name, str(path), line),
        valid_from=valid_from,
        valid_to=valid_to,
    )
    return department, names


def _exports(
    source: DirectorySource, warnings: list[DirectoryWarning], read: list[ExportRead]
) -> list[Snapshot]:
    """The snapshots of ``source`` in instant order, or its one export (as a snapshot of no instant)."""
    if source.snapshots is None:
        exports = [Snapshot(None, source.path, read_export(source))]
    else:
        exports = read_snapshots(source, warnings)
    read += [ExportRead(source.name, source.kind, str(s.file), s.instant, len(s.rows)) for s in exports]
    return exports


def _history(source: DirectorySource, series: list[Taken[R]], warnings: list[DirectoryWarning]) -> list[R]:
    """The records of a single export as they are; a snapshot series' as versions."""
    if source.snapshots is None:
        return series[0].records
    extend_back = source.snapshots.before_first == "extend"
    return versions_from_snapshots(series, warnings, extend_back)


def _departments_of(
    source: DirectorySource, warnings: list[DirectoryWarning], read: list[ExportRead]
) -> list[Department]:
    series = [
        Taken(
            s.instant,
            str(s.file),
            with_path_parents([_department(source, s.file, n, row) for n, row in s.rows]),
        )
        for s in _exports(source, warnings, read)
    ]
    return _history(source, series, warnings)


def _assignments_of(
    source: DirectorySource,
    finder: DepartmentFinder,
    warnings: list[DirectoryWarning],
    read: list[ExportRead],
) -> tuple[list[Assignment], list[Department]]:
    """The source's assignments, and the departments its rows name by path that no source gives."""
    people: list[Taken[Assignment]] = []
    implied: list[Taken[Department]] = []
    for s in _exports(source, warnings, read):
        named: dict[str, Department] = {}
        people.append(
            Taken(
                s.instant,
                str(s.file),
                [_assignment(source, s.file, n, row, finder, named, warnings) for n, row in s.rows],
            )
        )
        implied.append(Taken(s.instant, str(s.file), list(named.values())))
    return _history(source, people, warnings), _history(source, implied, [])


def _fill_blanks(kept: R, weaker: list[R], warnings: list[DirectoryWarning]) -> R:
    """Take the weaker source's values for fields ``kept`` leaves blank; warn where they differ."""
    day = getattr(kept, "valid_from", None)
    match = next((row for row in weaker if row.covers(day)), None)
    if match is None:
        return kept
    filled = {}
    for name in ATTRIBUTES[type(kept)]:
        mine, theirs = getattr(kept, name), getattr(match, name)
        if not mine and theirs:
            filled[name] = theirs
        elif mine and theirs and mine != theirs:
            warnings.append(
                warning_at(
                    "sources_disagree",
                    match.origin,
                    name,
                    theirs,
                    f"{kept.origin.source} ({kept.origin}) says {mine!r} for {kept.key}; kept that",
                )
            )
    return replace(kept, **filled)


def consolidate(by_source: list[list[R]], warnings: list[DirectoryWarning]) -> list[R]:
    """Merge sources given strongest first: per key, the strongest source's rows, blanks filled."""
    chosen: dict[str, list[R]] = {}
    for records in by_source:
        grouped: dict[str, list[R]] = {}
        for record in records:
            grouped.setdefault(record.key, []).append(record)
        for key, rows in grouped.items():
            if key not in chosen:
                chosen[key] = rows
                continue
            kept = [_fill_blanks(row, rows, warnings) for row in chosen[key]]
            # periods only the weaker source knows (e.g. history before an AD export's current row)
            kept += [row for row in rows if not any(row.overlaps(mine) for mine in chosen[key])]
            chosen[key] = kept
    return [row for rows in chosen.values() for row in rows]


def _first_of_each(
    records: list[R], identity, kind: str, field: str, warnings: list[DirectoryWarning]
) -> list[R]:
    """Keep the first row per identity; later ones are warned about and dropped."""
    first: dict[object, R] = {}
    for record in records:
        key = identity(record)
        if key in first:
            warnings.append(
                warning_at(
                    kind,
                    record.origin,
                    field,
                    str(getattr(record, field)),
                    f"{record.key} already has a row with this {field} ({first[key].origin}); ignored",
                )
            )
        else:
            first[key] = record
    return list(first.values())


def _at_sites(records: list[R], branches: Mapping[str, str] | None) -> list[R]:
    """Each record's branch as the HR export names it replaced by its site id (sites.yml directory_branch)."""
    if not branches:
        return records
    return [replace(r, site_id=branches[r.site_id]) if r.site_id in branches else r for r in records]


def read_directory(
    input_dir: Path, site_ids: set[str] | None = None, branches: Mapping[str, str] | None = None
) -> Directory:
    """Read, type, consolidate and check every directory source under ``input_dir``.

    ``branches`` maps the HR export's branch names to site ids (``config.site_of_branch``).
    """
    sources = load_directory_sources(input_dir)
    warnings: list[DirectoryWarning] = []
    read: list[ExportRead] = []
    department_sets = [_departments_of(s, warnings, read) for s in sources if s.kind == "departments"]
    finder = DepartmentFinder([d for records in department_sets for d in records])
    assignment_sets, implied_sets = [], []
    for source in sources:
        if source.kind == "assignments":
            assignments, implied = _assignments_of(source, finder, warnings, read)
            assignment_sets.append(assignments)
            implied_sets.append(implied)
    departments = _first_of_each(
        consolidate(department_sets + implied_sets, warnings),
        lambda d: (d.department_id, d.valid_from),
        "duplicate_department",
        "department_id",
        warnings,
    )
    assignments = _first_of_each(
        consolidate(assignment_sets, warnings),
        lambda a: (a.employee_id, a.valid_from),
        "overlapping_validity",
        "valid_from",
        warnings,
    )
    departments, assignments = _at_sites(departments, branches), _at_sites(assignments, branches)
    warnings += check_hierarchy(departments)
    warnings += check_references(assignments, departments, site_ids)
    warnings += check_overlaps(assignments)
    return Directory(departments, assignments, warnings, read)
