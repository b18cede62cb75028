"""A small LDIF (RFC 2849) content reader for directory exports: entries as attribute lists.

Handles comments, folded lines (a continuation starts with one space),
base64 values (``attr:: …``) and the ``version:`` line. Attribute names are
case-insensitive, so they are returned lower-cased.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from pathlib import Path

from ingestion.config.errors import ConfigError


@dataclass
class LdifEntry:
    line: int  # line of the entry's ``dn:``
    dn: str
    attributes: dict[str, list[str]] = field(default_factory=dict)

    def first(self, name: str) -> str | None:
        values = self.attributes.get(name.lower())
        return values[0] if values else None


def _unfolded(text: str) -> list[tuple[int, str]]:
    """Logical lines with the number of the physical line each starts on; comments dropped."""
    logical: list[tuple[int, str]] = []
    in_comment = False
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith(" ") and (logical or in_comment):
            if not in_comment:
                start, value = logical[-1]
                logical[-1] = (start, value + line[1:])
            continue
        in_comment = line.startswith("#")
        if not in_comment:
            logical.append((number, line))
    return logical


def _value(path: Path, number: int, line: str) -> tuple[str, str]:
    name, sep, rest = line.partition(":")
    if not sep or not name or " " in name:
        raise ConfigError(path, f"line {number}", f"expected 'attribute: value', got {line[:60]!r}")
    if rest.startswith(":"):
        try:
            return name, base64.b64decode(rest[1:].strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise ConfigError(path, f"line {number}, field '{name}'", f"bad base64 value ({exc})") from exc
    if rest.startswith("<"):
        raise ConfigError(path, f"line {number}, field '{name}'", "values by URL (':<') are not supported")
    return name, rest.strip()


def read_ldif(path: Path, encoding: str = "utf-8") -> list[LdifEntry]:
    """Parse an LDIF file (a leading byte-order mark is ignored) into entries."""
    return parse_ldif(path, path.read_text(encoding=encoding).removeprefix("\ufeff"))


def parse_ldif(path: Path, text: str) -> list[LdifEntry]:
    """Parse the LDIF ``text`` of ``path``; a malformed line is an error naming the file and line."""
    entries: list[LdifEntry] = []
    current: LdifEntry | None = None
    for number, line in _unfolded(text):
        if not line.strip():
            current = None
            continue
        name, value = _value(path, number, line)
        if current is None:
            if name.lower() == "version" and not entries:
                continue
            if name.lower() != "dn":
                raise ConfigError(path, f"line {number}", f"an entry must start with 'dn:', got {name!r}")
            current = LdifEntry(number, value)
            entries.append(current)
            continue
        current.attributes.setdefault(name.lower(), []).append(value)
    return entries
