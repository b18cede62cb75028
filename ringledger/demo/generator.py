"""Generate the whole demo data set: directory, traffic, PBX files, config, tariffs, truth.

The order of random draws is fixed, so the same parameters always give
byte-identical files.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ringledger.demo import asterisk, cucm, ipoffice
from ringledger.demo.company import Company, build_company
from ringledger.demo.config_files import write_sites, write_sources
from ringledger.demo.directory import Directory, build_directory, write_directory
from ringledger.demo.legs import SiteCalls, expand_legs
from ringledger.demo.model import Calls, Params
from ringledger.demo.pbx import PBX_TYPES, folder_name
from ringledger.demo.render import SiteOutput
from ringledger.demo.tariffs import write_tariffs
from ringledger.demo.traffic import (
    Budget,
    SiteTraffic,
    callback_calls,
    campaign_calls,
    clock_change_calls,
    complete,
    everyday_calls,
    fraud_calls,
    peak_calls,
    replace_with_callbacks,
    site_traffic,
)
from ringledger.demo.trunks import apply_channel_limits, assign_channels, size_channels
from ringledger.demo.truth import (
    SiteTruth,
    site_truth,
    write_calls_csv,
    write_calls_per_hour,
    write_summary,
)

FRAUD_SITE = "london"


@dataclass
class Result:
    """What a run wrote, for the closing summary."""

    out_dir: Path
    files: int
    calls: int
    records: int
    cmr_records: int
    lost_inbound: int
    failed_outbound: int
    seconds: float
    per_site: list[SiteTruth] = field(default_factory=list)


def _split(total: int, shares: list[float]) -> list[int]:
    counts = [int(total * s) for s in shares]
    counts[0] += total - sum(counts)
    return counts


def draw_calls(
    rng: np.random.Generator, params: Params, company: Company, traffic: list[SiteTraffic]
) -> tuple[Calls, int, int]:
    """The final call list (sorted by start) and how many calls the trunk limits cut."""
    budget = Budget.for_params(params, company)
    shares = [s.share for s in company.sites]
    parts = []
    for st, n in zip(traffic, _split(budget.everyday, shares), strict=True):
        ordinary = Calls.concat([everyday_calls(rng, st, n), campaign_calls(rng, st, params.calls)])
        complete(rng, ordinary, st)
        callbacks = complete(rng, callback_calls(rng, st, ordinary), st)
        parts.append(replace_with_callbacks(rng, ordinary, callbacks))
    normal = Calls.concat(parts)
    for trunk in company.trunks:
        trunk.channels = size_channels(normal, trunk.index)
    extra = []
    for st, n in zip(traffic, _split(budget.peak, shares), strict=True):
        campaign_trunk = st.site.trunk(
            next(g.trunk for g in st.site.groups if g.did == st.site.campaigns[0].did)
        )
        extra.append(complete(rng, peak_calls(rng, st, n, campaign_trunk.channels), st))
    fraud_site = next(st for st in traffic if st.site.id == FRAUD_SITE)
    extra.append(complete(rng, fraud_calls(rng, fraud_site, budget.fraud, params.days), fraud_site))
    if params.clock_change_calls:
        extra += [clock_change_calls(rng, st, params.clock_change_calls) for st in traffic]
    channels = [t.channels for t in company.trunks]
    return apply_channel_limits(Calls.concat([normal, *extra]), channels)


def site_calls(calls: Calls, st: SiteTraffic) -> SiteCalls:
    mine = calls.take(np.flatnonzero(calls.site == st.site.index))
    legs = expand_legs(mine, st.site, st.members)
    serial = PBX_TYPES[st.site.pbx].serials(mine, legs) + st.site.serial_offset
    return SiteCalls(st.site, mine, serial, legs)


def ipoffice_channels(data: SiteCalls) -> np.ndarray:
    """Trunk channel of each call of an IP Office site (0 for internal calls)."""
    calls = data.calls
    channel = np.zeros(len(calls), np.int32)
    for trunk in data.site.trunks:
        on = np.flatnonzero(calls.trunk == trunk.index)
        channel[on] = assign_channels(calls.start[on], calls.end[on])
    return channel


def write_pbx_files(output: SiteOutput, out_dir: Path) -> tuple[list[Path], int]:
    """The site's PBX files; returns (paths, CMR records)."""
    folder = out_dir / "pbx" / folder_name(output.data.site.id, output.data.site.pbx)
    folder.mkdir(parents=True, exist_ok=True)
    pbx = output.data.site.pbx
    if pbx == "asterisk":
        return asterisk.write(output, folder), 0
    if pbx == "cucm":
        return cucm.write(output, folder)
    return ipoffice.write(output, folder, ipoffice_channels(output.data)), 0


def generate(params: Params, out_dir: Path) -> Result:
    """Write the demo data set for ``params`` into ``out_dir``."""
    began = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(params.seed)
    company = build_company(params.days, params.pbx)
    directory: Directory = build_directory(rng, company, params.employees, params.start, params.days)
    traffic = [site_traffic(rng, site, params, directory) for site in company.sites]
    calls, lost, failed = draw_calls(rng, params, company, traffic)

    paths: list[Path] = []
    truths: list[SiteTruth] = []
    all_sites: list[SiteCalls] = []
    cmr_total = 0
    for st in traffic:
        data = site_calls(calls, st)
        all_sites.append(data)
        output = SiteOutput(data, company, directory, st.clock)
        written, cmr = write_pbx_files(output, out_dir)
        paths += written
        cmr_total += cmr
        truths.append(site_truth(data, {"cmr_records": cmr} if st.site.pbx == "cucm" else {}))
    extensions = {site: [int(e) for e in exts] for site, exts in directory.extensions.items()}
    paths.append(write_sites(company, extensions, out_dir))
    paths.append(write_sources(company, out_dir))
    write_directory(directory, out_dir)
    paths += [out_dir / "directory" / "departments.csv", out_dir / "directory" / "hr_assignments.csv"]
    paths += write_tariffs(out_dir, params.start)
    totals = {
        "calls": len(calls),
        "records": sum(t.records for t in truths),
        "cmr_records": cmr_total,
        "inbound_lost_trunk_full": lost,
        "outbound_failed_trunk_full": failed,
    }
    paths.append(write_summary(params, truths, totals, out_dir))
    paths.append(write_calls_per_hour(all_sites, out_dir))
    calls_csv = write_calls_csv(all_sites, out_dir)
    if calls_csv:
        paths.append(calls_csv)
    return Result(
        out_dir=out_dir,
        files=len(paths),
        calls=len(calls),
        records=totals["records"],
        cmr_records=cmr_total,
        lost_inbound=lost,
        failed_outbound=failed,
        seconds=time.perf_counter() - began,
        per_site=truths,
    )
