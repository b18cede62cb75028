"""phonenumbers' metadata as prefix tables, so the warehouse classifies numbers with a join.

What phonenumbers says about an E.164 number (its region, type, validity, and which name to fall
back to when the geocoder has no place) depends on the country calling code, the length of the
national significant number and its leading digits. ``plan_rows`` walks the leading digits of every
length, digit by digit, until every pattern that decides the answer matches all or none of the
completions; a prefix is written only where its answer differs from the shorter prefix above it, so
the longest matching prefix of a number's own length gives phonenumbers' answer.

The geocoder is a prefix table already (``place_rows``). One thing is left out on purpose: digits
after the country code are taken as written; phonenumbers would also strip a national prefix or
carrier code written there (``+49 0 30…``), which Ringledger's dial rules have already removed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneMetadata, geocoder

from ingestion.numbering.classify import country_name, place
from ingestion.numbering.digit_patterns import ALL, DIGITS, NONE, SOME, DigitPattern

SHORTEST_NATIONAL_NUMBER = 2  # phonenumbers refuses to parse fewer digits after the country code
LONGEST_NATIONAL_NUMBER = 17  # ... or more than these
SPECIAL_TYPES = (
    "premium_rate",
    "toll_free",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
)
UNKNOWN = "unknown"
UNDECIDED = None


@dataclass(frozen=True)
class PlanAnswer:
    """What phonenumbers says about every number under one prefix of one length."""

    region_code: str
    number_type: str
    is_valid: bool
    country_name: str
    fallback_description: str  # the geocoder's answer when no place prefix names one
    fallback_city: str
    fallback_area: str


@dataclass(frozen=True)
class _Check:
    """One pattern of one region, and whether it can match numbers of the length being walked."""

    pattern: DigitPattern | None

    def status(self, states: frozenset[int] | None, remaining: int) -> str:
        if self.pattern is None or states is None:
            return NONE
        return self.pattern.completions(states, remaining)


class _Region:
    """The checks phonenumbers makes for one region, in its order."""

    def __init__(self, code: str, metadata: PhoneMetadata, length: int, patterns: dict):
        self.code = code
        self.same_mobile_and_fixed = metadata.same_mobile_and_fixed_line_pattern
        names = ("general_desc", *SPECIAL_TYPES, "fixed_line", "mobile")
        self.checks = {
            name: _Check(_desc_pattern(getattr(metadata, name), length, patterns)) for name in names
        }
        leading = metadata.leading_digits
        self.leading = _Check(_pattern(leading, patterns, prefix_match=True) if leading else None)
        self.has_leading_digits = leading is not None

    def all_checks(self) -> list[_Check]:
        return [self.leading, *self.checks.values()]


def _pattern(text: str, patterns: dict, *, prefix_match: bool = False) -> DigitPattern:
    key = (text, prefix_match)
    if key not in patterns:
        patterns[key] = DigitPattern(text, prefix_match=prefix_match)
    return patterns[key]


def _desc_pattern(desc, length: int, patterns: dict) -> DigitPattern | None:
    if desc is None or not desc.national_number_pattern:
        return None
    if desc.possible_length and length not in desc.possible_length:
        return None
    return _pattern(desc.national_number_pattern, patterns)


def _metadata(country_code: int, region: str) -> PhoneMetadata:
    if region == phonenumbers.REGION_CODE_FOR_NON_GEO_ENTITY:
        metadata = PhoneMetadata.metadata_for_nongeo_region(country_code)
    else:
        metadata = PhoneMetadata.metadata_for_region(region)
    assert metadata is not None, f"phonenumbers lists {region} for +{country_code} but has no metadata for it"
    return metadata


class _LengthWalk:
    """The prefix walk of one country calling code and one national number length."""

    def __init__(self, country_code: int, length: int, patterns: dict):
        self.country_code = country_code
        self.length = length
        self.region_codes = phonenumbers.COUNTRY_CODE_TO_REGION_CODE[country_code]
        self.regions = [_Region(r, _metadata(country_code, r), length, patterns) for r in self.region_codes]
        self.checks = [check for region in self.regions for check in region.all_checks()]

    def start(self) -> tuple:
        return tuple(c.pattern.start if c.pattern else None for c in self.checks)

    def step(self, states: tuple, digit: str) -> tuple:
        return tuple(
            c.pattern.step(s, digit) if c.pattern and s is not None else None
            for c, s in zip(self.checks, states, strict=True)
        )

    def answer(self, states: tuple, depth: int) -> PlanAnswer | None:
        """phonenumbers' answer for every completion, or None while the digits so far leave it open."""
        remaining = self.length - depth
        status = {id(c): c.status(s, remaining) for c, s in zip(self.checks, states, strict=True)}
        types = [_type(region, status) for region in self.regions]
        region = self._region(types, status)
        if region is UNDECIDED:
            return None
        number_type = UNKNOWN if region == "" else types[self.region_codes.index(region)]
        if number_type is UNDECIDED:
            return None
        code = region or self.region_codes[0]
        fallback = ""
        if number_type != UNKNOWN:
            if len(self.region_codes) > 1:
                if UNDECIDED in types:
                    return None
                valid_in = [r for r, t in zip(self.region_codes, types, strict=True) if t != UNKNOWN]
                fallback = geocoder._region_display_name(valid_in[0], "en") if len(valid_in) == 1 else ""
            else:
                fallback = geocoder._region_display_name(code, "en")
        country = country_name(code)
        city, area = place(fallback, country)
        return PlanAnswer(code, number_type, number_type != UNKNOWN, country, fallback, city, area)

    def _region(self, types: list, status: dict) -> str | None:
        """region_code_for_number: '' when no region claims the number, None while undecided."""
        if len(self.regions) == 1:
            return self.region_codes[0]
        for region, number_type in zip(self.regions, types, strict=True):
            if region.has_leading_digits:
                leading = status[id(region.leading)]
                if leading == SOME:
                    return UNDECIDED
                if leading == ALL:
                    return region.code
            elif number_type is UNDECIDED:
                return UNDECIDED
            elif number_type != UNKNOWN:
                return region.code
        return ""


def _type(region: _Region, status: dict) -> str | None:
    """phonenumbers' _number_type_helper over ALL/NONE/SOME statuses; None while undecided."""

    def of(name: str) -> str:
        return status[id(region.checks[name])]

    general = of("general_desc")
    if general != ALL:
        return UNKNOWN if general == NONE else UNDECIDED
    for name in SPECIAL_TYPES:
        if of(name) != NONE:
            return name if of(name) == ALL else UNDECIDED
    fixed, mobile = of("fixed_line"), of("mobile")
    if fixed == SOME:
        return UNDECIDED
    if fixed == ALL:
        if region.same_mobile_and_fixed:
            return "fixed_line_or_mobile"
        return {ALL: "fixed_line_or_mobile", NONE: "fixed_line"}.get(mobile, UNDECIDED)
    if region.same_mobile_and_fixed:
        return UNKNOWN
    return {ALL: "mobile", NONE: UNKNOWN}.get(mobile, UNDECIDED)


def _summarise(walk: _LengthWalk, states: tuple, depth: int) -> tuple[PlanAnswer, dict[str, tuple] | None]:
    """(the most common answer under this prefix, the subtrees by next digit or None when uniform)."""
    answer = walk.answer(states, depth)
    if answer is not None:
        return answer, None
    children = {digit: _summarise(walk, walk.step(states, digit), depth + 1) for digit in DIGITS}
    common = Counter(child[0] for child in children.values()).most_common(1)[0][0]
    return common, children


def _emit(prefix: str, summary: tuple, inherited: PlanAnswer | None) -> Iterator[tuple[str, PlanAnswer]]:
    answer, children = summary
    if answer != inherited:
        yield prefix, answer
    for digit, child in (children or {}).items():
        yield from _emit(prefix + digit, child, answer)


def plan_rows() -> Iterator[tuple]:
    """(country_calling_code, national_number_length, prefix, *PlanAnswer) for every code and length."""
    patterns: dict = {}
    for country_code in sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE):
        for length in range(SHORTEST_NATIONAL_NUMBER, LONGEST_NATIONAL_NUMBER + 1):
            walk = _LengthWalk(country_code, length, patterns)
            for prefix, answer in _emit("", _summarise(walk, walk.start(), 0), None):
                yield (str(country_code), length, prefix, *vars(answer).values())


def place_rows() -> Iterator[tuple[str, str, str, str]]:
    """(E.164 prefix, English place name, city, area) of every geocoder prefix with an English name."""
    from phonenumbers.geodata import GEOCODE_DATA  # 40 MB of tables: only when the plan is built

    for prefix, names in GEOCODE_DATA.items():
        if "en" in names:
            city, area = place(names["en"], "")
            yield prefix, names["en"], city, area


def country_code_rows() -> Iterator[tuple[str, str]]:
    """(country calling code, mobile token): the token Argentina writes before mobile numbers."""
    for country_code in sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE):
        yield str(country_code), phonenumbers.country_mobile_token(country_code)
