"""Shared vocabulary of the generator: parameters, codes, and the call table.

The call table is a struct of numpy arrays (one element per call) so that a
million calls are generated and transformed without a Python loop per call.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

import numpy as np

# direction codes
INBOUND, OUTBOUND, INTERNAL = 0, 1, 2
DIRECTIONS = ("inbound", "outbound", "internal")

# disposition codes (call level and leg level)
ANSWERED, NO_ANSWER, BUSY, FAILED = 0, 1, 2, 3
DISPOSITIONS = ("answered", "no_answer", "busy", "failed")

# external number categories, relative to the calling site
LOCAL, NATIONAL, MOBILE, INTERNATIONAL, PREMIUM, FRAUD_PRONE = range(6)
CATEGORIES = ("local", "national", "mobile", "international", "premium", "fraud_prone")

NO_TRUNK = -1
NO_GROUP = -1


@dataclass(frozen=True)
class Params:
    """What the user asked for on the command line."""

    seed: int = 42
    calls: int = 60_000
    days: int = 90
    start: dt.date = dt.date(2026, 8, 3)
    employees: int = 300
    pbx: tuple[tuple[str, str], ...] = ()  # (site id, PBX type) replacing a site's own PBX
    clock_change_calls: int = 0  # extra calls around each clock change of each site

    @property
    def end(self) -> dt.date:
        """First day after the period."""
        return self.start + dt.timedelta(days=self.days)


@dataclass
class Calls:
    """One element per call; times are UTC epoch seconds, durations seconds.

    ``ext`` is the extension that answered (or was rung / placed the call);
    ``ext2`` the internal callee, or the transfer target; ``remote`` the external
    party as E.164 digits (0 for internal calls); ``did`` the company number
    dialled on inbound calls.
    """

    site: np.ndarray  # int8
    start: np.ndarray  # int64
    direction: np.ndarray  # int8
    disposition: np.ndarray  # int8
    ring: np.ndarray  # int32, seconds before answer (or before giving up)
    talk: np.ndarray  # int32, billable seconds over all legs
    ext: np.ndarray  # int32
    ext2: np.ndarray  # int32, 0 if none
    transfer_at: np.ndarray  # int32, talk seconds before a transfer, 0 if none
    ring2: np.ndarray  # int32, ring seconds of the transfer target
    group: np.ndarray  # int16, hunt/ring group index in the site, -1 if none
    trunk: np.ndarray  # int16, global trunk index, -1 for internal calls
    remote: np.ndarray  # int64
    did: np.ndarray  # int64
    category: np.ndarray  # int8, external number category, -1 for internal
    kind: np.ndarray  # int8, which generator produced the call (see traffic.KINDS)

    def __len__(self) -> int:
        return len(self.start)

    def take(self, index: np.ndarray) -> Calls:
        """The calls at ``index`` (an index array or boolean mask), in that order."""
        return Calls(**{f.name: getattr(self, f.name)[index] for f in fields(self)})

    @staticmethod
    def concat(parts: list[Calls]) -> Calls:
        """All calls of ``parts``, one after the other."""
        return Calls(**{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(Calls)})

    @property
    def end(self) -> np.ndarray:
        """When the last party hung up (UTC epoch seconds)."""
        transferred = self.transfer_at > 0
        return self.start + self.ring + self.talk + np.where(transferred, self.ring2, 0)


def empty_calls(n: int) -> Calls:
    """A call table of ``n`` calls with neutral values, to be filled in by a generator."""
    return Calls(
        site=np.zeros(n, np.int8),
        start=np.zeros(n, np.int64),
        direction=np.zeros(n, np.int8),
        disposition=np.zeros(n, np.int8),
        ring=np.zeros(n, np.int32),
        talk=np.zeros(n, np.int32),
        ext=np.zeros(n, np.int32),
        ext2=np.zeros(n, np.int32),
        transfer_at=np.zeros(n, np.int32),
        ring2=np.zeros(n, np.int32),
        group=np.full(n, NO_GROUP, np.int16),
        trunk=np.full(n, NO_TRUNK, np.int16),
        remote=np.zeros(n, np.int64),
        did=np.zeros(n, np.int64),
        category=np.full(n, -1, np.int8),
        kind=np.zeros(n, np.int8),
    )
