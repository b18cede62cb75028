"""Every format on its samples: landed and loaded for real, compared with the golden expected parse.

Regenerate a golden file after a deliberate change with RINGLEDGER_WRITE_GOLDEN=1, then review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ingestion.raw.validation import SourceRules
from tests.format_samples import CASES, SampleCase, load_through_landing, parsed


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_sample_parses_as_golden(case: SampleCase, tmp_path: Path):
    rules = SourceRules(date_format=case.date_format)
    con, (load,) = load_through_landing(
        [case.path], case.format, tmp_path, case.encoding, case.columns, rules
    )
    got = parsed(con, case.format)
    if os.environ.get("RINGLEDGER_WRITE_GOLDEN"):
        case.golden.parent.mkdir(parents=True, exist_ok=True)
        case.golden.write_text(json.dumps(got, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    assert got == json.loads(case.golden.read_text(encoding="utf-8"))
    assert load.records == len(got["records"])
    assert load.quarantined == len(got["quarantine"])


def test_every_format_has_a_sample():
    from ingestion.formats import FORMATS

    untested = set(FORMATS) - {c.format for c in CASES} - {"grandstream_ucm_csv"}
    assert not untested
