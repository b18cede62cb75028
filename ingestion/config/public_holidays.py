"""Public holidays of each site's country (and region), from the offline ``holidays`` package."""

from __future__ import annotations

import datetime as dt

import holidays

from ingestion.config.company import Site


def site_holidays(site: Site, years: range) -> list[tuple[str, dt.date, str]]:
    """(site_id, date, name) for every public holiday of the site's country and subdivision."""
    subdivision = site.business_calendar.holiday_subdivision or None
    calendar = holidays.country_holidays(
        site.country, subdiv=subdivision, years=list(years), language="en_US"
    )
    return [(site.id, day, name) for day, name in sorted(calendar.items())]
