"""Load validated business configuration (sites, trunks, sources, tariffs) and the number plan into ``raw``.

These tables are replaced as a whole on every load: the files are the truth.
"""

from __future__ import annotations

from dataclasses import astuple, fields
from pathlib import Path

import duckdb

from ingestion.config.company import Site, Source, trunk_patterns
from ingestion.config.tariffs import TariffRate


def _replace(con: duckdb.DuckDBPyConnection, table: str, columns: dict[str, str], rows: list[tuple]) -> int:
    column_sql = ", ".join(f"{name} {kind}" for name, kind in columns.items())
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    con.execute(f"CREATE OR REPLACE TABLE raw.{table} ({column_sql})")
    if rows:
        placeholders = ", ".join("?" for _ in columns)
        con.executemany(f"INSERT INTO raw.{table} VALUES ({placeholders})", rows)
    return len(rows)


replace_table = _replace  # other loaders (the directory) write their raw tables the same way


def load_sites(con: duckdb.DuckDBPyConnection, sites: list[Site]) -> dict[str, int]:
    site_rows = [
        (
            s.id,
            s.name,
            s.timezone,
            s.country,
            s.pbx,
            s.tariff_plan,
            s.dial_plan.access_code,
            s.dial_plan.international_prefix,
            s.dial_plan.national_prefix,
            s.dial_plan.country_code,
            s.dial_plan.local_area_code,
            s.booking,
            s.branch,
        )
        for s in sites
    ]
    trunk_rows = [(s.id, t.id, t.carrier, t.pbx_name, t.channels) for s in sites for t in s.trunks]
    pattern_rows = [astuple(p) for s in sites for p in trunk_patterns(s)]
    did_rows = [(s.id, did) for s in sites for did in s.dids]
    return {
        "sites": _replace(
            con,
            "sites",
            {
                "site_id": "VARCHAR",
                "site_name": "VARCHAR",
                "timezone": "VARCHAR",
                "country": "VARCHAR",
                "pbx": "VARCHAR",
                "tariff_plan": "VARCHAR",
                "access_code": "VARCHAR",
                "international_prefix": "VARCHAR",
                "national_prefix": "VARCHAR",
                "country_code": "VARCHAR",
                "local_area_code": "VARCHAR",
                "booking": "VARCHAR",
                "directory_branch": "VARCHAR",
            },
            site_rows,
        ),
        "trunks": _replace(
            con,
            "trunks",
            {
                "site_id": "VARCHAR",
                "trunk_id": "VARCHAR",
                "carrier": "VARCHAR",
                "pbx_name": "VARCHAR",
                "channels": "INTEGER",
            },
            trunk_rows,
        ),
        # how an endpoint the PBX writes is recognised as a trunk (ingestion.config.trunk_matching)
        "trunk_match_patterns": _replace(
            con,
            "trunk_match_patterns",
            {"site_id": "VARCHAR", "trunk_id": "VARCHAR", "like_pattern": "VARCHAR", "precedence": "INTEGER"},
            pattern_rows,
        ),
        "dids": _replace(con, "dids", {"site_id": "VARCHAR", "did": "VARCHAR"}, did_rows),
    }


def load_sources(con: duckdb.DuckDBPyConnection, sources: list[Source]) -> int:
    rows = [(s.name, s.site, s.format, s.location, s.pattern, s.encoding, s.date_format) for s in sources]
    return _replace(
        con,
        "sources",
        {
            "source_name": "VARCHAR",
            "site_id": "VARCHAR",
            "format": "VARCHAR",
            "location": "VARCHAR",
            "pattern": "VARCHAR",
            "encoding": "VARCHAR",
            "date_format": "VARCHAR",
        },
        rows,
    )


def load_tariffs(con: duckdb.DuckDBPyConnection, rates: list[TariffRate]) -> int:
    kinds = {
        "plan_id": "VARCHAR",
        "carrier": "VARCHAR",
        "prefix": "VARCHAR",
        "destination": "VARCHAR",
        "rate_per_minute": "DECIMAL(12,6)",
        "connect_fee": "DECIMAL(12,6)",
        "currency": "VARCHAR",
        "initial_increment_s": "INTEGER",
        "next_increment_s": "INTEGER",
        "valid_from": "DATE",
    }
    assert list(kinds) == [f.name for f in fields(TariffRate)]
    return _replace(con, "tariff_rates", kinds, [astuple(r) for r in rates])


def load_site_rules(con: duckdb.DuckDBPyConnection, sites: list[Site]) -> dict[str, int]:
    """Dial-plan number ranges (internal, local areas, emergency, service) and business calendars."""
    ranges = [
        (s.id, kind, value)
        for s in sites
        for kind, values in (
            ("internal", s.dial_plan.internal_ranges),
            ("local_area", (s.dial_plan.local_area_code, *s.dial_plan.local_areas)),
            ("emergency", s.dial_plan.emergency_numbers),
            ("service", s.dial_plan.service_numbers),
        )
        for value in dict.fromkeys(values)
        if value
    ]
    calendars = [
        (
            s.id,
            s.country,
            s.business_calendar.holiday_subdivision,
            s.business_calendar.opens,
            s.business_calendar.closes,
            s.business_calendar.lunch_start,
            s.business_calendar.lunch_end,
        )
        for s in sites
    ]
    return {
        "site_number_ranges": _replace(
            con,
            "site_number_ranges",
            {"site_id": "VARCHAR", "range_kind": "VARCHAR", "range_value": "VARCHAR"},
            ranges,
        ),
        "site_calendars": _replace(
            con,
            "site_calendars",
            {
                "site_id": "VARCHAR",
                "holiday_country": "VARCHAR",
                "holiday_subdivision": "VARCHAR",
                "business_opens": "TIME",
                "business_closes": "TIME",
                "lunch_start": "TIME",
                "lunch_end": "TIME",
            },
            calendars,
        ),
    }


def load_public_holidays(con: duckdb.DuckDBPyConnection, rows: list[tuple]) -> int:
    """(site_id, holiday_date, holiday_name) rows, replacing the table."""
    columns = {"site_id": "VARCHAR", "holiday_date": "DATE", "holiday_name": "VARCHAR"}
    return _replace(con, "public_holidays", columns, rows)


def load_number_tables(con: duckdb.DuckDBPyConnection, parquet_files: dict[str, Path]) -> dict[str, int]:
    """Replace the number plan tables (``ingestion.numbering.tables``) with their cached Parquet files."""
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    counts = {}
    for table, path in parquet_files.items():
        con.execute(f"CREATE OR REPLACE TABLE raw.{table} AS SELECT * FROM read_parquet(?)", [str(path)])
        counts[table] = con.execute(f"SELECT count(*) FROM raw.{table}").fetchall()[0][0]
    return counts
