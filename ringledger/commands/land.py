"""``ringledger land``: copy new complete files of every file source into the landing zone.

The same rule as the ``landed_files`` asset and the collectors: in-progress names wait, and a file
is taken once two looks agree (or it has not changed for the settle window); state in the landing
folder, so a file seen growing in one run is taken by the next. A compressed file that stopped
changing but does not decode to its end lands as received and is named with its reason: the raw
load quarantines it whole.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ingestion.collect.file_poller import PollResult, land_settled
from ingestion.config.company import load_sources
from ingestion.config.settings import Settings
from ingestion.formats import FORMATS


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
        if source.transport.is_stream:
            continue  # its collector lands spool chunks
        result = land_settled(source, settings.landing_dir)
        already = already_there(result)
        print(
            f"{source.name}: {len(result.landed)} landed, {len(already)} already there, "
            f"{len(result.waiting)} not complete, {len(result.quarantined)} to be quarantined whole"
        )
        for what, names in (
            ("landed", [f.original_name for f in result.landed]),
            ("already there", already),
            ("not complete yet", result.waiting),
        ):
            if names:
                print(f"  {what}: {_names(names)}")
        for file in result.quarantined:
            print(f"  {file.original_name}: {file.quarantine_reason}")
    print("next: `ringledger pipeline` loads what landed (records, quarantine) and builds the warehouse")
    return 0


def already_there(result: PollResult) -> list[str]:
    """Files of this look that were landed before: same content under any name, or taken by an earlier run."""
    landed = {f.original_name for f in result.landed}
    taken = [name.rsplit("/", 1)[-1] for name in result.state.get("taken", {})]
    return sorted({*(n.rsplit("/", 1)[-1] for n in result.already_landed), *taken} - landed)


def _names(names: list[str], shown: int = 10) -> str:
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more
