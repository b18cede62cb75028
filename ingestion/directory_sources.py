"""Which directory exports to read, and how: ``config/directory.yml``, else the demo's two CSVs.

A source is one file of one kind (``departments`` or ``assignments``) in one
format (``csv`` or ``ldif``), with a mapping from Ringledger's field names to
the file's column (CSV) or attribute (LDIF) names. When sources overlap, the
one with the lower ``precedence`` wins (default: the order in the file).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ingestion.directory_records import ASSIGNMENT_FIELDS, DEPARTMENT_FIELDS
from ingestion.errors import ConfigError

CONFIG_FILE = Path("config") / "directory.yml"
KIND_FIELDS = {"departments": DEPARTMENT_FIELDS, "assignments": ASSIGNMENT_FIELDS}
FORMATS = ("csv", "ldif")
# Active Directory attribute names; effective dates have no standard attribute, so these are named plainly.
LDIF_DEFAULTS = {
    "assignments": {
        "employee_id": "employeeID",
        "full_name": "displayName",
        "email": "mail",
        "department_id": "departmentNumber",
        "site_id": "l",
        "extension": "telephoneNumber",
        "valid_from": "validFrom",
        "valid_to": "validTo",
    },
    "departments": {
        "department_id": "ou",
        "name": "description",
        "parent_department_id": "parentOu",
        "site_id": "l",
    },
}
LDIF_OBJECT_CLASS = {"assignments": "user", "departments": "organizationalUnit"}
CONVENTION = (
    ("departments", Path("directory") / "departments.csv"),
    ("assignments", Path("directory") / "hr_assignments.csv"),
)


@dataclass(frozen=True)
class DirectorySource:
    name: str
    kind: str
    format: str
    path: Path
    precedence: int
    columns: dict[str, str | None] = field(default_factory=dict)  # field -> column; None: not in export
    date_format: str = "%Y-%m-%d"
    delimiter: str = ","
    encoding: str = "utf-8"
    object_class: str = ""
    extension_digits: int | None = None

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


def _choice(config: Path, where: str, raw: dict[str, Any], name: str, allowed: tuple[str, ...]) -> str:
    value = raw.get(name)
    if value not in allowed:
        raise ConfigError(config, where, f"field '{name}' should be one of {list(allowed)}, got {value!r}")
    return str(value)


def _source(config: Path, input_dir: Path, index: int, raw: Any) -> DirectorySource:
    where = f"sources[{index}]"
    if not isinstance(raw, dict) or not raw.get("path"):
        raise ConfigError(config, where, "expected a mapping with at least 'path', 'kind' and 'format'")
    kind = _choice(config, where, raw, "kind", tuple(KIND_FIELDS))
    fmt = _choice(config, where, raw, "format", FORMATS)
    path = Path(str(raw["path"]))
    digits = raw.get("extension_digits")
    if digits is not None and (not isinstance(digits, int) or digits <= 0):
        raise ConfigError(
            config, where, f"field 'extension_digits' should be a positive count, got {digits!r}"
        )
    precedence = raw.get("precedence", index)
    if not isinstance(precedence, int):
        raise ConfigError(config, where, f"field 'precedence' should be a whole number, got {precedence!r}")
    return DirectorySource(
        name=str(raw.get("name") or path.stem),
        kind=kind,
        format=fmt,
        path=path if path.is_absolute() else input_dir / path,
        precedence=precedence,
        columns=_mapping(config, where, kind, fmt, raw.get("columns")),
        date_format=str(raw.get("date_format", "%Y-%m-%d")),
        delimiter=str(raw.get("delimiter", ",")),
        encoding=str(raw.get("encoding", "utf-8")),
        object_class=str(raw.get("object_class") or (LDIF_OBJECT_CLASS[kind] if fmt == "ldif" else "")),
        extension_digits=digits,
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
        document = yaml.safe_load(config.read_text(encoding="utf-8"))
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
