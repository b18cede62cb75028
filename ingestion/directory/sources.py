"""Which directory exports to read, and how: ``config/directory.yml``, else the demo's two CSVs.

A source is one kind (``departments`` or ``assignments``) in one format
(``csv`` or ``ldif``), with a mapping from Ringledger's field names to the
file's column (CSV) or attribute (LDIF) names. It is either one export
(``path``: effective dates in the rows) or a series of snapshots
(``snapshots``: each file, or each value of a column, is the directory as it
was from an instant on; see ``ingestion.directory.snapshots``). When sources
overlap, the one with the lower ``precedence`` wins (default: the order in the
file).
"""

from __future__ import annotations

import codecs
import datetime as dt
import glob
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ingestion.config.errors import ConfigError
from ingestion.directory.records import ASSIGNMENT_FIELDS, DEPARTMENT_FIELDS

CONFIG_FILE = Path("config") / "directory.yml"
KIND_FIELDS = {"departments": DEPARTMENT_FIELDS, "assignments": ASSIGNMENT_FIELDS}
FORMATS = ("csv", "ldif")
INSTANT_FROM = ("file_name", "column")
BEFORE_FIRST = ("extend", "unknown")
DATED = ("valid_from", "valid_to")  # a snapshot's rows take their validity from the instants
# Active Directory attribute names; effective dates have no standard attribute, so these are named plainly.
LDIF_DEFAULTS = {
    "assignments": {
        "employee_id": "employeeID",
        "full_name": "displayName",
        "email": "mail",
        "department_id": "departmentNumber",
        "department": "department",
        "site_id": "l",
        "extension": "telephoneNumber",
        "valid_from": "validFrom",
        "valid_to": "validTo",
    },
    "departments": {
        "department_id": "ou",
        "path": "path",
        "name": "description",
        "parent_department_id": "parentOu",
        "site_id": "l",
        "valid_from": "validFrom",
        "valid_to": "validTo",
    },
}
LDIF_OBJECT_CLASS = {"assignments": "user", "departments": "organizationalUnit"}
CONVENTION = (
    ("departments", Path("directory") / "departments.csv"),
    ("assignments", Path("directory") / "hr_assignments.csv"),
)


@dataclass(frozen=True)
class SnapshotFile:
    path: Path
    instant: dt.date | None = None  # given in the configuration; else from the file name or a column


@dataclass(frozen=True)
class Snapshots:
    """A source's series of snapshots and where each one's instant comes from."""

    files: tuple[SnapshotFile, ...]
    listed: bool  # the files are listed one by one (else a glob pattern matched them)
    instant_from: str = "file_name"  # for files listed without an instant, and for glob matches
    instant_column: str = ""  # column or attribute holding the instant (instant_from: column)
    instant_format: str = ""  # strptime format; "" = a YYYY-MM-DD / YYYYMMDD date in the name, or date_format
    before_first: str = "extend"  # the first snapshot also holds before its instant; "unknown": it does not


@dataclass(frozen=True)
class DirectorySource:
    name: str
    kind: str
    format: str
    path: Path  # the export, or for a series the pattern or first listed file (for messages)
    precedence: int
    columns: dict[str, str | None] = field(default_factory=dict)  # field -> column; None: not in export
    explicit: frozenset[str] = frozenset()  # fields whose column the configuration names: must exist
    date_format: str = "%Y-%m-%d"
    delimiter: str = ","
    encoding: str = "utf-8"
    object_class: str = ""
    extension_digits: int | None = None
    path_separator: str = "/"
    snapshots: Snapshots | None = None

    @property
    def fields(self) -> tuple[str, ...]:
        return KIND_FIELDS[self.kind]

    def column(self, name: str) -> str | None:
        return self.columns.get(name)


def _mapping(config: Path, where: str, kind: str, fmt: str, raw: Any) -> dict[str, str | None]:
    defaults = LDIF_DEFAULTS[kind] if fmt == "ldif" else {name: name for name in KIND_FIELDS[kind]}
    if raw is None:
        return dict(defaults)
    if not isinstance(raw, dict):
        raise ConfigError(config, where, "field 'columns' should map field names to column names")
    unknown = sorted(set(raw) - set(KIND_FIELDS[kind]))
    if unknown:
        raise ConfigError(
            config, where, f"columns: unknown field(s) {unknown}; known: {list(KIND_FIELDS[kind])}"
        )
    return {**defaults, **{name: (None if column is None else str(column)) for name, column in raw.items()}}


def _choice(
    config: Path, where: str, raw: dict[str, Any], name: str, allowed: tuple[str, ...], default=None
) -> str:
    value = raw.get(name, default)
    if value not in allowed:
        raise ConfigError(config, where, f"field '{name}' should be one of {list(allowed)}, got {value!r}")
    return str(value)


def _encoding(config: Path, where: str, raw: dict[str, Any]) -> str:
    name = str(raw.get("encoding", "utf-8"))
    try:
        codecs.lookup(name)
    except LookupError as exc:
        raise ConfigError(
            config, where, f"field 'encoding': unknown encoding {name!r} (e.g. utf-8, cp1252, utf-16)"
        ) from exc
    return name


def _instant(config: Path, where: str, value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ConfigError(
            config, where, f"field 'instant': expected a date like 2026-08-01, got {value!r}"
        ) from exc


def _snapshots(config: Path, input_dir: Path, where: str, raw: dict[str, Any]) -> Snapshots:
    """``snapshots:`` a glob pattern, or a list of paths / {path, instant} entries."""
    spec, instant = raw["snapshots"], raw.get("instant") or {}
    if not isinstance(instant, dict):
        raise ConfigError(config, where, "field 'instant' should be a mapping: {from, column, format}")
    instant_from = _choice(config, f"{where}.instant", instant, "from", INSTANT_FROM, "file_name")
    column = str(instant.get("column") or "")
    if instant_from == "column" and not column:
        raise ConfigError(
            config, f"{where}.instant", "'from: column' needs 'column': the column holding the instant"
        )

    def located(path: Any) -> Path:
        return Path(str(path)) if Path(str(path)).is_absolute() else input_dir / str(path)

    if isinstance(spec, str):
        matches = sorted(glob.glob(str(located(spec)), recursive=True))
        files = tuple(SnapshotFile(Path(match)) for match in matches if Path(match).is_file())
        listed = False
    elif isinstance(spec, list) and spec:
        entries = []
        for n, entry in enumerate(spec, start=1):
            entry = entry if isinstance(entry, dict) else {"path": entry}
            if not entry.get("path"):
                raise ConfigError(config, f"{where}.snapshots[{n}]", "expected a path or {path, instant}")
            given = entry.get("instant")
            at = None if given is None else _instant(config, f"{where}.snapshots[{n}]", given)
            entries.append(SnapshotFile(located(entry["path"]), at))
        files, listed = tuple(entries), True
    else:
        raise ConfigError(
            config, where, "field 'snapshots' should be a glob pattern or a list of {path, instant}"
        )
    return Snapshots(
        files=files,
        listed=listed,
        instant_from=instant_from,
        instant_column=column,
        instant_format=str(instant.get("format") or ""),
        before_first=_choice(config, where, raw, "before_first_snapshot", BEFORE_FIRST, "extend"),
    )


def _source(config: Path, input_dir: Path, index: int, raw: Any) -> DirectorySource:
    where = f"sources[{index}]"
    if not isinstance(raw, dict) or not (raw.get("path") or raw.get("snapshots")):
        raise ConfigError(
            config, where, "expected a mapping with 'kind', 'format' and 'path' (one export) or 'snapshots'"
        )
    if raw.get("path") and raw.get("snapshots"):
        raise ConfigError(
            config, where, "give either 'path' (one export) or 'snapshots' (a series), not both"
        )
    kind = _choice(config, where, raw, "kind", tuple(KIND_FIELDS))
    fmt = _choice(config, where, raw, "format", FORMATS)
    digits = raw.get("extension_digits")
    if digits is not None and (not isinstance(digits, int) or digits <= 0):
        raise ConfigError(
            config, where, f"field 'extension_digits' should be a positive count, got {digits!r}"
        )
    precedence = raw.get("precedence", index)
    if not isinstance(precedence, int):
        raise ConfigError(config, where, f"field 'precedence' should be a whole number, got {precedence!r}")
    columns = raw.get("columns")
    snapshots = _snapshots(config, input_dir, where, raw) if raw.get("snapshots") else None
    if snapshots is not None:
        dated = sorted(set(columns or {}) & set(DATED))
        if dated:
            raise ConfigError(
                config,
                f"{where}.columns",
                f"{dated}: a snapshot's rows are valid from its instant to the next snapshot's; "
                "remove these from 'columns'",
            )
        path = snapshots.files[0].path if snapshots.listed else input_dir / str(raw["snapshots"])
    else:
        path = Path(str(raw["path"]))
        path = path if path.is_absolute() else input_dir / path
    mapping = _mapping(config, where, kind, fmt, columns)
    if snapshots is not None:
        mapping.update(dict.fromkeys(DATED))
    return DirectorySource(
        name=str(raw.get("name") or path.stem),
        kind=kind,
        format=fmt,
        path=path,
        precedence=precedence,
        columns=mapping,
        explicit=frozenset(name for name, column in (columns or {}).items() if column is not None),
        date_format=str(raw.get("date_format", "%Y-%m-%d")),
        delimiter=str(raw.get("delimiter", ",")),
        encoding=_encoding(config, where, raw),
        object_class=str(raw.get("object_class") or (LDIF_OBJECT_CLASS[kind] if fmt == "ldif" else "")),
        extension_digits=digits,
        path_separator=str(raw.get("path_separator") or "/"),
        snapshots=snapshots,
    )


def load_directory_sources(input_dir: Path) -> list[DirectorySource]:
    """The configured sources, or the demo's ``directory/*.csv`` that exist; sorted by precedence."""
    config = input_dir / CONFIG_FILE
    if not config.exists():
        return [
            DirectorySource(
                path.stem, kind, "csv", input_dir / path, index, _mapping(config, "", kind, "csv", None)
            )
            for index, (kind, path) in enumerate(CONVENTION, start=1)
            if (input_dir / path).exists()
        ]
    try:
        document = yaml.safe_load(config.read_text(encoding="utf-8-sig"))
    except yaml.YAMLError as exc:
        raise ConfigError(config, "file", f"not valid YAML ({exc})") from exc
    if not isinstance(document, dict) or not isinstance(document.get("sources"), list):
        raise ConfigError(config, "top level", "expected a mapping with a list under 'sources'")
    sources = [_source(config, input_dir, n, raw) for n, raw in enumerate(document["sources"], start=1)]
    names = [s.name for s in sources]
    for name in names:
        if names.count(name) > 1:
            raise ConfigError(config, "sources", f"name {name!r} appears twice")
    return sorted(sources, key=lambda s: s.precedence)
