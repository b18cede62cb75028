"""``ringledger sniff FILE``: which format(s) a file could be, how sure, and why."""

from __future__ import annotations

import argparse
from pathlib import Path

from ingestion.formats.sniff import sniff_file


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", type=Path, help="PBX file(s) to look at")


def run(args: argparse.Namespace) -> int:
    status = 0
    for path in args.files:
        guesses = sniff_file(path)
        print(f"{path}:")
        if not guesses:
            print("  no known format matches; see 'ringledger formats'")
            status = 1
        for guess in guesses[:3]:
            print(f"  {guess.format}: confidence {guess.confidence:.2f}")
            for line in guess.evidence:
                print(f"    - {line}")
            if guess.caution:
                print(f"    ! {guess.caution}")
    return status
