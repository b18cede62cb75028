"""Read one directory export (CSV or LDIF) into rows of Ringledger field names with their line.

Values are strings as found (blank when absent); typing and checks come later.
A UTF-8 byte-order mark is dropped whatever the configured encoding; bytes the
encoding cannot decode are an error naming the file and line. A column the
configuration names but the file lacks is an error naming the file and field;
a column only the defaults name (an optional field such as ``valid_to``) may be
absent, and reads as blank.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ingestion.config.errors import ConfigError
from ingestion.directory.ldif import parse_ldif
from ingestion.directory.sources import DirectorySource

MappedRow = tuple[int, dict[str, str]]  # (line, field -> value)
INSTANT = "snapshot_instant"  # the pseudo-field of a snapshot's instant read from a column


def required_fields(source: DirectorySource) -> tuple[str, ...]:
    """Without these a row means nothing; LDIF entries may omit any other attribute."""
    if source.kind == "departments":
        return ()  # department_id or path, checked by the caller
    return ("employee_id",) if source.snapshots else ("employee_id", "valid_from")


def read_text(path: Path, encoding: str) -> str:
    """The file decoded, without a byte-order mark; an undecodable byte names its line."""
    data = path.read_bytes()
    try:
        text = data.decode(
            "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
        )
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ConfigError(
            path,
            f"line {line}",
            f"byte {data[exc.start : exc.start + 1]!r} is not {encoding} "
            "(set 'encoding' of this source in config/directory.yml, e.g. cp1252, utf-16)",
        ) from exc
    return text.removeprefix("\ufeff")


def _columns(source: DirectorySource, path: Path, header: list[str]) -> dict[str, int]:
    """Field -> position in the header, for the fields whose column is there."""
    wanted = {name: source.column(name) for name in source.fields}
    if source.snapshots and source.snapshots.instant_from == "column":
        wanted[INSTANT] = source.snapshots.instant_column
    position = {}
    for name, column in wanted.items():
        if column is None:
            continue
        if column in header:
            position[name] = header.index(column)
        elif name in source.explicit or name in required_fields(source) or name == INSTANT:
            raise ConfigError(
                path, f"line 1, field '{name}'", f"column {column!r} is missing; the header has {header}"
            )
    return position


def _read_csv(source: DirectorySource, path: Path) -> list[MappedRow]:
    reader = csv.reader(io.StringIO(read_text(path, source.encoding), newline=""), delimiter=source.delimiter)
    try:
        header = [name.strip() for name in next(reader, [])]
        position = _columns(source, path, header)
        rows, line = [], 2
        for values in reader:
            start, line = line, reader.line_num + 1
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                hint = ""
                if start != reader.line_num:
                    hint = (
                        f"; a quoted field opened here runs to line {reader.line_num} (a quote not closed?)"
                    )
                raise ConfigError(
                    path,
                    f"line {start}",
                    f"expected {len(header)} fields, got {len(values)}{hint}",
                )
            rows.append((start, {name: values[i].strip() for name, i in position.items()}))
    except csv.Error as exc:
        raise ConfigError(path, f"line {reader.line_num}", f"not valid CSV ({exc})") from exc
    return rows


def _read_ldif(source: DirectorySource, path: Path) -> list[MappedRow]:
    rows = []
    columns = {name: source.column(name) for name in source.fields}
    if source.snapshots and source.snapshots.instant_from == "column":
        columns[INSTANT] = source.snapshots.instant_column
    for entry in parse_ldif(path, read_text(path, source.encoding)):
        classes = {value.lower() for value in entry.attributes.get("objectclass", [])}
        if source.object_class and source.object_class.lower() not in classes:
            continue
        row = {
            name: (entry.first(column) or "").strip() if column else "" for name, column in columns.items()
        }
        rows.append((entry.line, row))
    return rows


def read_file(source: DirectorySource, path: Path) -> list[MappedRow]:
    """Rows of one file of ``source`` keyed by field name; required fields must not be blank."""
    if not path.exists():
        raise ConfigError(path, "file", f"not found (directory source {source.name!r})")
    rows = _read_csv(source, path) if source.format == "csv" else _read_ldif(source, path)
    for line, row in rows:
        for name in required_fields(source):
            if not row.get(name):
                raise ConfigError(path, f"line {line}, field '{name}'", "is required but empty")
        if source.kind == "departments" and not (row.get("department_id") or row.get("path")):
            raise ConfigError(
                path, f"line {line}, field 'department_id'", "is required (or a path) but empty"
            )
    return rows


def read_export(source: DirectorySource) -> list[MappedRow]:
    """Rows of a single-export source (``path``)."""
    return read_file(source, source.path)
