"""Who calls whom, when: the demo company's call list, generated vectorised.

The list is built from parts, each a :class:`~ringledger.demo.model.Calls` table:
everyday traffic following each site's working-day curve, inbound bursts after
marketing campaigns, call-backs to missed callers, a flood of calls that fills a
trunk, one toll-fraud night, and (on request) busy nights around each clock change.
Trunk limits are applied afterwards
(:mod:`ringledger.demo.trunks`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from ringledger.demo.clock import SiteClock, local_midnight_utc
from ringledger.demo.company import Company, Site
from ringledger.demo.directory import Directory
from ringledger.demo.holidays import holidays
from ringledger.demo.model import (
    ANSWERED,
    BUSY,
    FAILED,
    FRAUD_PRONE,
    INBOUND,
    INTERNAL,
    INTERNATIONAL,
    LOCAL,
    MOBILE,
    NATIONAL,
    NO_ANSWER,
    NO_GROUP,
    OUTBOUND,
    PREMIUM,
    Calls,
    Params,
    empty_calls,
)
from ringledger.demo.numbers import NumberPool

BASE, CAMPAIGN, CALLBACK, PEAK, FRAUD, CLOCK_CHANGE = range(6)
KINDS = ("base", "campaign", "callback", "peak", "fraud", "clock_change")

# relative call volume per local hour on a working day: morning ramp, lunch dip, evening tail
WORKDAY = np.array([0.02, 0.01, 0.008, 0.008, 0.01, 0.03, 0.10, 0.35, 0.80, 1.00, 1.00, 0.95,
                    0.55, 0.70, 0.95, 1.00, 0.90, 0.70, 0.40, 0.20, 0.12, 0.08, 0.05, 0.03])  # fmt: skip
WEEKEND = np.array([0.02, 0.01, 0.008, 0.008, 0.008, 0.01, 0.02, 0.04, 0.07, 0.09, 0.10, 0.10,
                    0.09, 0.09, 0.09, 0.08, 0.07, 0.06, 0.05, 0.04, 0.03, 0.03, 0.02, 0.02])  # fmt: skip
WEEKDAY_FACTOR = np.array([1.08, 1.02, 1.0, 0.98, 0.88, 1.0, 1.0])  # Monday busiest, Friday quiet

# direction shares: (inbound, outbound, internal) in and out of business hours
DIRECTION_SHARE = {True: (0.40, 0.45, 0.15), False: (0.62, 0.30, 0.08)}
# disposition shares (answered, no answer, busy, failed)
DISPOSITION_SHARE = {
    (INBOUND, True): (0.83, 0.12, 0.03, 0.02),
    (INBOUND, False): (0.35, 0.60, 0.03, 0.02),
    (OUTBOUND, True): (0.68, 0.20, 0.07, 0.05),
    (OUTBOUND, False): (0.60, 0.28, 0.07, 0.05),
    (INTERNAL, True): (0.76, 0.19, 0.045, 0.005),
    (INTERNAL, False): (0.60, 0.35, 0.045, 0.005),
}
OUTBOUND_CATEGORY = {LOCAL: 0.25, NATIONAL: 0.20, MOBILE: 0.33, INTERNATIONAL: 0.18,
                     PREMIUM: 0.025, FRAUD_PRONE: 0.005}  # fmt: skip
INBOUND_CATEGORY = {LOCAL: 0.32, NATIONAL: 0.25, MOBILE: 0.33, INTERNATIONAL: 0.10}
# median talk seconds per category (internal calls use the "internal" entry)
TALK_MEDIAN = {LOCAL: 130, NATIONAL: 150, MOBILE: 95, INTERNATIONAL: 260, PREMIUM: 320,
               FRAUD_PRONE: 600}  # fmt: skip
TALK_MEDIAN_INTERNAL = 55
MAX_TALK = 4 * 3600
# which departments answer a group number
GROUP_DEPARTMENTS = {
    "reception": ("customer-service", "people"),
    "main": ("customer-service", "people"),
    "sales": ("sales-dach", "sales-na", "sales-uk", "marketing"),
    "support": ("customer-service", "it-operations"),
    "service": ("customer-service", "field-service"),
}
CALLBACK_SHARE = 0.35


@dataclass
class SiteTraffic:
    """Everything the generator needs to know about one site while drawing calls."""

    site: Site
    clock: SiteClock
    pool: NumberPool
    extensions: np.ndarray
    activity: np.ndarray  # probability that a call involves each extension
    members: list[np.ndarray]  # per group, the extensions it rings
    period_start: int  # UTC epoch of local midnight on the first day
    period_end: int
    hour_starts: np.ndarray  # UTC epoch of every hour in the period
    hour_weight: np.ndarray  # relative call volume of each hour
    hour_business: np.ndarray  # bool: local business hours on a working day

    def direct_did(self, ext: np.ndarray) -> np.ndarray:
        digits = self.site.did_digits
        return int(self.site.did_base) * 10**digits + ext.astype(np.int64) % 10**digits

    def pick_extensions(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return self.extensions[rng.choice(len(self.extensions), size=n, p=self.activity)]

    def route(self, category: np.ndarray) -> np.ndarray:
        """Outbound trunk per call by least-cost routing on the number category."""
        trunks = np.full(len(category), self.site.trunks[0].index, np.int16)
        for cat, trunk_id in self.site.routes.items():
            trunks[category == cat] = self.site.trunk(trunk_id).index
        return trunks

    def business(self, epoch: np.ndarray) -> np.ndarray:
        hour = np.clip((epoch - self.period_start) // 3600, 0, len(self.hour_business) - 1)
        return self.hour_business[hour]


def site_traffic(rng: np.random.Generator, site: Site, params: Params, directory: Directory) -> SiteTraffic:
    """The hourly volume curve, extension activity and group members of a site."""
    period_start = local_midnight_utc(site.timezone, params.start)
    period_end = local_midnight_utc(site.timezone, params.end)
    clock = SiteClock.for_period(site.timezone, period_start, params.days + 1)
    hour_starts = np.arange(period_start, period_end, 3600, dtype=np.int64)
    local = clock.local(hour_starts)
    local_hour = (local // 3600) % 24
    local_day = local // 86400
    weekday = (local_day + 3) % 7  # 1970-01-01 was a Thursday
    closed = holidays(site.country, params.start, params.end)
    epoch_day = dt.date(1970, 1, 1)
    holiday = np.isin(local_day, [(d - epoch_day).days for d in closed])
    working = (weekday < 5) & ~holiday
    day_noise = rng.lognormal(0.0, 0.12, size=params.days + 2)
    day_index = np.clip(local_day - local_day[0], 0, params.days + 1)
    weight = np.where(working, WORKDAY[local_hour] * WEEKDAY_FACTOR[weekday], WEEKEND[local_hour])
    weight = weight * day_noise[day_index]
    business = working & (local_hour >= 8) & (local_hour < 18)

    extensions = directory.extensions[site.id]
    busy_departments = {"sales-dach", "sales-na", "sales-uk", "customer-service"}
    boost = np.array([2.0 if d in busy_departments else 1.0
                      for d in directory.departments_of_extension[site.id]])  # fmt: skip
    activity = rng.lognormal(0.0, 0.8, size=len(extensions)) * boost
    members = []
    for group in site.groups:
        kind = group.name.split("-")[0]
        wanted = GROUP_DEPARTMENTS.get(kind, GROUP_DEPARTMENTS["sales"])
        candidates = directory.people_in(site.id, wanted)
        if len(candidates) < 2:
            candidates = extensions
        size = min(len(candidates), int(rng.integers(3, 5)))
        chosen = np.sort(rng.choice(candidates, size=size, replace=False)).astype(np.int32)
        group.members = [int(e) for e in chosen]
        members.append(chosen)
    expected = int(params.calls * site.share)
    return SiteTraffic(
        site=site,
        clock=clock,
        pool=NumberPool.build(rng, site, expected),
        extensions=extensions,
        activity=activity / activity.sum(),
        members=members,
        period_start=period_start,
        period_end=period_end,
        hour_starts=hour_starts,
        hour_weight=weight,
        hour_business=business,
    )


def _choose(rng: np.random.Generator, shares: dict[int, float], n: int) -> np.ndarray:
    keys = np.array(list(shares), dtype=np.int8)
    weights = np.array(list(shares.values()))
    return keys[rng.choice(len(keys), size=n, p=weights / weights.sum())]


def _shares_for(shares: dict[int, float], available: set[int]) -> dict[int, float]:
    return {k: v for k, v in shares.items() if k in available}


def _start_times(rng: np.random.Generator, st: SiteTraffic, weight: np.ndarray, n: int) -> np.ndarray:
    counts = rng.multinomial(n, weight / weight.sum())
    starts = np.repeat(st.hour_starts, counts)
    return np.sort(starts + rng.integers(0, 3600, size=n))


def draw_dispositions(rng: np.random.Generator, calls: Calls, business: np.ndarray) -> None:
    """Fill ``disposition`` from direction and time of day."""
    u = rng.random(len(calls))
    for (direction, in_hours), shares in DISPOSITION_SHARE.items():
        mask = (calls.direction == direction) & (business == in_hours)
        edges = np.cumsum(shares)
        calls.disposition[mask] = np.searchsorted(edges, u[mask] * edges[-1], side="right")
    risky = (calls.category == PREMIUM) | (calls.category == FRAUD_PRONE)
    calls.disposition[risky & (u < 0.85)] = ANSWERED


def draw_durations(rng: np.random.Generator, calls: Calls) -> None:
    """Fill ring and talk seconds from direction, number category and disposition."""
    n = len(calls)
    d = calls.disposition
    answered = d == ANSWERED
    median = np.full(n, float(TALK_MEDIAN_INTERNAL))
    for category, value in TALK_MEDIAN.items():
        median[calls.category == category] = value
    talk = np.exp(np.log(median) + rng.normal(0.0, 1.0, n))
    calls.talk[:] = np.where(answered, np.clip(talk, 1, MAX_TALK), 0).astype(np.int32)
    inbound = calls.direction == INBOUND
    ring_answered = np.where(inbound, 2 + rng.gamma(2.0, 4.0, n), 4 + rng.gamma(2.0, 5.0, n))
    ring_missed = np.where(inbound, rng.uniform(4, 45, n), rng.uniform(15, 60, n))
    ring = np.select(
        [answered, d == NO_ANSWER, d == BUSY], [ring_answered, ring_missed, rng.uniform(1, 4, n)], 0
    )
    calls.ring[:] = ring.astype(np.int32)


def add_transfers(rng: np.random.Generator, calls: Calls, st: SiteTraffic) -> None:
    """Hand some answered inbound calls to a colleague part-way through."""
    n = len(calls)
    candidate = (calls.direction == INBOUND) & (calls.disposition == ANSWERED) & (calls.talk >= 20)
    share = np.where(calls.group != NO_GROUP, 0.14, 0.06)
    chosen = candidate & (rng.random(n) < share)
    k = int(chosen.sum())
    target = st.pick_extensions(rng, k)
    clash = target == calls.ext[chosen]
    target[clash] = st.extensions[(np.searchsorted(st.extensions, target[clash]) + 1) % len(st.extensions)]
    calls.ext2[chosen] = target
    talk = calls.talk[chosen]
    calls.transfer_at[chosen] = np.maximum(5, (talk * rng.uniform(0.1, 0.5, k)).astype(np.int32))
    calls.ring2[chosen] = rng.integers(2, 11, size=k)


def _inbound_targets(rng: np.random.Generator, calls: Calls, st: SiteTraffic, mask: np.ndarray) -> None:
    """Route inbound calls to a group number or a direct-dial number."""
    k = int(mask.sum())
    plain_groups = [i for i, g in enumerate(st.site.groups) if not g.name.startswith("campaign")]
    group_weights = np.array([0.5, 0.3, 0.2, 0.1][: len(plain_groups)])
    to_group = rng.random(k) < 0.45
    group = np.full(k, NO_GROUP, np.int16)
    group[to_group] = np.array(plain_groups)[
        rng.choice(len(plain_groups), size=int(to_group.sum()), p=group_weights / group_weights.sum())
    ]
    calls.group[mask] = group
    direct = st.pick_extensions(rng, k)
    calls.ext[mask] = direct
    calls.did[mask] = st.direct_did(direct)
    calls.trunk[mask] = st.site.trunks[0].index


def _finish_groups(rng: np.random.Generator, calls: Calls, st: SiteTraffic) -> None:
    """Group calls: company number, its trunk, and which member answered (or was rung first)."""
    for index, group in enumerate(st.site.groups):
        mask = calls.group == index
        k = int(mask.sum())
        if not k:
            continue
        members = st.members[index]
        answered = calls.disposition[mask] == ANSWERED
        calls.ext[mask] = np.where(answered, members[rng.integers(0, len(members), k)], members[0])
        calls.did[mask] = int(group.did)
        calls.trunk[mask] = st.site.trunk(group.trunk).index


def complete(rng: np.random.Generator, calls: Calls, st: SiteTraffic) -> Calls:
    """Numbers, dispositions, durations and transfers for calls with site, start and direction."""
    n = len(calls)
    calls.site[:] = st.site.index
    available = st.pool.categories()
    inbound = calls.direction == INBOUND
    outbound = calls.direction == OUTBOUND
    internal = calls.direction == INTERNAL
    new_inbound = inbound & (calls.did == 0)
    _inbound_targets(rng, calls, st, new_inbound)
    need_number = (inbound | outbound) & (calls.remote == 0)
    cats = np.where(
        inbound,
        _choose(rng, _shares_for(INBOUND_CATEGORY, available), n),
        _choose(rng, _shares_for(OUTBOUND_CATEGORY, available), n),
    )
    calls.category[need_number] = cats[need_number]
    calls.remote[need_number] = st.pool.pick(rng, calls.category[need_number])
    new_outbound = outbound & (calls.ext == 0)
    calls.ext[new_outbound | internal] = st.pick_extensions(rng, int((new_outbound | internal).sum()))
    calls.trunk[outbound] = st.route(calls.category[outbound])
    callee = st.pick_extensions(rng, int(internal.sum()))
    clash = callee == calls.ext[internal]
    callee[clash] = st.extensions[(np.searchsorted(st.extensions, callee[clash]) + 1) % len(st.extensions)]
    calls.ext2[internal] = callee
    business = st.business(calls.start)
    draw_dispositions(rng, calls, business)
    if st.site.pbx == "ipoffice":  # SMDR cannot tell a failed call from a busy one: see docs
        calls.disposition[calls.disposition == FAILED] = BUSY
    draw_durations(rng, calls)
    if st.site.pbx == "ipoffice":  # ...and shows busy as a record without ring time
        calls.ring[calls.disposition == BUSY] = 0
    _finish_groups(rng, calls, st)
    add_transfers(rng, calls, st)
    return calls


def everyday_calls(rng: np.random.Generator, st: SiteTraffic, n: int) -> Calls:
    """Ordinary traffic following the site's hourly curve."""
    calls = empty_calls(n)
    calls.start[:] = _start_times(rng, st, st.hour_weight, n)
    business = st.business(calls.start)
    u = rng.random(n)
    for in_hours, (p_in, p_out, _) in DIRECTION_SHARE.items():
        mask = business == in_hours
        calls.direction[mask] = np.select(
            [u[mask] < p_in, u[mask] < p_in + p_out], [INBOUND, OUTBOUND], INTERNAL
        )
    calls.kind[:] = BASE
    return calls


def campaign_calls(rng: np.random.Generator, st: SiteTraffic, total: int) -> Calls:
    """Inbound bursts on a campaign number, decaying over the days after the launch."""
    parts = []
    days_in = (st.hour_starts - st.period_start) // 86400
    for campaign in st.site.campaigns:
        n = int(round(total * st.site.share * campaign.share))
        since = days_in - campaign.launch_day
        decay = np.where(since >= 0, np.exp(-np.maximum(since, 0) / 4.0), 0.0)
        weight = st.hour_weight * decay
        if n == 0 or weight.sum() == 0:
            continue
        calls = empty_calls(n)
        calls.start[:] = _start_times(rng, st, weight, n)
        calls.direction[:] = INBOUND
        calls.group[:] = next(i for i, g in enumerate(st.site.groups) if g.did == campaign.did)
        calls.did[:] = int(campaign.did)
        calls.kind[:] = CAMPAIGN
        parts.append(calls)
    return Calls.concat(parts) if parts else empty_calls(0)


def callback_calls(rng: np.random.Generator, st: SiteTraffic, missed_from: Calls) -> Calls:
    """Staff return some missed inbound calls from the business day, minutes to hours later."""
    missed = (missed_from.direction == INBOUND) & np.isin(missed_from.disposition, (NO_ANSWER, BUSY))
    missed &= st.business(missed_from.start) & (rng.random(len(missed_from)) < CALLBACK_SHARE)
    source = missed_from.take(np.flatnonzero(missed))
    delay = 90 + np.clip(rng.lognormal(np.log(1500), 0.9, len(source)), 0, 6 * 3600)
    calls = empty_calls(len(source))
    calls.start[:] = source.start + source.ring + delay.astype(np.int64)
    calls.direction[:] = OUTBOUND
    calls.ext[:] = source.ext
    calls.remote[:] = source.remote
    calls.category[:] = source.category
    calls.kind[:] = CALLBACK
    return calls.take(np.flatnonzero(calls.start < st.period_end))


def peak_calls(rng: np.random.Generator, st: SiteTraffic, n: int, channels: int) -> Calls:
    """A broadcast advert: a flood of calls on the campaign number, enough to fill its trunk."""
    campaign = st.site.campaigns[0]
    group = next(i for i, g in enumerate(st.site.groups) if g.did == campaign.did)
    day_start = st.period_start + campaign.launch_day * 86400
    mean_hold = 150.0
    window = int(np.clip(n * mean_hold / (1.8 * max(channels, 1)), 300, 3600))
    calls = empty_calls(n)
    calls.start[:] = np.sort(day_start + 11 * 3600 + rng.integers(0, window, size=n))
    calls.direction[:] = INBOUND
    calls.group[:] = group
    calls.did[:] = int(campaign.did)
    calls.kind[:] = PEAK
    return calls


def fraud_calls(rng: np.random.Generator, st: SiteTraffic, n: int, days: int) -> Calls:
    """Toll fraud: a hijacked extension dials satellite and island numbers one weekend night."""
    local_day0 = st.clock.local(np.array([st.period_start]))[0] // 86400
    first = max(1, days // 2)
    day = next((d for d in range(first, days) if (local_day0 + d + 3) % 7 == 5), first)
    night = st.period_start + day * 86400 + 3600
    calls = empty_calls(n)
    calls.start[:] = np.sort(night + rng.integers(0, int(3.5 * 3600), size=n))
    calls.direction[:] = OUTBOUND
    calls.ext[:] = st.extensions[int(rng.integers(len(st.extensions)))]
    calls.category[:] = np.where(rng.random(n) < 0.8, FRAUD_PRONE, PREMIUM)
    calls.remote[:] = st.pool.pick(rng, calls.category)
    calls.kind[:] = FRAUD
    return calls


CLOCK_CHANGE_WINDOW = 2 * 3600  # seconds either side of a change in which its calls start


def clock_changes(st: SiteTraffic) -> np.ndarray:
    """UTC epoch seconds of the site's clock changes inside the period (all on whole hours)."""
    clock = st.clock
    hours = np.flatnonzero(np.diff(clock.offsets)) + 1
    moments = clock.origin + hours.astype(np.int64) * 3600
    return moments[(moments >= st.period_start) & (moments < st.period_end)]


def clock_change_calls(rng: np.random.Generator, st: SiteTraffic, per_change: int) -> Calls:
    """A busy night around each clock change: ``per_change`` calls starting within two hours
    of it (so an autumn change has calls in both readings of its repeated hour), a few of
    them outbound and long enough to run across the change."""
    parts = []
    for moment in clock_changes(st):
        calls = empty_calls(per_change)
        spanning = max(2, per_change // 12)
        starts = moment + rng.integers(-CLOCK_CHANGE_WINDOW, CLOCK_CHANGE_WINDOW, size=per_change)
        starts[:spanning] = moment - rng.integers(5 * 60, 40 * 60, size=spanning)
        calls.start[:] = starts
        p_in, p_out, _ = DIRECTION_SHARE[False]
        u = rng.random(per_change)
        calls.direction[:] = np.select([u < p_in, u < p_in + p_out], [INBOUND, OUTBOUND], INTERNAL)
        calls.direction[:spanning] = OUTBOUND
        calls.kind[:] = CLOCK_CHANGE
        complete(rng, calls, st)
        calls.disposition[:spanning] = ANSWERED
        calls.talk[:spanning] = rng.integers(45 * 60, 80 * 60, size=spanning)
        calls.ring[:spanning] = np.maximum(calls.ring[:spanning], 3)
        calls.transfer_at[:spanning] = 0
        calls.ring2[:spanning] = 0
        parts.append(calls)
    if not parts:
        return empty_calls(0)
    calls = Calls.concat(parts)
    return calls.take(np.argsort(calls.start, kind="stable"))


def replace_with_callbacks(rng: np.random.Generator, base: Calls, callbacks: Calls) -> Calls:
    """Swap random ordinary outbound calls for the call-backs, keeping the total unchanged."""
    ordinary = np.flatnonzero((base.direction == OUTBOUND) & (base.kind == BASE))
    k = min(len(callbacks), len(ordinary))
    dropped = rng.choice(ordinary, size=k, replace=False)
    keep = np.ones(len(base), bool)
    keep[dropped] = False
    return Calls.concat([base.take(keep), callbacks.take(np.arange(k))])


@dataclass(frozen=True)
class Budget:
    """How the requested number of calls is split between the traffic parts."""

    everyday: int
    campaign: int
    peak: int
    fraud: int

    @classmethod
    def for_params(cls, params: Params, company: Company) -> Budget:
        n = params.calls
        campaign = sum(int(round(n * s.share * c.share)) for s in company.sites for c in s.campaigns)
        peak = min(max(int(np.ceil(0.005 * n)), 90), n // 5)
        fraud = min(max(int(0.0008 * n), 12), n // 20)
        everyday = max(0, n - campaign - peak - fraud)
        return cls(everyday, campaign, peak, fraud)
