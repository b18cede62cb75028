"""``ringledger land``: copy new files of every configured source into the landing zone."""

from __future__ import annotations

import argparse
from pathlib import Path

from ingestion.config import load_sources
from ingestion.formats import FORMATS
from ingestion.landing import land_source
from ringledger.settings import Settings


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--input", type=Path, help="folder holding config/sources.yml (default: RINGLEDGER_INPUT)"
    )
    parser.add_argument("--source", action="append", help="land only this source (repeatable)")


def run(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    input_dir = args.input or settings.input_dir
    for source in load_sources(input_dir, known_formats=set(FORMATS)):
        if args.source and source.name not in args.source:
            continue
        result = land_source(source, settings.landing_dir)
        print(f"{source.name}: {len(result.landed)} landed, {len(result.duplicates)} already there")
    return 0
