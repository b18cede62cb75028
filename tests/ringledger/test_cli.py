"""Every subcommand explains itself."""

from __future__ import annotations

import subprocess

import pytest

from ringledger.cli import SUBCOMMANDS
from tests.conftest import RINGLEDGER


def test_top_level_help_lists_every_subcommand():
    out = subprocess.run([RINGLEDGER, "--help"], capture_output=True, text=True, check=True).stdout
    for name in SUBCOMMANDS:
        assert name in out


@pytest.mark.parametrize("name", sorted(SUBCOMMANDS))
def test_subcommand_help(name: str):
    out = subprocess.run([RINGLEDGER, name, "--help"], capture_output=True, text=True, check=True).stdout
    assert f"usage: ringledger {name}" in out
    assert "options:" in out and len(out.splitlines()) > 3  # explains its options, not just usage
