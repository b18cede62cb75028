"""Carrier tariff plans (``tariffs/<plan>.csv``): read and validate, one row per prefix."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ingestion.config.errors import ConfigError

TARIFF_COLUMNS = (
    "plan_id",
    "carrier",
    "prefix",
    "destination",
    "rate_per_minute",
    "connect_fee",
    "currency",
    "initial_increment_s",
    "next_increment_s",
    "valid_from",
)


@dataclass(frozen=True)
class TariffRate:
    plan_id: str
    carrier: str
    prefix: str
    destination: str
    rate_per_minute: Decimal
    connect_fee: Decimal
    currency: str
    initial_increment_s: int
    next_increment_s: int
    valid_from: str


def _decimal(path: Path, line: int, row: dict[str, str], name: str) -> Decimal:
    try:
        value = Decimal(row[name])
    except InvalidOperation as exc:
        raise ConfigError(
            path, f"line {line}", f"field '{name}' should be a number, got {row[name]!r}"
        ) from exc
    if value < 0:
        raise ConfigError(path, f"line {line}", f"field '{name}' should not be negative, got {value}")
    return value


def _increment(path: Path, line: int, row: dict[str, str], name: str) -> int:
    value = row[name]
    if not value.isdigit() or int(value) == 0:
        raise ConfigError(path, f"line {line}", f"field '{name}' should be whole seconds > 0, got {value!r}")
    return int(value)


def read_tariff_file(path: Path) -> list[TariffRate]:
    """Parse one plan file, reporting the line and field of any bad value."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in TARIFF_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ConfigError(path, "header", f"missing columns {missing}; expected {list(TARIFF_COLUMNS)}")
        rates = []
        for line, row in enumerate(reader, start=2):
            if not row["prefix"].isdigit():
                raise ConfigError(
                    path, f"line {line}", f"field 'prefix' should be digits, got {row['prefix']!r}"
                )
            rates.append(
                TariffRate(
                    plan_id=row["plan_id"],
                    carrier=row["carrier"],
                    prefix=row["prefix"],
                    destination=row["destination"],
                    rate_per_minute=_decimal(path, line, row, "rate_per_minute"),
                    connect_fee=_decimal(path, line, row, "connect_fee"),
                    currency=row["currency"],
                    initial_increment_s=_increment(path, line, row, "initial_increment_s"),
                    next_increment_s=_increment(path, line, row, "next_increment_s"),
                    valid_from=row["valid_from"],
                )
            )
    return rates


def read_tariffs(input_dir: Path) -> list[TariffRate]:
    """All plans under ``tariffs/``; a plan's prefixes must be unique."""
    rates: list[TariffRate] = []
    for path in sorted((input_dir / "tariffs").glob("*.csv")):
        plan_rates = read_tariff_file(path)
        seen: set[tuple[str, str, str]] = set()
        for rate in plan_rates:
            key = (rate.plan_id, rate.prefix, rate.valid_from)
            if key in seen:
                raise ConfigError(path, f"prefix {rate.prefix}", "appears twice in the same plan")
            seen.add(key)
        rates.extend(plan_rates)
    return rates
