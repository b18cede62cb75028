"""The directory's records: departments, HR assignments with effective dates, and warnings.

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
    "site_id",
    "extension",
    "valid_from",
    "valid_to",
)
DEPARTMENT_FIELDS = ("department_id", "name", "parent_department_id", "site_id")


@dataclass(frozen=True)
class Origin:
    """Where a record was read: source name, file and line (1-based)."""

    source: str
    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Department:
    department_id: str
    name: str
    parent_department_id: str
    site_id: str
    origin: Origin

    @property
    def key(self) -> str:
        return self.department_id

    def covers(self, day: dt.date) -> bool:
        """Departments carry no effective dates: a row describes the unit for all time."""
        return True

    def overlaps(self, other: Department) -> bool:
        return True


@dataclass(frozen=True)
class Assignment:
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

    def covers(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)

    def overlaps(self, other: Assignment) -> bool:
        ends_after_other_starts = self.valid_to is None or other.valid_from < self.valid_to
        starts_before_other_ends = other.valid_to is None or self.valid_from < other.valid_to
        return ends_after_other_starts and starts_before_other_ends


@dataclass(frozen=True)
class DirectoryWarning:
    """A problem worth a person's attention that does not stop the load."""

    kind: str  # extension_shared, unknown_department, no_extension, overlapping_validity, ...
    file: str
    line: int
    field: str
    value: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}={self.value!r}: {self.message}"


def warning_at(kind: str, origin: Origin, field: str, value: str, message: str) -> DirectoryWarning:
    return DirectoryWarning(kind, origin.file, origin.line, field, value, message)
