"""Consistency checks over the consolidated directory: warnings that name file, line and field.

None of these stop the load (the warehouse shows the directory as HR has it);
a department hierarchy with a cycle does, because it has no top.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from itertools import combinations
from typing import TypeVar

from ingestion.config.errors import ConfigError
from ingestion.directory.records import Assignment, Department, DirectoryWarning, warning_at

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)


def _grouped(records: Iterable[T], key: Callable[[T], K]) -> dict[K, list[T]]:
    groups: dict[K, list[T]] = defaultdict(list)
    for record in records:
        groups[key(record)].append(record)
    return groups


def _period(a: Assignment) -> str:
    return f"{a.valid_from}..{a.valid_to or 'now'}"


def check_hierarchy(departments: list[Department]) -> list[DirectoryWarning]:
    """Parents must exist while their child does (warning); the hierarchy must never loop (error)."""
    versions = _grouped(departments, lambda d: d.department_id)
    warnings = [
        warning_at(
            "unknown_department",
            d.origin,
            "parent_department_id",
            d.parent_department_id,
            f"parent of department {d.department_id!r} does not exist"
            + (f" on {d.valid_from}" if d.parent_department_id in versions else ""),
        )
        for d in departments
        if d.parent_department_id and not any(p.overlaps(d) for p in versions.get(d.parent_department_id, []))
    ]
    # the tree as it stands at each day a version starts (undated departments stand always)
    moments: list[dt.date | None] = [*sorted({d.valid_from for d in departments if d.valid_from})] or [None]
    for moment in moments:
        standing = [d for d in departments if d.covers(moment)]
        parents = {d.department_id: d.parent_department_id for d in standing}
        for d in standing:
            seen = [d.department_id]
            while (parent := parents.get(seen[-1])) and parent in parents:
                if parent in seen:
                    raise ConfigError(
                        d.origin.file,
                        f"line {d.origin.line}, field 'parent_department_id'",
                        f"the hierarchy loops: {' > '.join([*seen, parent])}"
                        + (f" (on {moment})" if moment else ""),
                    )
                seen.append(parent)
    return warnings


def check_references(
    assignments: list[Assignment], departments: list[Department], site_ids: set[str] | None
) -> list[DirectoryWarning]:
    """Each row's department exists when the row starts (and its site, when sites are known); each
    row has an extension."""
    versions = _grouped(departments, lambda d: d.department_id)
    warnings = []
    for a in assignments:
        if a.department_id and not any(d.covers(a.valid_from) for d in versions.get(a.department_id, [])):
            when = f" on {a.valid_from}" if a.department_id in versions else ""
            warnings.append(
                warning_at(
                    "unknown_department",
                    a.origin,
                    "department_id",
                    a.department_id,
                    f"{a.employee_id} is in a department that does not exist{when}",
                )
            )
        if site_ids is not None and a.site_id not in site_ids:
            warnings.append(
                warning_at(
                    "unknown_site",
                    a.origin,
                    "site_id",
                    a.site_id,
                    f"{a.employee_id} is at a site not in config/sites.yml ({sorted(site_ids)}; "
                    "a site's directory_branch says how the export names it)",
                )
            )
        if not a.extension:
            warnings.append(
                warning_at(
                    "no_extension",
                    a.origin,
                    "extension",
                    "",
                    f"{a.employee_id} ({a.full_name}) has no extension {_period(a)}",
                )
            )
    return warnings


def check_overlaps(assignments: list[Assignment]) -> list[DirectoryWarning]:
    """One person in two rows at once; one extension held by two people at once."""
    warnings = []
    for rows in _grouped(assignments, lambda a: a.employee_id).values():
        for first, second in combinations(sorted(rows, key=lambda a: a.valid_from), 2):
            if first.overlaps(second):
                warnings.append(
                    warning_at(
                        "overlapping_validity",
                        second.origin,
                        "valid_from",
                        str(second.valid_from),
                        f"{second.employee_id} {_period(second)} overlaps {_period(first)} ({first.origin})",
                    )
                )
    held = [a for a in assignments if a.extension]
    for (site, extension), rows in _grouped(held, lambda a: (a.site_id, a.extension)).items():
        for first, second in combinations(sorted(rows, key=lambda a: a.valid_from), 2):
            if first.employee_id != second.employee_id and first.overlaps(second):
                warnings.append(
                    warning_at(
                        "extension_shared",
                        second.origin,
                        "extension",
                        extension,
                        f"extension {extension} at {site} is held by {second.employee_id} "
                        f"{_period(second)} and by {first.employee_id} {_period(first)} "
                        f"({first.origin})",
                    )
                )
    return warnings
