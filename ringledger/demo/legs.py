"""From calls to call legs: the records a PBX writes for each call.

Every call has a primary leg. A transferred call gets a second leg for the
transferee with the remaining talk time. On PBXs that ring a group in parallel
(Asterisk ring groups) every other member rung gets its own NO ANSWER leg.
Legs of a call are written together when the call ends, so records are
ordered by call end.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ringledger.demo.company import Site
from ringledger.demo.model import ANSWERED, NO_ANSWER, NO_GROUP, Calls

PRIMARY, RING_MEMBER, TRANSFER = 0, 1, 9


@dataclass
class Legs:
    """One element per leg, in the order the records are written."""

    call: np.ndarray  # index into the site's calls
    role: np.ndarray  # PRIMARY, RING_MEMBER or TRANSFER
    ext: np.ndarray  # the extension on this leg (answering / rung / calling)
    start: np.ndarray
    answer: np.ndarray  # -1 when never answered
    end: np.ndarray
    disposition: np.ndarray
    billsec: np.ndarray

    def __len__(self) -> int:
        return len(self.call)


@dataclass
class SiteCalls:
    """A site's calls, sorted by start, with the identifiers its PBX gives them."""

    site: Site
    calls: Calls
    serial: np.ndarray  # per call: a PBX counter value (channel number, call id ...)
    legs: Legs


def expand_legs(calls: Calls, site: Site, members: list[np.ndarray]) -> Legs:
    """All legs of ``calls`` (one site), ordered by call end, then call, then role."""
    n = len(calls)
    index = np.arange(n)
    transferred = calls.transfer_at > 0
    answered = calls.disposition == ANSWERED
    first_talk = np.where(transferred, calls.transfer_at, calls.talk)
    parts = [
        (
            index,
            np.full(n, PRIMARY),
            calls.ext,
            calls.start,
            np.where(answered, calls.start + calls.ring, -1),
            calls.start + calls.ring + first_talk,
            calls.disposition,
            first_talk,
        )
    ]
    if site.ring_groups:
        rung = (calls.group != NO_GROUP) & np.isin(calls.disposition, (ANSWERED, NO_ANSWER))
        for group, group_members in enumerate(members):
            in_group = rung & (calls.group == group)
            for member in group_members:
                pick = np.flatnonzero(in_group & (calls.ext != member))
                k = len(pick)
                parts.append(
                    (
                        pick,
                        np.full(k, RING_MEMBER),
                        np.full(k, member),
                        calls.start[pick],
                        np.full(k, -1),
                        calls.start[pick] + calls.ring[pick],
                        np.full(k, NO_ANSWER),
                        np.zeros(k),
                    )
                )
    pick = np.flatnonzero(transferred)
    second_start = calls.start[pick] + calls.ring[pick] + calls.transfer_at[pick]
    second_answer = second_start + calls.ring2[pick]
    rest = calls.talk[pick] - calls.transfer_at[pick]
    parts.append(
        (
            pick,
            np.full(len(pick), TRANSFER),
            calls.ext2[pick],
            second_start,
            second_answer,
            second_answer + rest,
            np.full(len(pick), ANSWERED),
            rest,
        )
    )
    columns = [np.concatenate(column) for column in zip(*parts, strict=True)]
    call, role = columns[0].astype(np.int64), columns[1].astype(np.int8)
    order = np.lexsort((role, call, calls.end[call]))
    legs = Legs(
        call=call[order],
        role=role[order],
        ext=columns[2][order].astype(np.int32),
        start=columns[3][order].astype(np.int64),
        answer=columns[4][order].astype(np.int64),
        end=columns[5][order].astype(np.int64),
        disposition=columns[6][order].astype(np.int8),
        billsec=columns[7][order].astype(np.int64),
    )
    return legs


def file_batches(day_of_record: np.ndarray, limit: int = 400_000) -> list[tuple[int, int]]:
    """Consecutive record ranges, each holding whole files and about ``limit`` records,
    so that rendering never holds more than one batch of text in memory."""
    if not len(day_of_record):
        return []
    breaks = np.flatnonzero(np.diff(day_of_record)) + 1
    bounds = np.concatenate([[0], breaks, [len(day_of_record)]])
    batches: list[tuple[int, int]] = []
    begin = 0
    for b in bounds[1:]:
        if b - begin >= limit:
            batches.append((begin, int(b)))
            begin = int(b)
    if begin < len(day_of_record):
        batches.append((begin, len(day_of_record)))
    return batches


def file_ranges(key: np.ndarray, begin: int, end: int) -> list[tuple[int, int, int]]:
    """(key, first, last+1) for each run of equal ``key`` between ``begin`` and ``end``."""
    part = key[begin:end]
    if not len(part):
        return []
    breaks = np.flatnonzero(np.diff(part)) + 1
    starts = np.concatenate([[0], breaks])
    stops = np.concatenate([breaks, [len(part)]])
    return [(int(part[a]), begin + int(a), begin + int(b)) for a, b in zip(starts, stops, strict=True)]
