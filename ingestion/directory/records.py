"""The directory's records: departments and HR assignments with effective dates, and warnings.

Every record keeps where it came from (file and line) so that a warning or an
error can point a person at the row to fix.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

ASSIGNMENT_FIELDS = (
    "employee_id",
    "full_name",
    "email",
    "department_id",
    "department",  # the department by name or path (Sales/Inside Sales) instead of by id
    "site_id",
    "extension",
    "valid_from",
    "valid_to",
)
DEPARTMENT_FIELDS = (
    "department_id",
    "path",
    "name",
    "parent_department_id",
    "site_id",
    "valid_from",
    "valid_to",
)
EARLIEST = dt.date(1900, 1, 1)  # "since before anything the warehouse knows", as for learned versions


@dataclass(frozen=True)
class Origin:
    """Where a record was read: source name, file and line (1-based)."""

    source: str
    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


def _overlap(a_from, a_to, b_from, b_to) -> bool:
    """Half-open periods [from, to) overlap; a None end is open, a None start is "always"."""
    if a_from is None or b_from is None:
        return True
    return (a_to is None or b_from < a_to) and (b_to is None or a_from < b_to)


class _Period:
    """``covers`` and ``overlaps`` for a record with ``valid_from`` / ``valid_to`` (exclusive)."""

    valid_from: dt.date | None
    valid_to: dt.date | None

    def covers(self, day: dt.date | None) -> bool:
        return _overlap(self.valid_from, self.valid_to, day, None if day is None else day + dt.timedelta(1))

    def overlaps(self, other: _Period) -> bool:
        return _overlap(self.valid_from, self.valid_to, other.valid_from, other.valid_to)


@dataclass(frozen=True)
class Department(_Period):
    """A department, for all time (undated: the warehouse versions it as it learns of changes)
    or for ``[valid_from, valid_to)`` (from a snapshot series or dated rows)."""

    department_id: str
    name: str
    parent_department_id: str
    site_id: str
    origin: Origin
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None  # exclusive; None while current

    @property
    def key(self) -> str:
        return self.department_id


@dataclass(frozen=True)
class Assignment(_Period):
    """One HR row: a person in a department at a site with an extension, ``[valid_from, valid_to)``."""

    employee_id: str
    full_name: str
    email: str
    department_id: str
    site_id: str
    extension: str
    valid_from: dt.date
    valid_to: dt.date | None  # exclusive; None while current
    origin: Origin

    @property
    def key(self) -> str:
        return self.employee_id


@dataclass(frozen=True)
class DirectoryWarning:
    """A problem worth a person's attention that does not stop the load."""

    kind: str  # extension_shared, unknown_department, no_extension, overlapping_validity, snapshot_gap, ...
    file: str
    line: int
    field: str
    value: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}={self.value!r}: {self.message}"


def warning_at(kind: str, origin: Origin, field: str, value: str, message: str) -> DirectoryWarning:
    return DirectoryWarning(kind, origin.file, origin.line, field, value, message)


# What describes a record beside its key and validity: a change in any of them is a new version.
ATTRIBUTES: dict[type, tuple[str, ...]] = {
    Assignment: ("full_name", "email", "department_id", "site_id", "extension"),
    Department: ("name", "parent_department_id", "site_id"),
}
