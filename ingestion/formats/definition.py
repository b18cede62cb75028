"""What a format definition states: layout, time base, duration units and how legs link."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class TimeBase(StrEnum):
    """How a format stamps time."""

    LOCAL_WALL_CLOCK = "local wall clock of the site"
    UTC_EPOCH = "UTC epoch seconds"
    LOCAL_NO_YEAR = "local wall clock without year"
    LOCAL_END_OF_CALL = "local wall clock at the end of the call"


@dataclass(frozen=True)
class FormatDefinition:
    """A delimited call-record layout; columns are named in file order."""

    name: str
    vendor: str
    description: str
    columns: tuple[str, ...]
    min_columns: int
    time_base: TimeBase
    duration_unit: str
    leg_link: str
    delimiter: str = ","
    quote: str = '"'
    header_lines: int = 0

    @property
    def raw_table(self) -> str:
        """The warehouse table holding this format's raw records."""
        return f"raw.{self.name}"
