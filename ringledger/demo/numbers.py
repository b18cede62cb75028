"""Telephone numbers: a catalogue of real E.164 number structures, pools, dial forms.

Numbers are kept as int64 E.164 digits (no ``+``) while generating and only
rendered to text by the writers, in the form each PBX shows them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ringledger.demo.company import Site
from ringledger.demo.model import FRAUD_PRONE, INTERNATIONAL, LOCAL, MOBILE, NATIONAL, PREMIUM


@dataclass(frozen=True)
class Destination:
    """One number range: ``prefix`` (E.164 digits) followed by ``digits`` subscriber digits."""

    prefix: str
    digits: int
    country: str  # ISO 3166 code of the network (not of the dialling code: +1876 is JM)
    country_code: str
    kind: str  # fixed | mobile | premium | fraud_prone
    label: str
    weight: float = 1.0
    first_digit_min: int = 2  # fixed lines do not start with 0 or 1 after the prefix


def _many(country: str, cc: str, kind: str, rows: list[tuple[str, int, str, float]]) -> list:
    first = 0 if kind == "mobile" else 2
    return [Destination(cc + p, d, country, cc, kind, label, w, first) for p, d, label, w in rows]


CATALOGUE: tuple[Destination, ...] = tuple(
    _many("DE", "49", "fixed", [
        ("30", 8, "Berlin", 6.0), ("40", 8, "Hamburg", 2.0), ("89", 8, "München", 2.0),
        ("69", 8, "Frankfurt am Main", 1.5), ("221", 7, "Köln", 1.2), ("211", 7, "Düsseldorf", 1.0),
        ("711", 7, "Stuttgart", 1.0), ("351", 7, "Dresden", 0.6), ("341", 7, "Leipzig", 0.6),
        ("511", 7, "Hannover", 0.7), ("331", 7, "Potsdam", 0.8),
    ])
    + _many("DE", "49", "mobile", [
        ("151", 8, "Telekom mobile", 2.0), ("152", 8, "Vodafone mobile", 1.5),
        ("157", 8, "O2 mobile", 1.0), ("159", 8, "O2 mobile", 0.8), ("160", 7, "Telekom mobile", 1.0),
        ("162", 7, "Vodafone mobile", 0.8), ("170", 7, "Telekom mobile", 1.0),
        ("171", 7, "Telekom mobile", 1.2), ("172", 7, "Vodafone mobile", 1.0),
        ("176", 7, "O2 mobile", 1.0), ("177", 7, "O2 mobile", 0.5), ("179", 7, "O2 mobile", 0.5),
    ])
    + _many("DE", "49", "premium", [("9001", 6, "premium 0900", 1.0), ("9005", 6, "premium 0900", 1.0)])
    + _many("US", "1", "fixed", [
        ("312", 7, "Chicago", 4.0), ("773", 7, "Chicago", 3.0), ("872", 7, "Chicago", 1.0),
        ("212", 7, "New York", 2.0), ("646", 7, "New York", 1.0), ("213", 7, "Los Angeles", 1.5),
        ("415", 7, "San Francisco", 1.0), ("617", 7, "Boston", 1.0), ("713", 7, "Houston", 1.0),
        ("214", 7, "Dallas", 1.0), ("404", 7, "Atlanta", 0.8), ("206", 7, "Seattle", 0.8),
        ("303", 7, "Denver", 0.6), ("305", 7, "Miami", 0.6), ("602", 7, "Phoenix", 0.6),
        ("202", 7, "Washington DC", 0.8), ("414", 7, "Milwaukee", 0.6), ("317", 7, "Indianapolis", 0.5),
    ])
    + _many("US", "1", "premium", [("900", 7, "premium 1-900", 1.0)])
    + _many("GB", "44", "fixed", [
        ("207", 7, "London", 3.0), ("208", 7, "London", 2.0), ("203", 7, "London", 2.0),
        ("161", 7, "Manchester", 1.0), ("121", 7, "Birmingham", 1.0), ("131", 7, "Edinburgh", 0.6),
        ("113", 7, "Leeds", 0.6), ("117", 7, "Bristol", 0.6), ("1223", 6, "Cambridge", 0.4),
    ])
    + _many("GB", "44", "mobile", [
        ("74", 8, "mobile", 1.0), ("75", 8, "mobile", 1.5), ("77", 8, "mobile", 2.0),
        ("78", 8, "mobile", 1.5), ("79", 8, "mobile", 1.5),
    ])
    + _many("GB", "44", "premium", [("909", 7, "premium 09", 1.0), ("906", 7, "premium 09", 1.0)])
    + _many("FR", "33", "fixed", [("1", 8, "France Paris", 1.5)])
    + _many("FR", "33", "mobile", [("6", 8, "France mobile", 1.0)])
    + _many("NL", "31", "fixed", [("20", 7, "Netherlands Amsterdam", 1.0)])
    + _many("PL", "48", "fixed", [("22", 7, "Poland Warsaw", 1.0)])
    + _many("PL", "48", "mobile", [("50", 7, "Poland mobile", 1.0)])
    + _many("IT", "39", "fixed", [("02", 8, "Italy Milan", 1.0)])
    + _many("ES", "34", "fixed", [("91", 7, "Spain Madrid", 0.8)])
    + _many("CH", "41", "fixed", [("44", 7, "Switzerland Zurich", 1.0)])
    + _many("AT", "43", "fixed", [("1", 7, "Austria Vienna", 1.0)])
    + _many("IE", "353", "fixed", [("1", 7, "Ireland Dublin", 0.8)])
    + _many("SE", "46", "fixed", [("8", 7, "Sweden Stockholm", 0.5)])
    + _many("IN", "91", "mobile", [("98", 8, "India mobile", 0.8)])
    + _many("CN", "86", "fixed", [("10", 8, "China Beijing", 0.5)])
    + _many("JP", "81", "fixed", [("3", 8, "Japan Tokyo", 0.5)])
    + _many("BR", "55", "mobile", [("119", 8, "Brazil São Paulo mobile", 0.4)])
    + _many("MX", "52", "fixed", [("55", 8, "Mexico City", 0.6)])
    + _many("AE", "971", "fixed", [("4", 7, "UAE Dubai", 0.4)])
    + _many("XS", "882", "fraud_prone", [("16", 8, "Thuraya satellite", 1.0)])
    + _many("XI", "881", "fraud_prone", [("6", 8, "Iridium satellite", 1.0)])
    + _many("CU", "53", "fraud_prone", [("5", 7, "Cuba mobile", 1.0)])
    + _many("SL", "232", "fraud_prone", [("76", 6, "Sierra Leone mobile", 1.0)])
    + _many("TV", "688", "fraud_prone", [("90", 3, "Tuvalu", 0.5)])
    + _many("CK", "682", "fraud_prone", [("5", 4, "Cook Islands", 0.5)])
    + _many("ST", "239", "fraud_prone", [("9", 6, "São Tomé and Príncipe", 0.5)])
    + _many("JM", "1", "fraud_prone", [("876", 7, "Jamaica", 1.0)])
    + _many("AG", "1", "fraud_prone", [("268", 7, "Antigua and Barbuda", 0.5)])
    + _many("GD", "1", "fraud_prone", [("473", 7, "Grenada", 0.5)])
)  # fmt: skip

# Local prefixes per site (E.164 digits), beyond the site's own area code.
LOCAL_PREFIXES = {"berlin": ("4930", "49331"), "chicago": ("1312", "1773", "1872"),
                  "london": ("44207", "44208", "44203")}  # fmt: skip


def category_for(site: Site, destination: Destination) -> int:
    """The category of a number range as seen from ``site`` (-1: not called from there)."""
    if destination.kind == "fraud_prone":
        return FRAUD_PRONE
    if destination.country != site.country:
        return -1 if destination.kind == "premium" else INTERNATIONAL
    if destination.kind == "premium":
        return PREMIUM
    if destination.kind == "mobile":
        return MOBILE
    if destination.prefix.startswith(LOCAL_PREFIXES[site.id]):
        return LOCAL
    return NATIONAL


def draw_numbers(rng: np.random.Generator, destinations: list[Destination], n: int) -> np.ndarray:
    """``n`` random numbers from ``destinations``, chosen by their weights."""
    weights = np.array([d.weight for d in destinations])
    which = rng.choice(len(destinations), size=n, p=weights / weights.sum())
    numbers = np.empty(n, np.int64)
    for index, destination in enumerate(destinations):
        mask = which == index
        count = int(mask.sum())
        if not count:
            continue
        low = destination.first_digit_min * 10 ** (destination.digits - 1)
        suffix = rng.integers(low, 10**destination.digits, size=count, dtype=np.int64)
        numbers[mask] = int(destination.prefix) * 10**destination.digits + suffix
    return numbers


@dataclass(frozen=True)
class NumberPool:
    """The people a site talks to, per category; a few are called very often."""

    by_category: dict[int, np.ndarray]

    @classmethod
    def build(cls, rng: np.random.Generator, site: Site, expected_calls: int) -> NumberPool:
        pools: dict[int, np.ndarray] = {}
        for category in (LOCAL, NATIONAL, MOBILE, INTERNATIONAL, PREMIUM, FRAUD_PRONE):
            ranges = [d for d in CATALOGUE if category_for(site, d) == category]
            if not ranges:
                continue
            size = int(np.clip(expected_calls // 12, 40, 400_000))
            if category in (PREMIUM, FRAUD_PRONE):
                size = max(10, size // 50)
            pools[category] = draw_numbers(rng, ranges, size)
        return cls(pools)

    def pick(self, rng: np.random.Generator, category: np.ndarray) -> np.ndarray:
        """One number per element of ``category``; popular numbers come back often."""
        numbers = np.zeros(len(category), np.int64)
        for cat, pool in self.by_category.items():
            mask = category == cat
            count = int(mask.sum())
            if count:
                index = (len(pool) * rng.random(count) ** 2.5).astype(np.int64)
                numbers[mask] = pool[index]
        return numbers

    def categories(self) -> set[int]:
        return set(self.by_category)


def dial_form(e164: pa.Array, country_code: str, national: str, international: str) -> pa.Array:
    """Numbers as written at a site: ``national`` + national number for its own country,
    ``international`` + E.164 digits for any other."""
    domestic = pc.starts_with(e164, country_code)
    rest = pc.utf8_slice_codeunits(e164, len(country_code))
    return pc.if_else(
        domestic,
        pc.binary_join_element_wise(national, rest, ""),
        pc.binary_join_element_wise(international, e164, ""),
    )
