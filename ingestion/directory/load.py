"""Load the consolidated directory into raw.departments, raw.hr_assignments, raw.directory_warnings.

Replaced as a whole on every load: the exports are the truth (a snapshot
series is read whole every time, so its history is rebuilt from its files),
and the dbt snapshots downstream record when each change was first seen.
"""

from __future__ import annotations

import duckdb

from ingestion.directory.consolidated import Directory
from ingestion.raw.reference import replace_table

ORIGIN_COLUMNS = {"source_name": "VARCHAR", "source_file": "VARCHAR", "source_line": "INTEGER"}
DEPARTMENT_COLUMNS = {
    "department_id": "VARCHAR",
    "name": "VARCHAR",
    "parent_department_id": "VARCHAR",
    "site_id": "VARCHAR",
    "valid_from": "DATE",  # null for an undated department (the warehouse versions it as it learns)
    "valid_to": "DATE",
    **ORIGIN_COLUMNS,
}
ASSIGNMENT_COLUMNS = {
    "employee_id": "VARCHAR",
    "full_name": "VARCHAR",
    "email": "VARCHAR",
    "department_id": "VARCHAR",
    "site_id": "VARCHAR",
    "extension": "VARCHAR",
    "valid_from": "DATE",
    "valid_to": "DATE",
    **ORIGIN_COLUMNS,
}
WARNING_COLUMNS = {
    "kind": "VARCHAR",
    "file": "VARCHAR",
    "line": "INTEGER",
    "field": "VARCHAR",
    "value": "VARCHAR",
    "message": "VARCHAR",
}


def _blank_to_null(value: str) -> str | None:
    return value or None


def load_directory(con: duckdb.DuckDBPyConnection, directory: Directory) -> dict[str, int]:
    """Replace the three raw directory tables; returns rows written per table."""
    departments = [
        (
            d.department_id,
            d.name,
            _blank_to_null(d.parent_department_id),
            _blank_to_null(d.site_id),
            d.valid_from,
            d.valid_to,
            d.origin.source,
            d.origin.file,
            d.origin.line,
        )
        for d in directory.departments
    ]
    assignments = [
        (
            a.employee_id,
            _blank_to_null(a.full_name),
            _blank_to_null(a.email),
            _blank_to_null(a.department_id),
            _blank_to_null(a.site_id),
            _blank_to_null(a.extension),
            a.valid_from,
            a.valid_to,
            a.origin.source,
            a.origin.file,
            a.origin.line,
        )
        for a in directory.assignments
    ]
    warnings = [(w.kind, w.file, w.line, w.field, w.value, w.message) for w in directory.warnings]
    return {
        "departments": replace_table(con, "departments", DEPARTMENT_COLUMNS, departments),
        "hr_assignments": replace_table(con, "hr_assignments", ASSIGNMENT_COLUMNS, assignments),
        "directory_warnings": replace_table(con, "directory_warnings", WARNING_COLUMNS, warnings),
    }
