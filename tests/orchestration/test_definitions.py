"""The Dagster code location loads, and its asset graph is what review last saw."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SNAPSHOT = Path(__file__).parent / "snapshots" / "asset_graph.txt"

DESCRIBE = """
from orchestration.definitions import defs
definitions = defs()
graph = definitions.resolve_asset_graph()
for key in sorted(k.to_user_string() for k in graph.get_all_asset_keys()):
    print("asset", key)
for check in sorted(c.to_user_string() for c in graph.asset_check_keys):
    print("check", check)
print("job", definitions.resolve_job_def("full_pipeline").name)
"""


def test_definitions_load_and_match_the_snapshot():
    # A fresh interpreter, as the Dagster UI would load it.
    out = subprocess.run(
        [sys.executable, "-c", DESCRIBE], capture_output=True, text=True, check=True, timeout=300
    ).stdout
    assert "asset marts/fct_calls" in out and "asset serving/published_marts" in out
    assert any(line.startswith("check marts/fct_calls:") for line in out.splitlines())
    if not SNAPSHOT.exists():  # first run writes it; review the diff like code
        SNAPSHOT.write_text(out)
    assert out == SNAPSHOT.read_text(), "asset graph changed: update snapshots/asset_graph.txt"
