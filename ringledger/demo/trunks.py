"""Trunk channels: size each trunk for its busy hour, then never exceed its channels.

A channel is held from the first ring to the last hang-up of a call. Calls
that find every channel of their trunk busy are treated as a carrier would:
an inbound call never reaches the PBX (it is removed), an outbound call fails
at once (FAILED, no ringing, no talk).
"""

from __future__ import annotations

import heapq
import math

import numpy as np

from ringledger.demo.model import FAILED, INBOUND, Calls


def size_channels(calls: Calls, trunk: int) -> int:
    """Channels for a trunk: busy-hour Erlangs plus a safety margin, rounded like a carrier."""
    mask = calls.trunk == trunk
    hold = (calls.end[mask] - calls.start[mask]).astype(np.float64)
    if not len(hold):
        return 4
    hours = calls.start[mask] // 3600
    _, inverse = np.unique(hours, return_inverse=True)
    erlangs = float(np.bincount(inverse, weights=hold).max() / 3600.0)
    channels = erlangs + 3.0 * math.sqrt(erlangs) + 2.0
    step = 2 if channels <= 10 else 5 if channels <= 30 else 10
    return max(4, int(math.ceil(channels / step) * step))


def admitted(start: np.ndarray, end: np.ndarray, channels: int) -> np.ndarray:
    """Which calls (sorted by start) get a channel, first come first served.

    A call is admitted when fewer than ``channels`` earlier admitted calls are still
    active at its start (active means start <= t < end; calls of zero length hold no
    channel). Only calls where the unconstrained count reaches the limit need the
    exact sweep, which keeps this fast for millions of calls.
    """
    n = len(start)
    ok = np.ones(n, bool)
    holding = end > start
    index = np.flatnonzero(holding)
    s, e = start[index], end[index]
    ends_sorted = np.sort(e)
    earlier_active = np.arange(len(s)) - np.searchsorted(ends_sorted, s, side="right")
    rejected_ends: list[int] = []
    for position in np.flatnonzero(earlier_active >= channels):
        t = s[position]
        while rejected_ends and rejected_ends[0] <= t:
            heapq.heappop(rejected_ends)
        if earlier_active[position] - len(rejected_ends) >= channels:
            ok[index[position]] = False
            heapq.heappush(rejected_ends, int(e[position]))
    return ok


def apply_channel_limits(calls: Calls, channels: list[int]) -> tuple[Calls, int, int]:
    """Enforce every trunk's limit; returns (calls, inbound calls lost, outbound calls failed)."""
    order = np.lexsort((np.arange(len(calls)), calls.start))
    calls = calls.take(order)
    keep = np.ones(len(calls), bool)
    failed = 0
    end = calls.end
    for trunk, limit in enumerate(channels):
        on_trunk = np.flatnonzero(calls.trunk == trunk)
        ok = admitted(calls.start[on_trunk], end[on_trunk], limit)
        blocked = on_trunk[~ok]
        inbound = calls.direction[blocked] == INBOUND
        keep[blocked[inbound]] = False
        out = blocked[~inbound]
        failed += len(out)
        calls.disposition[out] = FAILED
        for name in ("ring", "talk", "transfer_at", "ring2"):
            getattr(calls, name)[out] = 0
    lost = int((~keep).sum())
    return calls.take(keep), lost, failed


def assign_channels(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Channel number (1-based, lowest free first) each call occupies on its trunk.

    ``start`` must be sorted; the caller has already kept the trunk within its
    channels, so the numbers never exceed them.
    """
    free: list[int] = []
    busy: list[tuple[int, int]] = []  # (end, channel)
    next_channel = 1
    channel = np.zeros(len(start), np.int32)
    for i, (s, e) in enumerate(zip(start.tolist(), end.tolist(), strict=True)):
        while busy and busy[0][0] <= s:
            heapq.heappush(free, heapq.heappop(busy)[1])
        if free:
            number = heapq.heappop(free)
        else:
            number, next_channel = next_channel, next_channel + 1
        channel[i] = number
        if e > s:
            heapq.heappush(busy, (e, number))
        else:
            heapq.heappush(free, number)
    return channel
