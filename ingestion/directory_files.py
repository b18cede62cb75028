"""Read one directory export (CSV or LDIF) into rows of Ringledger field names with their line.

Values are strings as found (blank when absent); typing and checks come later.
A column the mapping names but the file lacks is an error naming the file and field.
"""

from __future__ import annotations

import csv

from ingestion.directory_sources import DirectorySource
from ingestion.errors import ConfigError
from ingestion.ldif import read_ldif

MappedRow = tuple[int, dict[str, str]]  # (line, field -> value)

# Without these a row means nothing; LDIF entries may omit any other attribute.
REQUIRED = {"assignments": ("employee_id", "valid_from"), "departments": ("department_id",)}


def _read_csv(source: DirectorySource) -> list[MappedRow]:
    with source.path.open(encoding=source.encoding, newline="") as handle:
        reader = csv.reader(handle, delimiter=source.delimiter)
        header = [name.strip() for name in next(reader, [])]
        position = {}
        for name in source.fields:
            column = source.column(name)
            if column is None:
                continue
            if column not in header:
                raise ConfigError(
                    source.path,
                    f"line 1, field '{name}'",
                    f"column {column!r} is missing; the header has {header}",
                )
            position[name] = header.index(column)
        rows = []
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                raise ConfigError(
                    source.path,
                    f"line {reader.line_num}",
                    f"expected {len(header)} fields, got {len(values)}",
                )
            rows.append((reader.line_num, {name: values[i].strip() for name, i in position.items()}))
    return rows


def _read_ldif(source: DirectorySource) -> list[MappedRow]:
    rows = []
    for entry in read_ldif(source.path, source.encoding):
        classes = {value.lower() for value in entry.attributes.get("objectclass", [])}
        if source.object_class and source.object_class.lower() not in classes:
            continue
        row = {}
        for name in source.fields:
            column = source.column(name)
            row[name] = (entry.first(column) or "").strip() if column else ""
        rows.append((entry.line, row))
    return rows


def read_export(source: DirectorySource) -> list[MappedRow]:
    """Rows of ``source`` keyed by field name; required fields must not be blank."""
    if not source.path.exists():
        raise ConfigError(source.path, "file", f"not found (directory source {source.name!r})")
    rows = _read_csv(source) if source.format == "csv" else _read_ldif(source)
    for line, row in rows:
        for name in REQUIRED[source.kind]:
            if not row.get(name):
                raise ConfigError(source.path, f"line {line}, field '{name}'", "is required but empty")
    return rows
