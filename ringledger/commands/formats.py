"""``ringledger formats``: the PBX formats read, with layout, time base, durations and leg links."""

from __future__ import annotations

import argparse

from ingestion.formats import FORMATS


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--name", help="show only this format, with its raw columns")


def run(args: argparse.Namespace) -> int:
    for fmt in FORMATS.values():
        if args.name and fmt.name != args.name:
            continue
        print(f"{fmt.name}  ({fmt.vendor})")
        print(f"  {fmt.description}")
        print(f"  layout:    {fmt.layout.kind}")
        print(f"  time base: {fmt.time_base.value}")
        print(f"  duration:  {fmt.duration_unit}")
        print(f"  legs:      {fmt.leg_link}")
        if args.name:
            print(f"  columns:   {', '.join(fmt.columns)}")
    if args.name and args.name not in FORMATS:
        print(f"unknown format {args.name!r}; known: {', '.join(FORMATS)}")
        return 2
    return 0
