"""Carrier tariff plans: per-minute rates by E.164 prefix, longest prefix wins.

Every plan prices every number range the traffic can reach (each catalogue
range and each country code), so any call can be rated under any plan. Plans
differ the way real ones do: one is cheap for mobiles, one for international,
and they bill in 60/1, 60/60 or 1/1 second increments. One plan lowers its
mobile rates part-way through the period (a second row with a later
``valid_from``).
"""

from __future__ import annotations

import csv
import datetime as dt
import zlib
from dataclasses import dataclass
from pathlib import Path

from ringledger.demo.numbers import CATALOGUE, LOCAL_PREFIXES

EUROPE = {"DE", "GB", "FR", "NL", "PL", "IT", "ES", "CH", "AT", "IE", "SE"}
# country code -> (ISO code of its main network, name)
COUNTRIES = {
    "49": ("DE", "Germany"), "1": ("US", "USA/Canada (NANP)"), "44": ("GB", "United Kingdom"),
    "33": ("FR", "France"), "31": ("NL", "Netherlands"), "48": ("PL", "Poland"),
    "39": ("IT", "Italy"), "34": ("ES", "Spain"), "41": ("CH", "Switzerland"),
    "43": ("AT", "Austria"), "353": ("IE", "Ireland"), "46": ("SE", "Sweden"),
    "91": ("IN", "India"), "86": ("CN", "China"), "81": ("JP", "Japan"), "55": ("BR", "Brazil"),
    "52": ("MX", "Mexico"), "971": ("AE", "United Arab Emirates"),
    "882": ("XS", "International Networks"), "881": ("XI", "Global Mobile Satellite System"),
    "53": ("CU", "Cuba"), "232": ("SL", "Sierra Leone"), "688": ("TV", "Tuvalu"),
    "682": ("CK", "Cook Islands"), "239": ("ST", "São Tomé and Príncipe"),
}  # fmt: skip
FRAUD_PRONE_COUNTRIES = {"XS", "XI", "CU", "SL", "TV", "CK", "ST", "JM", "AG", "GD"}
HOME_NAMES = {"DE": "Germany", "US": "USA", "GB": "United Kingdom"}
MOBILE_BLOCKS = {"DE": ("4915", "4916", "4917"), "GB": ("447",)}
RATE_CLASSES = ("local", "national", "mobile", "premium", "europe", "europe_mobile", "world",
                "world_mobile", "fraud_prone")  # fmt: skip


@dataclass(frozen=True)
class Plan:
    """A carrier's price list."""

    id: str
    carrier: str
    country: str
    local_site: str
    currency: str
    initial_increment_s: int
    next_increment_s: int
    rates: dict[str, float]  # per minute, by rate class
    connect_fee: float = 0.0
    # (rate class, new rate, days after the period start) for a mid-period price change
    change: tuple[str, float, int] | None = None


PLANS: tuple[Plan, ...] = (
    Plan("telekom-business", "telekom", "DE", "berlin", "EUR", 60, 1,
         dict(local=0.019, national=0.029, mobile=0.139, premium=1.99, europe=0.089,
              europe_mobile=0.19, world=0.29, world_mobile=0.35, fraud_prone=4.49)),
    Plan("vodafone-business", "vodafone", "DE", "berlin", "EUR", 60, 60,
         dict(local=0.025, national=0.035, mobile=0.049, premium=1.99, europe=0.12,
              europe_mobile=0.15, world=0.39, world_mobile=0.42, fraud_prone=5.19),
         change=("mobile", 0.039, 45)),
    Plan("att-business", "att", "US", "chicago", "USD", 6, 6,
         dict(local=0.012, national=0.021, mobile=0.021, premium=2.49, europe=0.049,
              europe_mobile=0.12, world=0.15, world_mobile=0.18, fraud_prone=3.95)),
    Plan("bt-business", "bt", "GB", "london", "GBP", 1, 1,
         dict(local=0.015, national=0.02, mobile=0.079, premium=1.50, europe=0.10,
              europe_mobile=0.16, world=0.35, world_mobile=0.40, fraud_prone=3.99),
         connect_fee=0.05),
)  # fmt: skip


@dataclass(frozen=True)
class PricedRange:
    prefix: str
    destination: str
    country: str  # ISO code of the network
    kind: str  # fixed | mobile | premium | fraud_prone


def priced_ranges() -> list[PricedRange]:
    """Every prefix a plan prices: country codes, mobile blocks, and each catalogue range."""
    ranges: dict[str, PricedRange] = {}
    for code, (country, name) in COUNTRIES.items():
        ranges[code] = PricedRange(code, name, country, "fixed")
    for country, blocks in MOBILE_BLOCKS.items():
        for block in blocks:
            ranges[block] = PricedRange(block, f"{HOME_NAMES[country]} mobile", country, "mobile")
    for d in CATALOGUE:
        name = f"{HOME_NAMES[d.country]} {d.label}" if d.country in HOME_NAMES else d.label
        ranges[d.prefix] = PricedRange(d.prefix, name, d.country, d.kind)
    return [ranges[p] for p in sorted(ranges, key=lambda p: (len(p), p))]


def rate_class(plan: Plan, priced: PricedRange) -> str:
    if priced.kind == "fraud_prone" or priced.country in FRAUD_PRONE_COUNTRIES:
        return "fraud_prone"
    home = priced.country == plan.country
    if home:
        if priced.kind in ("mobile", "premium"):
            return priced.kind
        return "local" if priced.prefix.startswith(LOCAL_PREFIXES[plan.local_site]) else "national"
    region = "europe" if priced.country in EUROPE else "world"
    return f"{region}_mobile" if priced.kind == "mobile" else region


def _jitter(plan: Plan, prefix: str) -> float:
    """A stable per-prefix variation of up to +-8 %, so plans are not mere multiples."""
    return 1.0 + ((zlib.crc32(f"{plan.id}:{prefix}".encode()) % 1601) - 800) / 10000.0


def write_tariffs(out_dir: Path, start: dt.date) -> list[Path]:
    """``tariffs/<plan_id>.csv`` for every plan."""
    folder = out_dir / "tariffs"
    folder.mkdir(parents=True, exist_ok=True)
    valid_from = dt.date(start.year, 1, 1) if start.month > 1 else dt.date(start.year - 1, 1, 1)
    paths = []
    for plan in PLANS:
        path = folder / f"{plan.id}.csv"
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(["plan_id", "carrier", "prefix", "destination", "rate_per_minute",
                             "connect_fee", "currency", "initial_increment_s",
                             "next_increment_s", "valid_from"])  # fmt: skip
            for priced in priced_ranges():
                cls = rate_class(plan, priced)
                versions = [(plan.rates[cls], valid_from)]
                if plan.change and plan.change[0] == cls:
                    versions.append((plan.change[1], start + dt.timedelta(days=plan.change[2])))
                fee = plan.connect_fee if cls != "fraud_prone" else plan.connect_fee + 0.25
                for rate, since in versions:
                    writer.writerow([plan.id, plan.carrier, priced.prefix, priced.destination,
                                     f"{rate * _jitter(plan, priced.prefix):.4f}", f"{fee:.4f}",
                                     plan.currency, plan.initial_increment_s,
                                     plan.next_increment_s, since.isoformat()])  # fmt: skip
        paths.append(path)
    return paths
