"""``ringledger publish``: publish a read-only serving copy of the warehouse marts."""

from __future__ import annotations

import argparse

from ingestion.config.settings import Settings
from orchestration.serving.publish import KEEP_VERSIONS, publish


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--keep", type=int, default=KEEP_VERSIONS, help="published versions to keep")


def run(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    publication = publish(settings.warehouse_path, settings.published_dir, keep=args.keep)
    print(f"published {publication.path} ({', '.join(f'{t}: {n}' for t, n in publication.tables.items())})")
    print(publication.summary())
    return 0
