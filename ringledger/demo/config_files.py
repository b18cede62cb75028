"""``config/sites.yml`` and ``config/sources.yml``: the site and source configuration
the warehouse reads, written in the same hand-edited style a person would use."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from ringledger.demo.company import Company, Site
from ringledger.demo.numbers import LOCAL_PREFIXES
from ringledger.demo.pbx import PBX_TYPES


def _q(value: str) -> str:
    """A YAML double-quoted scalar (JSON string syntax is valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def _flow(mapping: Mapping[str, object]) -> str:
    parts = []
    for key, value in mapping.items():
        if isinstance(value, (list, tuple)):
            rendered = "[" + ", ".join(_q(v) for v in value) + "]"
        elif isinstance(value, int):
            rendered = str(value)
        else:
            rendered = _q(str(value))
        parts.append(f"{key}: {rendered}")
    return "{" + ", ".join(parts) + "}"


def site_dids(site: Site, extensions: list[int]) -> list[str]:
    """Company numbers of a site: group and campaign numbers, then every direct-dial number."""
    numbers = [g.did for g in site.groups] + [site.direct_did(e) for e in extensions]
    return list(dict.fromkeys(numbers))


# Office hours and the region whose public holidays the office keeps (emergency and
# service numbers are left to the per-country defaults).
BUSINESS_HOURS = {
    "berlin": {"opens": "08:00", "closes": "18:00", "lunch_start": "12:00", "lunch_end": "13:00",
               "holiday_subdivision": "BE"},
    "chicago": {"opens": "08:00", "closes": "17:00", "lunch_start": "12:00", "lunch_end": "13:00"},
    "london": {"opens": "09:00", "closes": "17:30", "lunch_start": "12:30", "lunch_end": "13:30",
               "holiday_subdivision": "ENG"},
}  # fmt: skip


def local_areas(site: Site) -> list[str]:
    """Area codes dialled as local calls beyond the site's own (e.g. Chicago's overlays)."""
    code, own = site.dial_plan.country_code, site.dial_plan.local_area_code
    areas = [prefix.removeprefix(code) for prefix in LOCAL_PREFIXES[site.id]]
    return [area for area in areas if not area.startswith(own)]


def write_sites(company: Company, extensions: dict[str, list[int]], out_dir: Path) -> Path:
    lines = ["# Sites of the demo company (written by 'ringledger demo-data').", "sites:"]
    for site in company.sites:
        plan = site.dial_plan
        dial_plan = {
            "access_code": plan.access_code,
            "international_prefix": plan.international_prefix,
            "national_prefix": plan.national_prefix,
            "country_code": plan.country_code,
            "local_area_code": plan.local_area_code,
            "internal_ranges": list(plan.internal_ranges),
            "local_areas": local_areas(site),
        }
        lines += [
            f"  - id: {site.id}",
            f"    name: {_q(site.name)}",
            f"    timezone: {site.timezone}",
            f"    country: {site.country}",
            f"    pbx: {site.pbx}",
            f"    tariff_plan: {site.tariff_plan}",
            f"    dial_plan: {_flow(dial_plan)}",
            "    dids: [" + ", ".join(_q(d) for d in site_dids(site, extensions[site.id])) + "]",
            f"    business_hours: {_flow(BUSINESS_HOURS[site.id])}",
            "    trunks:",
        ]
        for trunk in site.trunks:
            fields = {"id": trunk.id, "carrier": trunk.carrier, "pbx_name": trunk.pbx_name,
                      "channels": trunk.channels}  # fmt: skip
            lines.append(f"      - {_flow(fields)}")
    path = out_dir / "config" / "sites.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_sources(company: Company, out_dir: Path) -> Path:
    lines = ["# PBX file sources of the demo company; locations are relative to this folder's parent.",
             "sources:"]  # fmt: skip
    for site in company.sites:
        for source in PBX_TYPES[site.pbx].sources:
            entry = {
                "name": f"{site.id}-{source.suffix}",
                "site": site.id,
                "format": source.format,
                "location": f"pbx/{site.id}-{source.folder}",
                "pattern": source.pattern,
                "encoding": source.encoding,
            }
            lines.append(f"  - {_flow(entry)}")
    path = out_dir / "config" / "sources.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
