"""Number classification (phonenumbers), site dial rules and calendars, and the demo
warehouse's destinations and dates."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import duckdb
import pytest

from ingestion.config.company import load_sites
from ingestion.config.errors import ConfigError
from ingestion.config.settings import Settings
from ingestion.numbering.classify import classify, classify_all
from ringledger.demo.holidays import holidays_de_berlin

KNOWN_NUMBERS = [
    # e164, region, type, city, area
    ("4930123456", "DE", "fixed_line", "Berlin", ""),
    ("4989123456", "DE", "fixed_line", "Munich", ""),
    ("4915112345678", "DE", "mobile", "", ""),
    ("498001234567", "DE", "toll_free", "", ""),
    ("13125550100", "US", "fixed_line_or_mobile", "Chicago", "IL"),
    ("12125550100", "US", "fixed_line_or_mobile", "New York", "NY"),
    ("18005551234", "US", "toll_free", "", ""),
    ("19005551234", "US", "premium_rate", "", ""),
    ("442079460000", "GB", "fixed_line", "London", ""),
    ("447712345678", "GB", "mobile", "", ""),
    ("449091234567", "GB", "premium_rate", "", ""),
    ("18765551234", "JM", "mobile", "", ""),
    ("8816123456789", "001", "mobile", "", ""),
]


@pytest.mark.parametrize(("e164", "region", "number_type", "city", "area"), KNOWN_NUMBERS)
def test_known_numbers_per_country(e164: str, region: str, number_type: str, city: str, area: str):
    got = classify(e164)
    assert (got.region_code, got.number_type, got.city, got.area) == (region, number_type, city, area)
    assert got.is_valid and got.country_name


def test_invalid_numbers_keep_their_country_and_never_raise():
    short = classify("4930")
    assert (short.region_code, short.is_valid, short.number_type) == ("DE", False, "unknown")
    assert classify("not a number").region_code == ""


def test_classification_throughput():
    numbers = [f"4930{n:08d}" for n in range(5000)] + [f"1312{n:07d}" for n in range(5000)]
    started = time.perf_counter()
    rows = classify_all(numbers)
    rate = len(rows) / (time.perf_counter() - started)
    print(f"classified {len(rows)} numbers at {rate:,.0f}/s")
    assert rate > 1000


SITE = """
sites:
  - id: {id}
    timezone: Europe/Berlin
    country: {country}
    pbx: asterisk
    tariff_plan: p
    dial_plan: {{access_code: "0", international_prefix: "00", national_prefix: "0",
                 country_code: "49"{extra}}}
{hours}
"""


def _site(tmp_path: Path, country: str = "DE", extra: str = "", hours: str = ""):
    (tmp_path / "config").mkdir(exist_ok=True)
    text = SITE.format(id="x", country=country, extra=extra, hours=hours)
    (tmp_path / "config" / "sites.yml").write_text(text)
    return load_sites(tmp_path)[0]


@pytest.mark.parametrize(
    ("country", "emergency", "service"),
    [("DE", ("110", "112"), "115"), ("US", ("911",), "311"), ("GB", ("999", "112"), "111")],
)
def test_short_numbers_default_per_country(tmp_path: Path, country: str, emergency: tuple, service: str):
    site = _site(tmp_path, country)
    assert site.dial_plan.emergency_numbers == emergency
    assert service in site.dial_plan.service_numbers
    assert (site.business_calendar.opens, site.business_calendar.closes) == (dt.time(8), dt.time(18))


def test_configured_short_numbers_and_hours_replace_the_defaults(tmp_path: Path):
    hours = '    business_hours: {opens: "07:30", closes: "16:00", lunch_start: "11:30", lunch_end: "12:00"}'
    site = _site(tmp_path, extra=', emergency_numbers: ["112"], service_numbers: []', hours=hours)
    assert (site.dial_plan.emergency_numbers, site.dial_plan.service_numbers) == (("112",), ())
    assert site.business_calendar.lunch_start == dt.time(11, 30)


@pytest.mark.parametrize(
    ("extra", "hours", "message"),
    [
        (', emergency_numbers: ["11a"]', "", r"dial_plan: field 'emergency_numbers' should hold digits"),
        ("", '    business_hours: {opens: "8h"}', r"business_hours: field 'opens' should be a time"),
        ("", '    business_hours: {opens: "18:00", closes: "08:00"}', r"'opens' 18:00:00 should be before"),
        ("", '    business_hours: {lunch_start: "07:00"}', r"lunch should lie within business hours"),
    ],
)
def test_bad_dial_rules_name_the_entry_and_field(tmp_path: Path, extra: str, hours: str, message: str):
    with pytest.raises(ConfigError, match=r"sites\[1\] \(x\)") as error:
        _site(tmp_path, extra=extra, hours=hours)
    assert error.match(message)


def _query(settings: Settings, sql: str) -> list[tuple]:
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_every_answered_outbound_number_has_a_category_and_a_country(published_demo: Settings):
    missing = _query(
        published_demo,
        """
        select calls.call_id, destinations.destination_category, destinations.country_code
        from intermediate.int_calls_merged as calls
        left join intermediate.int_call_destinations as destinations using (call_id)
        where calls.direction = 'outbound' and calls.disposition = 'answered'
          and (destinations.country_code is null
               or destinations.destination_category in ('unknown', 'internal'))
        """,
    )
    assert missing == []
    categories = dict(
        _query(published_demo, "select destination_category, count(*) from marts.dim_destination group by 1")
    )
    assert {"local", "national", "mobile", "international", "premium"} <= set(categories)


def test_fraud_prone_destinations_the_generator_dials_are_flagged(published_demo: Settings):
    # The generator's fraud-prone ranges (ringledger/demo/numbers.py): satellite and island numbers.
    rows = _query(
        published_demo,
        """
        select number_e164, is_fraud_prone from marts.dim_destination
        where regexp_matches(number_e164, '^(88216|8816|535|23276|68890|6825|2399|1876|1268|1473)')
        """,
    )
    assert rows, "the demo dials fraud-prone numbers"
    assert all(flagged for _, flagged in rows)
    assert _query(published_demo, "select count(*) from marts.dim_destination where is_fraud_prone") == [
        (len(rows),)
    ]


def test_dim_date_marks_the_site_country_holidays(published_demo: Settings):
    first, last = _query(published_demo, "select min(date_day), max(date_day) from marts.dim_date")[0]
    expected = {day for year in range(first.year, last.year + 1) for day in holidays_de_berlin(year)}
    marked = {
        row[0]
        for row in _query(
            published_demo, "select date_day from marts.dim_date where site_id = 'berlin' and is_holiday"
        )
    }
    assert expected <= marked
    london = _query(
        published_demo, "select holiday_name from marts.dim_date where date_id = 'london:2026-08-31'"
    )
    chicago = _query(
        published_demo, "select holiday_name from marts.dim_date where date_id = 'chicago:2026-09-07'"
    )
    assert london == [("Late Summer Bank Holiday",)] and chicago == [("Labor Day",)]
    today = _query(published_demo, "select count(*) from marts.dim_date where is_today group by site_id")
    assert today == [(1,)] * 3
