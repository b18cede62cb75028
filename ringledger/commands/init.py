"""``ringledger init DIR``: write a company skeleton to edit, every field commented with its default.

The skeleton (``ringledger/commands/skeleton/``) is one example site, PBX source, HR export and tariff
plan that the project's own loaders accept as written; a user edits the values, then runs
``ringledger check`` (docs/own-company.md).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

SKELETON = Path(__file__).parent / "skeleton"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dir", type=Path, help="the company folder to create (becomes RINGLEDGER_INPUT)")
    parser.add_argument("--force", action="store_true", help="write into a non-empty folder, replacing files")


def skeleton_files() -> list[Path]:
    """The skeleton's files, relative to its root."""
    return sorted(p.relative_to(SKELETON) for p in SKELETON.rglob("*") if p.is_file())


def write_skeleton(target: Path, force: bool = False) -> list[Path]:
    """Copy the skeleton into ``target``; refuse a non-empty folder unless ``force``."""
    if target.exists() and not target.is_dir():
        raise FileExistsError(f"{target} exists and is not a folder")
    if target.is_dir() and any(target.iterdir()) and not force:
        raise FileExistsError(
            f"{target} is not empty: choose a new folder, or --force to write over its files"
        )
    written = []
    for relative in skeleton_files():
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SKELETON / relative, destination)
        written.append(destination)
    return written


def run(args: argparse.Namespace) -> int:
    try:
        written = write_skeleton(args.dir, args.force)
    except FileExistsError as exc:
        print(f"ringledger init: {exc}", file=sys.stderr)
        return 2
    for path in written:
        print(f"wrote {path}")
    print(
        f"next: edit {args.dir}/config/*.yml, put the PBX files under {args.dir}/pbx/, then\n"
        f"  RINGLEDGER_INPUT={args.dir} ringledger check"
    )
    return 0
