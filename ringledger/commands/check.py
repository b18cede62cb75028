"""``ringledger check``: validate a company's whole configuration and sample its files, building nothing.

Reads ``config/sites.yml``, ``config/sources.yml``, ``tariffs/`` and the directory with the
loaders the pipeline uses, then per source: the files found, what ``sniff`` takes them for, and
on a sample of records (``ingestion.raw.sample_legs``) the share of external legs whose trunk is
configured and of parties whose extension the directory knows; per directory export: rows
read, people, departments, warnings. Exit 1 on an error (a configuration the pipeline would
refuse), 0 when there are only warnings.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from ingestion.collect.landing import candidate_files
from ingestion.config.company import Site, Source, load_sites, load_sources, site_of_branch
from ingestion.config.errors import ConfigError
from ingestion.config.settings import Settings
from ingestion.config.tariffs import read_tariffs
from ingestion.directory.consolidated import Directory, read_directory
from ingestion.formats import FORMATS
from ingestion.formats.sniff import sniff_file
from ingestion.raw.sample_legs import SampleResult, sample

SHOWN_WARNINGS = 5


class Report:
    """Lines printed as they come, with the errors and warnings counted."""

    def __init__(self) -> None:
        self.errors = 0
        self.warnings = 0

    def say(self, line: str) -> None:
        print(line)

    def error(self, line: str, indent: str = "") -> None:
        self.errors += 1
        print(f"{indent}ERROR: {line}")

    def warn(self, line: str, indent: str = "  ") -> None:
        self.warnings += 1
        print(f"{indent}warning: {line}")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input", type=Path, help="the company folder (default: RINGLEDGER_INPUT)")


def _share(part: int, whole: int) -> str:
    return f"{part}/{whole} ({100 * part / whole:.0f}%)" if whole else "0/0"


def _check_sniff(report: Report, source: Source, files: list[Path]) -> None:
    for path in files[:3]:
        guesses = sniff_file(path)
        best = guesses[0] if guesses else None
        if best is None:
            report.warn(f"{path.name}: sniff recognises no format in it (configured {source.format})")
        elif best.format == source.format or any(
            g.format == source.format and g.confidence >= best.confidence for g in guesses
        ):
            report.say(f"  sniff: {path.name}: {best.format} ({best.confidence:.2f})")
        else:
            configured = next((g.confidence for g in guesses if g.format == source.format), 0.0)
            report.warn(
                f"{path.name}: sniff takes it for {best.format} ({best.confidence:.2f}), "
                f"configured {source.format} ({configured:.2f}); `ringledger sniff {path}` says why"
            )


def _check_sample(report: Report, result: SampleResult, source: Source) -> None:
    report.say(
        f"  sample: {result.records} records from {result.files} file(s), "
        f"{result.quarantined} would be quarantined"
    )
    for problem in result.first_problems:
        report.warn(problem, indent="    ")
    if result.no_trunk:
        report.say(f"  external legs whose trunk is configured: not applicable, {result.no_trunk}")
    elif not result.measured:
        report.say(f"  trunks and extensions: not sampled for format {source.format} (see the warehouse)")
        return
    else:
        report.say(
            f"  legs: {result.legs}; external legs whose trunk is configured: "
            f"{_share(result.trunk_matched, result.external)}"
        )
    if result.unmatched:
        report.warn(
            f"{result.unmatched} external leg(s) match no trunk of site {source.site}, e.g. "
            f"{'; '.join(result.unmatched_endpoints)}: add a trunk (pbx_name or pattern) in sites.yml"
        )
    report.say(
        f"  parties whose extension is in the directory: "
        f"{_share(result.extension_in_directory, result.with_extension)}"
    )
    if result.with_extension > result.extension_in_directory:
        report.warn(
            f"{result.with_extension - result.extension_in_directory} record(s) with extensions the "
            f"directory does not know at {source.site}, e.g. {', '.join(result.unknown_extensions)}"
        )


def _check_source(report: Report, source: Source, site: Site, extensions: set[str]) -> None:
    where = source.folder if source.location else source.transport.kind
    report.say(
        f"source {source.name} (site {source.site}, {source.format}, {where}, pattern {source.pattern})"
    )
    if source.transport.is_stream:
        report.say("  a stream: its records arrive through `ringledger collect`; nothing to sample here")
        return
    if source.transport.kind != "folder":
        report.say(f"  {source.transport.kind}: files are listed by its collector; nothing to sample here")
        return
    files = candidate_files(source)
    names = ", ".join(p.name for p in files[:5]) + (" …" if len(files) > 5 else "")
    report.say(f"  files: {len(files)} found" + (f" ({names})" if files else ""))
    if not files:
        report.warn(f"no file in {source.folder} matches {source.pattern!r}")
        return
    _check_sniff(report, source, files)
    _check_sample(report, sample(source, site, files, extensions), source)


def _check_directory(report: Report, directory: Directory) -> None:
    for export in directory.read:
        as_of = f" (snapshot of {export.instant})" if export.instant else ""
        report.say(
            f"directory {export.source} ({export.kind}): {export.file}{as_of}: {export.rows} rows read"
        )
    people = {a.employee_id for a in directory.assignments}
    departments = {d.department_id for d in directory.departments}
    by_kind = Counter(w.kind for w in directory.warnings)
    summary = ", ".join(f"{n} {kind}" for kind, n in sorted(by_kind.items())) or "none"
    report.say(f"directory: {len(people)} people, {len(departments)} departments, warnings: {summary}")
    for warning in directory.warnings[:SHOWN_WARNINGS]:
        report.warn(str(warning))
    if len(directory.warnings) > SHOWN_WARNINGS:
        report.say(
            f"  … {len(directory.warnings) - SHOWN_WARNINGS} more (raw.directory_warnings after a pipeline)"
        )


def check(input_dir: Path, report: Report) -> None:
    """Every check, in the order a person fixes things."""
    report.say(f"checking {input_dir}")
    try:
        sites = load_sites(input_dir)
        sources = load_sources(input_dir, known_formats=set(FORMATS))
    except ConfigError as exc:
        report.error(str(exc))
        return
    report.say(f"config/sites.yml: {len(sites)} site(s); config/sources.yml: {len(sources)} source(s)")
    try:
        plans = {rate.plan_id for rate in read_tariffs(input_dir)}
        report.say(f"tariffs: plans {sorted(plans)}")
        for site in sites:
            if site.tariff_plan not in plans:
                report.error(
                    f"{input_dir / 'config' / 'sites.yml'}: site {site.id}: field 'tariff_plan': "
                    f"{site.tariff_plan!r} is in no tariffs/*.csv (plans: {sorted(plans)})"
                )
    except ConfigError as exc:
        report.error(str(exc))
    try:
        directory = read_directory(input_dir, {s.id for s in sites}, site_of_branch(sites))
    except ConfigError as exc:
        report.error(str(exc))
        directory = Directory([], [], [])
    by_site = {s.id: s for s in sites}
    for source in sources:
        held = {a.extension for a in directory.assignments if a.site_id == source.site}
        _check_source(report, source, by_site[source.site], held)
    _check_directory(report, directory)


def run(args: argparse.Namespace) -> int:
    input_dir = args.input or Settings.from_env().input_dir
    report = Report()
    check(input_dir, report)
    verdict = "configuration has errors" if report.errors else "configuration is usable"
    print(f"{verdict}: {report.errors} error(s), {report.warnings} warning(s)")
    return 1 if report.errors else 0
