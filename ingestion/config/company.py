"""Business configuration: sites (time zone, dial plan, trunks) and PBX sources, validated.

The files are ``config/sites.yml`` and ``config/sources.yml`` under an input folder.
Every problem is reported with the file, the entry and the field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from ingestion.config.errors import ConfigError
from ingestion.config.site_rules import (
    BusinessCalendar,
    business_calendar,
    default_emergency_numbers,
    default_service_numbers,
    digit_strings,
)
from ingestion.config.transports import (
    FOLDER,
    FileTransport,
    SerialTransport,
    TcpTransport,
    Transport,
    parse_transport,
)
from ingestion.config.trunk_matching import TrunkPattern, patterns_for, rank
from ingestion.formats import FORMATS


@dataclass(frozen=True)
class DialPlan:
    access_code: str
    international_prefix: str
    national_prefix: str
    country_code: str
    local_area_code: str = ""
    internal_ranges: tuple[str, ...] = ()
    # Further area codes dialled as local calls (e.g. overlays), beside local_area_code.
    local_areas: tuple[str, ...] = ()
    emergency_numbers: tuple[str, ...] = ()
    service_numbers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Trunk:
    id: str
    carrier: str
    pbx_name: str
    channels: int
    # A glob (* and ?) for PBXes that number their channels: ingestion.config.trunk_matching.
    pattern: str = ""

    @property
    def match_patterns(self) -> list[str]:
        """The SQL LIKE patterns an endpoint the PBX writes must match to be this trunk."""
        return patterns_for(self.pbx_name, self.pattern)


@dataclass(frozen=True)
class Site:
    id: str
    name: str
    timezone: str
    country: str
    pbx: str
    tariff_plan: str
    dial_plan: DialPlan
    trunks: tuple[Trunk, ...] = ()
    dids: tuple[str, ...] = ()
    business_calendar: BusinessCalendar = BusinessCalendar()
    # Whom a transferred call is booked and charged to: the party that finally took it, the
    # first one that answered, or (split) booked to the final party with its cost shared by
    # each answering party's talk time. One rule for fct_calls and fct_call_cost_allocation.
    booking: str = "final_party"
    # The site's name in the HR export (its branch column); the site id when not given.
    directory_branch: str = ""

    @property
    def branch(self) -> str:
        return self.directory_branch or self.id


# A call longer than this is kept but flagged (duration_over_max); a source may set its own.
DEFAULT_MAX_CALL_SECONDS = 86_400


@dataclass(frozen=True)
class Source:
    name: str
    site: str
    format: str
    location: str
    pattern: str
    encoding: str = "utf-8"
    base_dir: Path = field(default=Path("."), compare=False)
    transport: Transport = FOLDER
    # Column order of formats a source configures (cdr_custom.conf mapping, 3CX, FreeSWITCH templates).
    columns: tuple[str, ...] = ()
    # Date order the PBX prints (a country setting on Panasonic SMDR); staging reads dates with it.
    date_format: str = "MM/DD/YY"
    # Longest plausible call in seconds: a record whose duration is longer is loaded and flagged.
    max_call_seconds: int = DEFAULT_MAX_CALL_SECONDS

    @property
    def folder(self) -> Path:
        """The source's folder, resolved against the configuration's input folder."""
        path = Path(self.location)
        return path if path.is_absolute() else self.base_dir / path

    @property
    def file_transport(self) -> FileTransport:
        """The transport of a file source (folder, s3, sftp), for code that only file sources reach."""
        assert isinstance(self.transport, FileTransport), f"source {self.name!r} is a stream"
        return self.transport

    @property
    def stream_transport(self) -> TcpTransport | SerialTransport:
        """The transport of a stream source (TCP, serial), for code that only stream sources reach."""
        assert isinstance(self.transport, TcpTransport | SerialTransport), (
            f"source {self.name!r} is not a stream"
        )
        return self.transport


def _load_list(path: Path, key: str) -> list[dict[str, Any]]:
    if not path.exists():
        raise ConfigError(path, "file", "not found")
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(path, "file", f"not valid YAML ({exc})") from exc
    if not isinstance(document, dict) or not isinstance(document.get(key), list):
        raise ConfigError(path, "top level", f"expected a mapping with a list under '{key}'")
    return document[key]


def _require(path: Path, where: str, entry: dict[str, Any], name: str, kind: type = str) -> Any:
    if name not in entry or entry[name] in (None, ""):
        raise ConfigError(path, where, f"field '{name}' is missing")
    value = entry[name]
    if kind is str and isinstance(value, int | float):
        value = str(value)
    if not isinstance(value, kind):
        raise ConfigError(path, where, f"field '{name}' should be {kind.__name__}, got {value!r}")
    return value


BOOKINGS = ("final_party", "first_party", "split")  # the first is the default
# The name the booking rule had when it decided only the cost allocation; still read.
FORMER_BOOKING_FIELD = "transfer_cost_allocation"
DATE_FORMATS = ("MM/DD/YY", "DD/MM/YY", "YY/MM/DD")  # the first is the default


def _choice(path: Path, where: str, raw: dict[str, Any], name: str, allowed: tuple[str, ...]) -> str:
    """An optional field that must be one of ``allowed``; the first is the default."""
    value = str(raw.get(name) or allowed[0])
    if value not in allowed:
        raise ConfigError(path, where, f"field '{name}' should be one of {list(allowed)}, got {value!r}")
    return value


def _booking(path: Path, where: str, raw: dict[str, Any]) -> str:
    """A site's booking rule, from ``booking`` or its former name; both given must agree."""
    booking = _choice(path, where, raw, "booking", BOOKINGS)
    if raw.get(FORMER_BOOKING_FIELD) is None:
        return booking
    former = _choice(path, where, raw, FORMER_BOOKING_FIELD, BOOKINGS)
    if raw.get("booking") is not None and former != booking:
        raise ConfigError(
            path,
            where,
            f"field 'booking' is {booking!r} but its former name '{FORMER_BOOKING_FIELD}' says "
            f"{former!r}: keep only 'booking'",
        )
    return former


def _dial_plan(path: Path, where: str, raw: Any, country: str = "") -> DialPlan:
    if not isinstance(raw, dict):
        raise ConfigError(path, where, "field 'dial_plan' should be a mapping")
    where = f"{where}, dial_plan"
    for name in ("access_code", "international_prefix", "national_prefix", "country_code"):
        value = str(raw.get(name, ""))
        if name != "access_code" and not value.isdigit():
            raise ConfigError(path, where, f"field '{name}' should be digits, got {value!r}")
    return DialPlan(
        access_code=str(raw.get("access_code", "")),
        international_prefix=str(raw["international_prefix"]),
        national_prefix=str(raw["national_prefix"]),
        country_code=str(raw["country_code"]),
        local_area_code=str(raw.get("local_area_code", "")),
        internal_ranges=tuple(str(r) for r in raw.get("internal_ranges", [])),
        local_areas=digit_strings(path, where, raw, "local_areas", ()),
        emergency_numbers=digit_strings(
            path, where, raw, "emergency_numbers", default_emergency_numbers(country)
        ),
        service_numbers=digit_strings(path, where, raw, "service_numbers", default_service_numbers(country)),
    )


def _trunk(path: Path, where: str, raw: dict[str, Any]) -> Trunk:
    channels = _require(path, where, raw, "channels", int)
    if channels <= 0:
        raise ConfigError(path, where, f"field 'channels' should be a positive count, got {channels}")
    pattern = str(raw.get("pattern") or "")
    if pattern and not any(ch in pattern for ch in "*?"):
        raise ConfigError(
            path, where, f"field 'pattern' should be a glob with * or ?, got {pattern!r} (use pbx_name)"
        )
    return Trunk(
        id=_require(path, where, raw, "id"),
        carrier=_require(path, where, raw, "carrier"),
        # with a pattern the name is optional: the pattern names the trunk
        pbx_name=str(raw.get("pbx_name") or "") if pattern else _require(path, where, raw, "pbx_name"),
        channels=channels,
        pattern=pattern,
    )


def _check_trunk_names(path: Path, where: str, trunks: tuple[Trunk, ...]) -> None:
    """Two trunks of a site cannot claim the same name or pattern: an endpoint would be both."""
    owner: dict[str, str] = {}
    for trunk in trunks:
        for like in trunk.match_patterns:
            if like in owner and owner[like] != trunk.id:
                raise ConfigError(
                    path, f"{where}, trunk {trunk.id}", f"matches the same endpoints as trunk {owner[like]}"
                )
            owner[like] = trunk.id


def trunk_patterns(site: Site) -> list[TrunkPattern]:
    """The site's trunks as ranked LIKE patterns (raw.trunk_match_patterns, ringledger check)."""
    return rank(site.id, [(t.id, t.match_patterns) for t in site.trunks])


def site_of_branch(sites: list[Site]) -> dict[str, str]:
    """HR branch name -> site id: each site's directory_branch, and its id where no branch claims it."""
    branches = {site.branch: site.id for site in sites}
    return {**{site.id: site.id for site in sites if site.id not in branches}, **branches}


def load_sites(input_dir: Path) -> list[Site]:
    """Read and validate ``config/sites.yml``."""
    path = input_dir / "config" / "sites.yml"
    sites = []
    for index, raw in enumerate(_load_list(path, "sites"), start=1):
        where = f"sites[{index}] ({raw.get('id', '?')})" if isinstance(raw, dict) else f"sites[{index}]"
        if not isinstance(raw, dict):
            raise ConfigError(path, where, "expected a mapping")
        timezone = _require(path, where, raw, "timezone")
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ConfigError(path, where, f"unknown time zone {timezone!r}") from exc
        trunks = tuple(
            _trunk(path, f"{where}, trunks[{n}]", t) for n, t in enumerate(raw.get("trunks", []), 1)
        )
        _check_trunk_names(path, where, trunks)
        sites.append(
            Site(
                id=_require(path, where, raw, "id"),
                name=str(raw.get("name", raw["id"])),
                timezone=timezone,
                country=_require(path, where, raw, "country"),
                pbx=_require(path, where, raw, "pbx"),
                tariff_plan=_require(path, where, raw, "tariff_plan"),
                dial_plan=_dial_plan(path, where, raw.get("dial_plan"), str(raw.get("country", ""))),
                trunks=trunks,
                dids=tuple(str(d) for d in raw.get("dids", [])),
                business_calendar=business_calendar(path, where, raw.get("business_hours")),
                booking=_booking(path, where, raw),
                directory_branch=str(raw.get("directory_branch") or ""),
            )
        )
    _check_unique(path, "sites", [s.id for s in sites])
    _check_unique(path, "sites (directory_branch)", [s.branch for s in sites])
    return sites


def load_sources(input_dir: Path, known_formats: set[str] | None = None) -> list[Source]:
    """Read and validate ``config/sources.yml``; sites must exist in ``sites.yml``."""
    path = input_dir / "config" / "sources.yml"
    site_ids = {site.id for site in load_sites(input_dir)}
    sources = []
    for index, raw in enumerate(_load_list(path, "sources"), start=1):
        where = f"sources[{index}] ({raw.get('name', '?')})" if isinstance(raw, dict) else f"sources[{index}]"
        if not isinstance(raw, dict):
            raise ConfigError(path, where, "expected a mapping")
        transport = parse_transport(path, where, raw.get("transport"))
        source = Source(
            name=_require(path, where, raw, "name"),
            site=_require(path, where, raw, "site"),
            format=_require(path, where, raw, "format"),
            # A stream has no location to poll: its transport says where to listen or connect.
            location=str(raw.get("location") or "")
            if transport.is_stream
            else _require(path, where, raw, "location"),
            pattern=str(raw.get("pattern", "*")),
            encoding=str(raw.get("encoding", "utf-8")),
            base_dir=input_dir,
            transport=transport,
            columns=_column_order(path, where, raw.get("columns")),
            date_format=_date_format(path, where, raw),
            max_call_seconds=_max_call_seconds(path, where, raw),
        )
        if source.site not in site_ids:
            raise ConfigError(path, where, f"site {source.site!r} is not in sites.yml ({sorted(site_ids)})")
        if known_formats is not None and source.format not in known_formats:
            raise ConfigError(
                path, where, f"format {source.format!r} is unknown; known: {sorted(known_formats)}"
            )
        sources.append(source)
    _check_unique(path, "sources", [s.name for s in sources])
    return sources


def _date_format(path: Path, where: str, raw: dict[str, Any]) -> str:
    """The date order a source's PBX prints; only formats whose PBX can be set to several take one."""
    fmt = FORMATS.get(str(raw.get("format")))
    if "date_format" in raw and fmt is not None and not fmt.date_format_configurable:
        configurable = sorted(f.name for f in FORMATS.values() if f.date_format_configurable)
        raise ConfigError(
            path,
            where,
            f"field 'date_format' does not apply to format {fmt.name!r}, which writes dates one fixed way; "
            f"only {configurable} take it",
        )
    return _choice(path, where, raw, "date_format", DATE_FORMATS)


def _max_call_seconds(path: Path, where: str, raw: dict[str, Any]) -> int:
    """The source's longest plausible call: a whole number of seconds above 0 (a day by default)."""
    value = raw.get("max_call_seconds", DEFAULT_MAX_CALL_SECONDS)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        expected = "should be a whole number of seconds above 0"
        raise ConfigError(path, where, f"field 'max_call_seconds' {expected}, got {value!r}")
    return value


def _column_order(path: Path, where: str, raw: Any) -> tuple[str, ...]:
    """A source's configured column order: a list of column names, or nothing."""
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(c, str) and c for c in raw):
        raise ConfigError(path, where, f"field 'columns' should be a list of column names, got {raw!r}")
    return tuple(raw)


def _check_unique(path: Path, what: str, names: list[str]) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ConfigError(path, what, f"{name!r} appears twice")
        seen.add(name)
