"""Configuration mistakes are reported with file, entry and field, before anything runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingestion.config.company import load_sites, load_sources
from ingestion.config.errors import ConfigError
from ingestion.config.tariffs import TARIFF_COLUMNS, read_tariffs

SITE = """
sites:
  - id: berlin
    name: Berlin HQ
    timezone: {tz}
    country: DE
    pbx: asterisk
    tariff_plan: p1
    dial_plan: {{access_code: "0", international_prefix: "00", national_prefix: "0", country_code: "49"}}
    trunks:
      - {{id: t1, carrier: c1, pbx_name: c1, channels: {channels}}}
"""


def _write(root: Path, tz: str = "Europe/Berlin", channels: str = "30", sources: str | None = None) -> Path:
    (root / "config").mkdir(parents=True, exist_ok=True)
    (root / "config" / "sites.yml").write_text(SITE.format(tz=tz, channels=channels))
    if sources is not None:
        (root / "config" / "sources.yml").write_text(sources)
    return root


def test_valid_sites_load(tmp_path: Path):
    (site,) = load_sites(_write(tmp_path))
    assert site.timezone == "Europe/Berlin" and site.trunks[0].channels == 30
    assert site.dial_plan.country_code == "49"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"tz": "Europe/Atlantis"}, "sites[1] (berlin): unknown time zone 'Europe/Atlantis'"),
        ({"channels": "0"}, "trunks[1]: field 'channels' should be a positive count, got 0"),
        ({"channels": "lots"}, "field 'channels' should be int, got 'lots'"),
    ],
)
def test_bad_sites_name_the_file_entry_and_field(tmp_path: Path, kwargs: dict, message: str):
    _write(tmp_path, **kwargs)
    with pytest.raises(ConfigError) as error:
        load_sites(tmp_path)
    assert str(error.value).startswith(str(tmp_path / "config" / "sites.yml"))
    assert message in str(error.value)


def test_a_source_must_name_a_known_site_and_format(tmp_path: Path):
    _write(tmp_path, sources="sources:\n  - {name: a, site: paris, format: x, location: f}\n")
    with pytest.raises(ConfigError, match=r"sources\[1\] \(a\): site 'paris' is not in sites.yml"):
        load_sources(tmp_path)
    _write(tmp_path, sources="sources:\n  - {name: a, site: berlin, format: x, location: f}\n")
    with pytest.raises(ConfigError, match="format 'x' is unknown"):
        load_sources(tmp_path, known_formats={"asterisk_cdr_csv"})
    _write(tmp_path, sources="sources:\n  - {name: a, site: berlin, format: x}\n")
    with pytest.raises(ConfigError, match="field 'location' is missing"):
        load_sources(tmp_path)


def test_tariff_errors_name_the_line_and_field(tmp_path: Path):
    (tmp_path / "tariffs").mkdir()
    header = ",".join(TARIFF_COLUMNS) + "\n"
    plan = tmp_path / "tariffs" / "p1.csv"
    plan.write_text(
        header + "p1,c1,49,Germany,0.02,0,EUR,60,60,2026-01-01\np1,c1,44,UK,cheap,0,EUR,60,60,2026-01-01\n"
    )
    with pytest.raises(
        ConfigError, match=r"p1.csv: line 3: field 'rate_per_minute' should be a number, got 'cheap'"
    ):
        read_tariffs(tmp_path)
    plan.write_text(header + "p1,c1,+49,Germany,0.02,0,EUR,60,60,2026-01-01\n")
    with pytest.raises(ConfigError, match=r"line 2: field 'prefix' should be digits"):
        read_tariffs(tmp_path)
    plan.write_text("plan_id,prefix\np1,49\n")
    with pytest.raises(ConfigError, match="header: missing columns"):
        read_tariffs(tmp_path)


def test_transfer_cost_allocation_must_be_a_known_rule(tmp_path: Path):
    (site,) = load_sites(_write(tmp_path))
    assert site.booking == "final_party"  # the default
    path = tmp_path / "config" / "sites.yml"
    path.write_text(path.read_text() + "    transfer_cost_allocation: halves\n")
    expected = r"field 'transfer_cost_allocation' should be one of \['final_party'"
    with pytest.raises(ConfigError, match=expected):
        load_sites(tmp_path)


def _sources(tmp_path: Path, entry: str) -> Path:
    return _write(tmp_path, sources=f"sources:\n  - {{name: a, site: berlin, location: f, {entry}}}\n")


@pytest.mark.parametrize("order", ["MM/DD/YY", "DD/MM/YY", "YY/MM/DD"])
def test_a_panasonic_source_sets_its_date_order(tmp_path: Path, order: str):
    (source,) = load_sources(_sources(tmp_path, f"format: panasonic_smdr, date_format: {order}"))
    assert source.date_format == order


def test_the_date_order_defaults_to_month_first(tmp_path: Path):
    (source,) = load_sources(_sources(tmp_path, "format: panasonic_smdr"))
    assert source.date_format == "MM/DD/YY"


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            "format: panasonic_smdr, date_format: DD.MM.YYYY",
            r"sources\[1\] \(a\): field 'date_format' should be one of "
            r"\['MM/DD/YY', 'DD/MM/YY', 'YY/MM/DD'\], got 'DD.MM.YYYY'",
        ),
        (
            "format: asterisk_cdr_csv, date_format: DD/MM/YY",
            r"sources\[1\] \(a\): field 'date_format' does not apply to format 'asterisk_cdr_csv'.*"
            r"only \['panasonic_smdr'\] take it",
        ),
    ],
)
def test_a_bad_date_order_names_the_source_and_field(tmp_path: Path, entry: str, message: str):
    with pytest.raises(ConfigError, match=message) as error:
        load_sources(_sources(tmp_path, entry))
    assert str(error.value).startswith(str(tmp_path / "config" / "sources.yml"))
