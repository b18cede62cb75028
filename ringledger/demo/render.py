"""Per-batch views of a site's legs that every PBX writer needs: parties, names, numbers.

A writer takes records ``begin:end`` of a site, asks a :class:`LegView` for the
columns it needs (as numpy arrays or Arrow text) and renders its own layout.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pyarrow as pa

from ringledger.demo import textcols as tc
from ringledger.demo.clock import SiteClock
from ringledger.demo.company import Company
from ringledger.demo.directory import Directory
from ringledger.demo.legs import SiteCalls
from ringledger.demo.model import INBOUND, INTERNAL, OUTBOUND
from ringledger.demo.numbers import dial_form


@dataclass
class SiteOutput:
    """What a PBX writer gets: one site's calls and legs, and the company around them."""

    data: SiteCalls
    company: Company
    directory: Directory
    clock: SiteClock

    def view(self, begin: int, end: int) -> LegView:
        return LegView(self.data, self.company, self.directory, self.clock, begin, end)

    def record_end(self) -> np.ndarray:
        """UTC end of the call each record belongs to (when the PBX writes it)."""
        return self.data.calls.end[self.data.legs.call]

    def record_local_day(self) -> np.ndarray:
        """Local day (days since 1970-01-01) each record is written on."""
        return self.clock.local_day(self.record_end())


def day_stamp(day: int) -> str:
    """``YYYYMMDD`` of a day number (days since 1970-01-01)."""
    return str(np.datetime64(day, "D")).replace("-", "")


@dataclass
class LegView:
    """Records ``begin:end`` of one site, with their call's attributes alongside."""

    data: SiteCalls
    company: Company
    directory: Directory
    clock: SiteClock
    begin: int
    end: int

    def leg(self, name: str) -> np.ndarray:
        return getattr(self.data.legs, name)[self.begin : self.end]

    def call(self, name: str) -> np.ndarray:
        return getattr(self.data.calls, name)[self.call_index]

    @cached_property
    def call_index(self) -> np.ndarray:
        return self.data.legs.call[self.begin : self.end]

    @cached_property
    def direction(self) -> np.ndarray:
        return self.call("direction")

    @property
    def inbound(self) -> np.ndarray:
        return self.direction == INBOUND

    @property
    def outbound(self) -> np.ndarray:
        return self.direction == OUTBOUND

    @property
    def internal(self) -> np.ndarray:
        return self.direction == INTERNAL

    @cached_property
    def rank(self) -> np.ndarray:
        """Position of each leg within its call (0 for the first record of a call)."""
        calls = self.call_index
        first = np.concatenate([[True], calls[1:] != calls[:-1]])
        run_start = np.maximum.accumulate(np.where(first, np.arange(len(calls)), 0))
        return np.arange(len(calls)) - run_start

    @cached_property
    def remote_e164(self) -> pa.Array:
        return tc.ints(self.call("remote"))

    def remote_as(self, national: str, international: str) -> pa.Array:
        """The external number written with the given prefixes (see numbers.dial_form)."""
        plan = self.data.site.dial_plan
        return dial_form(self.remote_e164, plan.country_code, national, international)

    @cached_property
    def dialled(self) -> pa.Array:
        """What a user dials for the external number, without the access code."""
        plan = self.data.site.dial_plan
        return self.remote_as(plan.national_prefix, plan.international_prefix)

    @cached_property
    def trunk_name(self) -> pa.Array:
        names = [t.pbx_name for t in self.company.trunks]
        return tc.pick(names, np.maximum(self.call("trunk"), 0))

    def person(self, ext: np.ndarray, at: np.ndarray) -> np.ndarray:
        return self.directory.holder(self.data.site.id, ext, at)

    def name_of(self, ext: np.ndarray, at: np.ndarray) -> pa.Array:
        """Full name of whoever held each extension at each moment."""
        return tc.pick(self.directory.names, self.person(ext, at))

    def login_of(self, ext: np.ndarray, at: np.ndarray) -> pa.Array:
        return tc.pick(self.directory.logins, self.person(ext, at))

    def local_time(self, epoch: np.ndarray) -> pa.Array:
        return tc.timestamps(self.clock.local(epoch))
