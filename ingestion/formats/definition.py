"""What a format definition states: layout, time base, duration units, how legs link, how to recognise it.

A definition is data. Four layouts cover the PBXes seen so far:

* ``Delimited``  - one record per line, split by a delimiter (DuckDB ``read_csv``);
  columns by position, by a header row, or in the order a source configures.
* ``FixedWidth`` - one record per line at fixed character positions, with lines to
  skip (printer page headers) and optional date records carried forward.
* ``Framed``     - records cut out of the byte stream by code (STX/ETX, JSON nesting),
  then split into fields by code: the few formats whose framing needs a program.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from ingestion.formats.checks import Validation
from ingestion.formats.identity import RecordIdentity

Frame = tuple[int, int, bytes]  # record number (line or frame ordinal), 0-based byte offset, bytes


class TimeBase(StrEnum):
    """How a format stamps time."""

    LOCAL_WALL_CLOCK = "local wall clock of the site"
    UTC_EPOCH = "UTC epoch seconds"
    LOCAL_NO_YEAR = "local wall clock without year"
    LOCAL_NO_DATE = "local time of day; date from the last date record"
    LOCAL_END_OF_CALL = "local wall clock at the end of the call"


class Header(StrEnum):
    """Whether a delimited file names its columns in its first line."""

    NONE = "no header: columns by position"
    REQUIRED = "header row: columns by name"
    OPTIONAL = "header row when line 1 holds only column names, else by position"


@dataclass(frozen=True)
class Delimited:
    """Delimited text, one record per line."""

    min_columns: int
    delimiter: str = ","
    quote: str = '"'
    header: Header = Header.NONE
    rows_after_header: int = 0  # e.g. Cisco's column-type row
    trailing_delimiter: bool = False  # every line ends with the delimiter (3CX)
    configurable_columns: bool = False  # a source may configure its own column order
    default_order: tuple[str, ...] = ()  # positional order when it is not the raw columns' order

    @property
    def kind(self) -> str:
        return "delimited" + (" with header" if self.header is not Header.NONE else "")


@dataclass(frozen=True)
class Field:
    """A fixed-width field at 1-based inclusive character positions."""

    name: str
    start: int
    end: int


@dataclass(frozen=True)
class DateRecord:
    """A line that carries the date for the records after it (Avaya CM), kept in ``column``."""

    pattern: str  # a regular expression matching the whole line; group 1 is the date
    column: str = "record_date"


@dataclass(frozen=True)
class FixedWidth:
    """Fixed character positions, one record per line (or per frame, for framed streams)."""

    fields: tuple[Field, ...]
    min_length: int  # shorter lines are quarantined
    max_length: int  # longer lines are quarantined (two records run together, a corrupt line)
    skip_patterns: tuple[str, ...] = ()  # regular expressions for page headers and rulers
    date_record: DateRecord | None = None
    deframe: Callable[[bytes], Iterator[Frame]] | None = None  # records not cut at newlines

    @property
    def kind(self) -> str:
        return "fixed width" + (", framed" if self.deframe else "")


class RecordError(ValueError):
    """A record that cannot be split into fields: the reason names the field and what was expected."""


@dataclass(frozen=True)
class Framed:
    """Records cut and split by code: ``frames`` cuts records, ``parse`` splits one into raw rows."""

    frames: Callable[[bytes], Iterator[Frame]]
    parse: Callable[[str], list[dict[str, str | None]]]  # one record may hold several rows
    description: str

    @property
    def kind(self) -> str:
        return f"framed ({self.description})"


Layout = Delimited | FixedWidth | Framed


@dataclass(frozen=True)
class Signature:
    """How ``ringledger sniff`` recognises the format in a sample of a file."""

    field_patterns: Mapping[str, str] = field(default_factory=dict)  # column -> regex (full match)
    line_pattern: str | None = None  # regex a record line matches (fixed width, framed)
    header_names: frozenset[str] = frozenset()  # names that must appear in line 1
    caution: str = ""  # what the person must confirm before using the format


@dataclass(frozen=True)
class FormatDefinition:
    """One PBX record format: layout, raw columns and the facts staging needs to type them."""

    name: str
    vendor: str
    description: str
    columns: tuple[str, ...]  # raw table columns; for positional layouts in file order
    layout: Layout
    time_base: TimeBase
    duration_unit: str
    leg_link: str
    signature: Signature = Signature()
    validation: Validation = Validation()  # what a record must hold to be loaded (ingestion.raw.validation)
    date_format_configurable: bool = False  # the PBX prints dates in a set order: a source's date_format
    identity: RecordIdentity | None = None  # the natural key of one record (ingestion.raw.record_identity)

    @property
    def raw_table(self) -> str:
        """The warehouse table holding this format's raw records."""
        return f"raw.{self.name}"


def fixed_width_columns(layout: FixedWidth) -> tuple[str, ...]:
    """Raw columns of a fixed-width layout: its fields, then the carried date if any."""
    names = tuple(f.name for f in layout.fields)
    return names + ((layout.date_record.column,) if layout.date_record else ())
