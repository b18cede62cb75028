"""The ``ringledger`` command line: one subcommand per job, each a module of ``ringledger.commands``.

Subcommand modules expose ``configure(parser)`` and ``run(args) -> int``. Each is imported only
when used, so that ``ringledger --help`` stays fast; the imports are written out below (not
computed), so the import graph and its layering contract see every edge.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from types import ModuleType


def _demo_data() -> ModuleType:
    from ringledger.commands import demo_data

    return demo_data


def _land() -> ModuleType:
    from ringledger.commands import land

    return land


def _collect() -> ModuleType:
    from ringledger.commands import collect

    return collect


def _pipeline() -> ModuleType:
    from ringledger.commands import pipeline

    return pipeline


def _reprocess() -> ModuleType:
    from ringledger.commands import reprocess

    return reprocess


def _publish() -> ModuleType:
    from ringledger.commands import publish

    return publish


def _paths() -> ModuleType:
    from ringledger.commands import paths

    return paths


def _formats() -> ModuleType:
    from ringledger.commands import formats

    return formats


def _sniff() -> ModuleType:
    from ringledger.commands import sniff

    return sniff


def _init() -> ModuleType:
    from ringledger.commands import init

    return init


def _check() -> ModuleType:
    from ringledger.commands import check

    return check


# name -> (the subcommand's module, imported when used; one-line help)
SUBCOMMANDS: dict[str, tuple[Callable[[], ModuleType], str]] = {
    "demo-data": (_demo_data, "generate the demo company's PBX files, directory and tariffs"),
    "land": (_land, "copy new PBX files from the configured sources into the landing zone"),
    "collect": (_collect, "run one source's collector (TCP, serial, folder, S3, SFTP)"),
    "pipeline": (_pipeline, "run the whole Dagster pipeline once, in this process"),
    "reprocess": (_reprocess, "rebuild the call facts of a date range from raw, then publish"),
    "publish": (_publish, "publish a read-only serving copy of the warehouse marts"),
    "paths": (_paths, "print the folders and files this installation uses"),
    "formats": (_formats, "list the PBX formats: layout, time base, durations, leg links"),
    "sniff": (_sniff, "say which format(s) a PBX file could be, and why"),
    "init": (_init, "write a company skeleton: sites, sources, directory, tariffs"),
    "check": (_check, "validate the configuration and sample each source's files, building nothing"),
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser_for(argv)
    args = parser.parse_args(argv)
    return int(args._module().run(args) or 0)


def build_parser_for(argv: list[str]) -> argparse.ArgumentParser:
    """A parser that configures only the subcommand named in ``argv`` (all of them for help)."""
    parser = argparse.ArgumentParser(
        prog="ringledger",
        description="Ringledger call-accounting warehouse. Run 'ringledger COMMAND --help' for details.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    wanted = argv[0] if argv else None
    for name, (module_of, help_text) in SUBCOMMANDS.items():
        command_parser = sub.add_parser(name, help=help_text, description=help_text)
        command_parser.set_defaults(_module=module_of)
        if name == wanted:
            module_of().configure(command_parser)
    return parser


if __name__ == "__main__":
    sys.exit(main())
