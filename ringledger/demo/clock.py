"""Local wall-clock time of a site, vectorised over epoch seconds.

The UTC offset of every hour of the period is looked up once with zoneinfo;
all zones used here change offset on whole hours, so an hourly table is exact.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np

PAD_HOURS = 48


@dataclass(frozen=True)
class SiteClock:
    """UTC offsets of one time zone for each hour from ``origin`` (epoch seconds)."""

    timezone: str
    origin: int
    offsets: np.ndarray  # int32 seconds, one per hour

    @classmethod
    def for_period(cls, timezone: str, start_epoch: int, days: int) -> SiteClock:
        zone = ZoneInfo(timezone)
        origin = start_epoch - PAD_HOURS * 3600
        hours = days * 24 + 2 * PAD_HOURS
        offsets = np.empty(hours, np.int32)
        for hour in range(hours):
            moment = dt.datetime.fromtimestamp(origin + hour * 3600, dt.UTC).astimezone(zone)
            offset = moment.utcoffset()
            assert offset is not None  # astimezone() gives an aware datetime
            offsets[hour] = int(offset.total_seconds())
        return cls(timezone, origin, offsets)

    def local(self, epoch: np.ndarray) -> np.ndarray:
        """Local wall-clock time as naive epoch seconds (UTC epoch + offset)."""
        epoch = np.asarray(epoch, dtype=np.int64)
        hour = np.clip((epoch - self.origin) // 3600, 0, len(self.offsets) - 1)
        return epoch + self.offsets[hour]

    def local_day(self, epoch: np.ndarray) -> np.ndarray:
        """Local calendar day as days since 1970-01-01."""
        return self.local(epoch) // 86400


def local_midnight_utc(timezone: str, day: dt.date) -> int:
    """UTC epoch seconds of the local midnight that starts ``day``."""
    return int(dt.datetime.combine(day, dt.time(), ZoneInfo(timezone)).timestamp())
