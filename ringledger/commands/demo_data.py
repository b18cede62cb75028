"""``ringledger demo-data``: write the demo company's PBX files, directory, tariffs and truth."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from ingestion.config.settings import Settings
from ringledger.demo.company import build_company
from ringledger.demo.model import Params
from ringledger.demo.pbx import PBX_TYPES

MAX_EMPLOYEES = 1800  # the Berlin extension range 2000-2999 holds 55 % of them


def _positive(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text!r}")
    return value


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"expected an ISO date like 2026-08-03, got {text!r}") from error


def _pbx_choice(text: str) -> tuple[tuple[str, str], ...]:
    """``berlin=cucm,london=asterisk`` as ((site, pbx), ...), every site and PBX checked."""
    sites = [site.id for site in build_company(1).sites]
    chosen: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        site, _, pbx = item.partition("=")
        if site not in sites or pbx not in PBX_TYPES or site in chosen:
            raise argparse.ArgumentTypeError(
                f"expected SITE=PBX pairs with SITE one of {', '.join(sites)} (each once) and PBX one of "
                f"{', '.join(PBX_TYPES)}, got {item!r}"
            )
        chosen[site] = pbx
    return tuple(chosen.items())


def _count(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 0, got {text!r}")
    return value


def configure(parser: argparse.ArgumentParser) -> None:
    defaults = Params()
    parser.description = (
        "Generate a realistic three-site demo company (Berlin Asterisk, Chicago Cisco UCM, "
        "London Avaya IP Office): PBX call-record files, site and source configuration, "
        "HR directory, carrier tariffs and a ground-truth summary. The same options always "
        "produce byte-identical files. See docs/demo-company.md."
    )
    parser.add_argument("--seed", type=int, default=defaults.seed,
                        help="random seed (default: %(default)s)")  # fmt: skip
    parser.add_argument("--calls", type=_positive, default=defaults.calls,
                        help="calls over the whole period, all sites together; calls a full "
                             "trunk turns away are not written (default: %(default)s)")  # fmt: skip
    parser.add_argument("--days", type=_positive, default=defaults.days,
                        help="length of the period in days (default: %(default)s)")  # fmt: skip
    parser.add_argument("--start", type=_date, default=defaults.start,
                        help="first day of the period, ISO date (default: %(default)s)")  # fmt: skip
    parser.add_argument("--employees", type=_positive, default=defaults.employees,
                        help=f"head count, split 55/35/10 %% over Berlin, Chicago, London; at most "
                             f"{MAX_EMPLOYEES} (default: %(default)s)")  # fmt: skip
    parser.add_argument("--pbx", type=_pbx_choice, default=defaults.pbx, metavar="SITE=PBX,...",
                        help="another PBX for some sites, e.g. berlin=cucm,chicago=asterisk (default: "
                             "berlin=asterisk, chicago=cucm, london=ipoffice)")  # fmt: skip
    parser.add_argument("--clock-change-calls", type=_count, default=defaults.clock_change_calls,
                        metavar="N", help="N more calls at each site within two hours of each of its "
                                          "clock changes in the period, a few of them across the change "
                                          "(default: %(default)s)")  # fmt: skip
    parser.add_argument("--out", type=Path, default=None, metavar="DIR",
                        help="output folder (default: the input folder of the installation, "
                             "RINGLEDGER_INPUT or RINGLEDGER_HOME/demo)")  # fmt: skip


def run(args: argparse.Namespace) -> int:
    from ringledger.demo.generator import generate

    if args.employees > MAX_EMPLOYEES or args.employees < 12:
        print(f"demo-data: --employees must be between 12 and {MAX_EMPLOYEES}, got {args.employees}")
        return 2
    params = Params(seed=args.seed, calls=args.calls, days=args.days, start=args.start,
                    employees=args.employees, pbx=args.pbx,
                    clock_change_calls=args.clock_change_calls)  # fmt: skip
    out_dir = (args.out or Settings.from_env().input_dir).resolve()
    result = generate(params, out_dir)
    sites = ", ".join(f"{t.site} {t.calls:,} calls / {t.records:,} records" for t in result.per_site)
    print(
        f"Wrote {result.files:,} files to {result.out_dir} in {result.seconds:.1f} s: "
        f"{result.calls:,} calls ({sites}), {result.records:,} call records plus "
        f"{result.cmr_records:,} CMRs, over {params.days} days from {params.start} "
        f"(seed {params.seed}, {params.employees} employees). Full trunks turned away "
        f"{result.lost_inbound:,} inbound calls and failed {result.failed_outbound:,} outbound "
        f"calls. Ground truth: {out_dir / 'truth' / 'summary.json'} (calls per UTC hour in "
        f"calls_per_hour.csv)."
    )
    return 0
