"""Country, region, city and type of every external number, classified once with phonenumbers.

A dbt Python model (run by dbt-duckdb in the dbt process), so that the whole
project builds in one dbt invocation. Incremental: each build classifies only
the numbers it has not seen before and appends them.
"""

import pyarrow as pa

from ingestion.numbering.classify import classify_all

COLUMNS = {
    "number_e164": "e164",
    "country_calling_code": "country_calling_code",
    "region_code": "region_code",
    "national_number": "national_number",
    "number_type": "number_type",
    "is_valid_number": "is_valid",
    "geo_description": "geo_description",
    "country_name": "country_name",
    "city": "city",
    "area": "area",
}


def _blank_to_none(value):
    return None if value == "" else value


def model(dbt, session):
    dbt.config(materialized="incremental", incremental_strategy="append")
    numbers = dbt.ref("int_call_numbers")
    distinct = "select distinct number_e164 from numbers where number_e164 is not null"
    if dbt.is_incremental:
        distinct += f" and number_e164 not in (select number_e164 from {dbt.this})"
    new_numbers = [row[0] for row in numbers.query("numbers", distinct).fetchall()]
    rows = classify_all(sorted(new_numbers))
    table = {
        name: [_blank_to_none(getattr(row, attribute)) for row in rows] for name, attribute in COLUMNS.items()
    }
    table["is_valid_number"] = [row.is_valid for row in rows]
    schema = pa.schema([(name, pa.bool_() if name == "is_valid_number" else pa.string()) for name in COLUMNS])
    return pa.table(table, schema=schema)
