"""``ringledger paths``: show where this installation reads and writes."""

from __future__ import annotations

import argparse

from ingestion.config.settings import Settings


def configure(parser: argparse.ArgumentParser) -> None:
    parser.epilog = "Each path follows an environment variable (RINGLEDGER_HOME, RINGLEDGER_INPUT, ...)."


def run(args: argparse.Namespace) -> int:
    for name, value in Settings.from_env().as_env().items():
        print(f"{name}={value}")
    return 0
