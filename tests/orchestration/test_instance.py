"""The Dagster home the command line prepares: its dagster.yaml is written once and then left alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.instance import command_line_instance, prepare_home


def test_a_new_home_gets_settings_dagster_reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    home = tmp_path / "dagster"
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    instance = command_line_instance()
    assert (home / "dagster.yaml").exists()
    assert instance.telemetry_enabled is False
    assert instance.root_directory == str(home)


def test_an_operators_settings_are_never_rewritten(tmp_path: Path):
    own = "telemetry:\n  enabled: true\n"
    (tmp_path / "dagster.yaml").write_text(own)
    prepare_home(tmp_path)
    assert (tmp_path / "dagster.yaml").read_text() == own


def test_without_a_home_runs_are_not_recorded(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    assert command_line_instance().is_ephemeral
