"""The demo company's sites: time zones, dial plans, trunks, company numbers, groups.

Static facts live here; channel counts are sized later from the traffic
(:mod:`ringledger.demo.trunks`) and group members are picked from the
directory when the traffic is set up (:func:`ringledger.demo.traffic.site_traffic`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ringledger.demo.model import FRAUD_PRONE, INTERNATIONAL, MOBILE, PREMIUM


@dataclass(frozen=True)
class DialPlan:
    """How people at a site dial out and how numbers are written there."""

    access_code: str
    international_prefix: str
    national_prefix: str
    country_code: str
    local_area_code: str
    internal_ranges: tuple[str, ...]


@dataclass
class Trunk:
    """A carrier trunk with a fixed number of channels."""

    id: str
    carrier: str
    pbx_name: str
    channels: int = 0
    index: int = 0  # position in Company.trunks


@dataclass
class Group:
    """A company number answered by a group of extensions (ring group / hunt group)."""

    name: str
    did: str
    trunk: str
    members: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Campaign:
    """A marketing campaign advertising one company number from a launch date."""

    name: str
    did: str
    launch_day: int  # day of the period
    share: float  # share of the site's calls it brings in


@dataclass
class Site:
    """One branch of the company and its telephone system."""

    id: str
    name: str
    timezone: str
    country: str
    pbx: str
    share: float
    tariff_plan: str
    dial_plan: DialPlan
    trunks: list[Trunk]
    groups: list[Group]
    campaigns: list[Campaign]
    did_base: str  # a direct-dial number is did_base + the last did_digits of the extension
    did_digits: int
    first_extension: int
    ring_groups: bool  # the PBX rings group members in parallel and logs one leg each
    # outbound least-cost routing: number category -> trunk id (default: first trunk)
    routes: dict[int, str] = field(default_factory=dict)
    index: int = 0
    serial_offset: int = 0  # added to the PBX's call counter: another PBX type than the site's own

    def direct_did(self, extension: int) -> str:
        """The direct-dial company number of an extension."""
        return self.did_base + str(extension)[-self.did_digits :]

    def trunk(self, trunk_id: str) -> Trunk:
        return next(t for t in self.trunks if t.id == trunk_id)


@dataclass
class Company:
    """All sites, with trunks numbered globally."""

    sites: list[Site]

    @property
    def trunks(self) -> list[Trunk]:
        return [t for s in self.sites for t in s.trunks]


SERIAL_BLOCK = 100_000_000


def build_company(days: int, pbx: tuple[tuple[str, str], ...] = ()) -> Company:
    """The three sites with their static configuration (campaign days scaled to the period).

    ``pbx`` gives some sites another PBX type (``("berlin", "cucm")``); ring groups that
    log a leg per member rung come with Asterisk, wherever it runs.
    """

    def day(fraction: float) -> int:
        return max(0, min(days - 1, int(days * fraction)))

    sites = [
        Site(
            id="berlin",
            name="Berlin HQ",
            timezone="Europe/Berlin",
            country="DE",
            pbx="asterisk",
            share=0.55,
            tariff_plan="telekom-business",
            dial_plan=DialPlan("0", "00", "0", "49", "30", ("2000-2999",)),
            trunks=[
                Trunk("berlin-telekom", "telekom", "telekom"),
                Trunk("berlin-vodafone", "vodafone", "vodafone"),
            ],
            groups=[
                Group("reception", "4930555010", "berlin-telekom"),
                Group("sales", "4930555011", "berlin-telekom"),
                Group("support", "4930555012", "berlin-telekom"),
                Group("campaign-herbst", "4930555090", "berlin-vodafone"),
            ],
            campaigns=[
                Campaign("Herbstaktion", "4930555090", day(0.2), 0.035),
                Campaign("Messe Berlin", "4930555090", day(0.62), 0.025),
            ],
            did_base="49305550",
            did_digits=4,
            first_extension=2010,
            ring_groups=True,
            routes={MOBILE: "berlin-vodafone"},
        ),
        Site(
            id="chicago",
            name="Chicago Office",
            timezone="America/Chicago",
            country="US",
            pbx="cucm",
            share=0.35,
            tariff_plan="att-business",
            dial_plan=DialPlan("9", "011", "1", "1", "312", ("5000-5999",)),
            trunks=[
                Trunk("chicago-att", "att", "ATT_SIP_TRUNK"),
                Trunk("chicago-lumen", "lumen", "LUMEN_SIP_TRUNK"),
            ],
            groups=[
                Group("main", "13122855000", "chicago-att"),
                Group("sales", "13122855001", "chicago-att"),
                Group("service", "13122855002", "chicago-att"),
                Group("campaign-fall", "13129417700", "chicago-lumen"),
            ],
            campaigns=[
                Campaign("Fall promo", "13129417700", day(0.3), 0.04),
                Campaign("Radio spot", "13129417700", day(0.75), 0.02),
            ],
            did_base="1312285",
            did_digits=4,
            first_extension=5010,
            ring_groups=False,
            routes={
                INTERNATIONAL: "chicago-lumen",
                PREMIUM: "chicago-lumen",
                FRAUD_PRONE: "chicago-lumen",
            },
        ),
        Site(
            id="london",
            name="London Office",
            timezone="Europe/London",
            country="GB",
            pbx="ipoffice",
            share=0.10,
            tariff_plan="bt-business",
            dial_plan=DialPlan("9", "00", "0", "44", "20", ("7000-7999",)),
            trunks=[
                Trunk("london-bt", "bt", "Line 1"),
                Trunk("london-gamma", "gamma", "Line 2"),
            ],
            groups=[
                Group("reception", "442079460000", "london-bt"),
                Group("sales", "442079460001", "london-bt"),
                Group("campaign-uk", "442038680100", "london-gamma"),
            ],
            campaigns=[Campaign("Autumn mailing", "442038680100", day(0.45), 0.04)],
            did_base="442079460",
            did_digits=3,
            first_extension=7010,
            ring_groups=False,
            routes={INTERNATIONAL: "london-gamma", FRAUD_PRONE: "london-gamma"},
        ),
    ]
    chosen = dict(pbx)
    for site in sites:
        if site.id in chosen and chosen[site.id] != site.pbx:
            site.pbx = chosen[site.id]
            site.ring_groups = site.pbx == "asterisk"
            # two sites on one PBX type must not share call ids (CUCM pkids are unique GUIDs)
            site.serial_offset = SERIAL_BLOCK * (sites.index(site) + 1)
    index = 0
    for site_index, site in enumerate(sites):
        site.index = site_index
        for trunk in site.trunks:
            trunk.index = index
            index += 1
    return Company(sites)
