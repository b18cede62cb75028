"""Directory import: HR / Active Directory exports (CSV, LDIF) into one consolidated directory.

Sources are read in precedence order (``ingestion.directory_sources``). For
each key (``employee_id``, ``department_id``) the rows of the strongest source
that knows it are kept; a weaker source's row that overlaps one of them only
fills fields the kept row leaves blank (a disagreement is a warning), one
covering a period the stronger source does not know is kept as well. Malformed input (a missing column, a
bad date, a period that ends before it starts) is a ``ConfigError`` naming the
file, line and field; inconsistencies are warnings (``directory_checks``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from ingestion.directory_checks import check_hierarchy, check_overlaps, check_references
from ingestion.directory_files import read_export
from ingestion.directory_records import Assignment, Department, DirectoryWarning, Origin, warning_at
from ingestion.directory_sources import DirectorySource, load_directory_sources
from ingestion.errors import ConfigError

R = TypeVar("R", Assignment, Department)
FILLABLE = {
    Assignment: ("full_name", "email", "department_id", "site_id", "extension"),
    Department: ("name", "parent_department_id", "site_id"),
}


@dataclass(frozen=True)
class Directory:
    departments: list[Department]
    assignments: list[Assignment]
    warnings: list[DirectoryWarning]


def _date(source: DirectorySource, line: int, name: str, value: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.datetime.strptime(value, source.date_format).date()
    except ValueError as exc:
        example = dt.date(2026, 8, 3).strftime(source.date_format)
        raise ConfigError(
            source.path,
            f"line {line}, field '{name}'",
            f"expected a date like {example} ({source.date_format}), got {value!r}",
        ) from exc


def _extension(source: DirectorySource, value: str) -> str:
    if source.extension_digits is None:
        return value
    digits = re.sub(r"\D", "", value)
    return digits[-source.extension_digits :]


def _assignment(source: DirectorySource, line: int, row: dict[str, str]) -> Assignment:
    valid_from = _date(source, line, "valid_from", row["valid_from"])
    valid_to = _date(source, line, "valid_to", row.get("valid_to", ""))
    assert valid_from is not None  # required, checked by read_export
    if valid_to is not None and valid_to <= valid_from:
        raise ConfigError(
            source.path,
            f"line {line}, field 'valid_to'",
            f"{valid_to} should be after valid_from {valid_from} (valid_to is exclusive)",
        )
    return Assignment(
        employee_id=row["employee_id"],
        full_name=row.get("full_name", ""),
        email=row.get("email", ""),
        department_id=row.get("department_id", ""),
        site_id=row.get("site_id", ""),
        extension=_extension(source, row.get("extension", "")),
        valid_from=valid_from,
        valid_to=valid_to,
        origin=Origin(source.name, str(source.path), line),
    )


def _department(source: DirectorySource, line: int, row: dict[str, str]) -> Department:
    return Department(
        department_id=row["department_id"],
        name=row.get("name", ""),
        parent_department_id=row.get("parent_department_id", ""),
        site_id=row.get("site_id", ""),
        origin=Origin(source.name, str(source.path), line),
    )


def _fill_blanks(kept: R, weaker: list[R], warnings: list[DirectoryWarning]) -> R:
    """Take the weaker source's values for fields ``kept`` leaves blank; warn where they differ."""
    day = getattr(kept, "valid_from", None)
    match = next((row for row in weaker if row.covers(day)), None)
    if match is None:
        return kept
    filled = {}
    for name in FILLABLE[type(kept)]:
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


def read_directory(input_dir: Path, site_ids: set[str] | None = None) -> Directory:
    """Read, type, consolidate and check every directory source under ``input_dir``."""
    sources = load_directory_sources(input_dir)
    warnings: list[DirectoryWarning] = []
    department_sets = [
        [_department(s, line, row) for line, row in read_export(s)]
        for s in sources
        if s.kind == "departments"
    ]
    assignment_sets = [
        [_assignment(s, line, row) for line, row in read_export(s)]
        for s in sources
        if s.kind == "assignments"
    ]
    departments = _first_of_each(
        consolidate(department_sets, warnings),
        lambda d: d.department_id,
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
    warnings += check_hierarchy(departments)
    warnings += check_references(assignments, {d.department_id for d in departments}, site_ids)
    warnings += check_overlaps(assignments)
    return Directory(departments, assignments, warnings)
