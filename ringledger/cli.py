"""The ``ringledger`` command line: one subcommand per job, each in its own module.

Subcommand modules expose ``configure(parser)`` and ``run(args) -> int``; they
are imported only when used so that ``ringledger --help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# name -> (module, one-line help)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "demo-data": ("ringledger.demo.command", "generate the demo company's PBX files, directory and tariffs"),
    "land": ("ingestion.command", "copy new PBX files from the configured sources into the landing zone"),
    "collect": ("ingestion.collect_command", "run one source's collector (TCP, serial, folder, S3, SFTP)"),
    "pipeline": ("orchestration.command", "run the whole Dagster pipeline once, in this process"),
    "reprocess": (
        "orchestration.reprocess_command",
        "rebuild the call facts of a date range from raw, then publish",
    ),
    "publish": ("ringledger.publish", "publish a read-only serving copy of the warehouse marts"),
    "paths": ("ringledger.paths_command", "print the folders and files this installation uses"),
    "formats": ("ingestion.formats_command", "list the PBX formats: layout, time base, durations, leg links"),
    "sniff": ("ingestion.sniff_command", "say which format(s) a PBX file could be, and why"),
    "init": ("ingestion.init_command", "write a company skeleton: sites, sources, directory, tariffs"),
    "check": (
        "ingestion.check_command",
        "validate the configuration and sample each source's files, building nothing",
    ),
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser_for(argv)
    args = parser.parse_args(argv)
    module = importlib.import_module(args._module)
    return int(module.run(args) or 0)


def build_parser_for(argv: list[str]) -> argparse.ArgumentParser:
    """A parser that configures only the subcommand named in ``argv`` (all of them for help)."""
    parser = argparse.ArgumentParser(
        prog="ringledger",
        description="Ringledger call-accounting warehouse. Run 'ringledger COMMAND --help' for details.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    wanted = argv[0] if argv else None
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        command_parser = sub.add_parser(name, help=help_text, description=help_text)
        command_parser.set_defaults(_module=module_name)
        if name == wanted:
            importlib.import_module(module_name).configure(command_parser)
    return parser


if __name__ == "__main__":
    sys.exit(main())
