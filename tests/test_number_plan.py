"""phonenumbers' metadata as prefix tables: every pattern read exactly, every answer the library's.

The lookup below is the join the warehouse is to make: the number's own country code and length,
the longest prefix of the plan, then the longest geocoder prefix for valid numbers.
"""

from __future__ import annotations

import functools
import random
import re

import phonenumbers
import pytest

from ingestion.numbering import plan
from ingestion.numbering.classify import classify
from ingestion.numbering.digit_patterns import ALL, NONE, SOME, DigitPattern, PatternSyntaxError

DESCS = ("general_desc", "fixed_line", "mobile", *plan.SPECIAL_TYPES)


def _metadata_patterns() -> set[tuple[str, bool]]:
    found = set()
    for country_code, regions in phonenumbers.COUNTRY_CODE_TO_REGION_CODE.items():
        for region in regions:
            metadata = plan._metadata(country_code, region)
            found |= {
                (getattr(metadata, d).national_number_pattern, False) for d in DESCS if getattr(metadata, d)
            }
            if metadata.leading_digits:
                found.add((metadata.leading_digits, True))
    return {(text, prefix) for text, prefix in found if text}


def test_every_metadata_pattern_matches_as_python_re_does():
    generator = random.Random(7)
    patterns = _metadata_patterns()
    assert len(patterns) > 1000
    for text, prefix_match in patterns:
        automaton, expected = DigitPattern(text, prefix_match=prefix_match), re.compile(text)
        for _ in range(50):
            digits = "".join(generator.choice("0123456789") for _ in range(generator.randint(0, 14)))
            want = expected.match(digits) if prefix_match else expected.fullmatch(digits)
            assert automaton.matches(digits) == bool(want), (text, digits)


def test_completions_say_all_none_or_some():
    mobile = DigitPattern(r"1(?:5\d|6[023])\d{7}")
    after_15 = mobile.step(mobile.step(mobile.start, "1"), "5")
    assert mobile.completions(after_15, 8) == ALL
    assert mobile.completions(after_15, 9) == NONE
    assert mobile.completions(mobile.step(mobile.start, "1"), 9) == SOME
    assert (
        DigitPattern("2|3", prefix_match=True).completions(DigitPattern("2|3", prefix_match=True).start, 4)
        == SOME
    )


def test_syntax_outside_the_metadata_subset_is_refused():
    with pytest.raises(PatternSyntaxError, match=r"unsupported '\$'"):
        DigitPattern(r"([59]\d{7})$|0")


@functools.cache
def _tables() -> tuple[dict, dict, dict]:
    plan_table = {(row[0], row[1], row[2]): row[3:] for row in plan.plan_rows()}
    places = {row[0]: row[1:] for row in plan.place_rows()}
    return plan_table, places, dict(plan.country_code_rows())


def _lookup(e164: str) -> tuple | None:
    plan_table, places, country_codes = _tables()
    country_code = next((e164[:n] for n in (1, 2, 3) if e164[:n] in country_codes), None)
    national = e164[len(country_code or "") :]
    if country_code is None or not national.isdigit() or not 2 <= len(national) <= 17:
        return None
    lengths = range(len(national), -1, -1)
    prefix = next(national[:n] for n in lengths if (country_code, len(national), national[:n]) in plan_table)
    region, number_type, valid, country, description, city, area = plan_table[
        country_code, len(national), prefix
    ]
    if valid:
        token = country_codes[country_code]
        key = country_code + (national[len(token) :] if token and national.startswith(token) else national)
        named = next((places[key[:n]] for n in range(len(key), 0, -1) if key[:n] in places), None)
        if named and named[0]:
            description = named[0]
            city, area = ("", "") if description == country else (named[1], named[2])
    else:
        description = city = area = ""
    return country_code, region, str(int(national)), number_type, valid, description, country, city, area


def _reference(e164: str) -> tuple | None:
    got = classify(e164)
    if not got.country_calling_code:
        return None
    fields = ("country_calling_code", "region_code", "national_number", "number_type", "is_valid")
    return (*(getattr(got, f) for f in fields), got.geo_description, got.country_name, got.city, got.area)


def _written_as_dialled(e164: str) -> bool:
    """False where phonenumbers strips a national prefix written after the country code."""
    number = phonenumbers.parse("+" + e164)
    return phonenumbers.national_significant_number(number) == e164[len(str(number.country_code)) :]


def test_prefix_tables_answer_as_phonenumbers_does():
    generator = random.Random(2026)
    rows = list(_tables()[0].items())
    codes = sorted(_tables()[2])
    numbers = ["4930123456", "13125550100", "5491123456789", "8816123456789", "4930", "999123"]
    for _ in range(20_000):
        (country_code, length, prefix), _answer = generator.choice(rows)
        tail = "".join(generator.choice("0123456789") for _ in range(max(0, length - len(prefix))))
        numbers.append(country_code + prefix + tail)
        random_code = generator.choice(codes)
        numbers.append(
            random_code + "".join(generator.choice("0123456789") for _ in range(generator.randint(1, 15)))
        )
    stripped = [n for n in numbers if _reference(n) is not None and not _written_as_dialled(n)]
    differing = [n for n in numbers if n not in stripped and _lookup(n) != _reference(n)]
    assert differing == []
    assert (
        len(stripped) < len(numbers) / 50
    )  # the one documented difference (plan.py): 1.3 % of random digits
