"""Data-quality findings as the published ``rpt_data_quality_findings`` holds them: read, said, kept."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb

FINDINGS_TABLE = "rpt_data_quality_findings"
NOT_ONE_SOURCE = "(not one source)"


@dataclass(frozen=True)
class Finding:
    """One row of ``rpt_data_quality_findings``."""

    source: str | None
    kind: str
    model: str
    check: str
    description: str
    failing_rows: int
    first_examples: str
    details_relation: str


def read_findings(published_path: Path) -> list[Finding]:
    """The findings a published copy holds (none in a copy from before findings existed)."""
    con = duckdb.connect(str(published_path), read_only=True)
    try:
        if not con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [FINDINGS_TABLE]
        ).fetchall()[0][0]:
            return []
        rows = con.execute(
            "SELECT source_name, finding_kind, model_name, check_name, check_description, failing_rows, "
            f"first_examples, details_relation FROM main.{FINDINGS_TABLE} "
            "ORDER BY source_name NULLS LAST, failing_rows DESC, check_name"
        ).fetchall()
    finally:
        con.close()
    return [Finding(*row) for row in rows]


def findings_lines(findings: list[Finding]) -> list[str]:
    if not findings:
        return []
    lines = [f"data-quality findings (published anyway; all of them in {FINDINGS_TABLE}):"]
    by_source: dict[str | None, list[Finding]] = {}
    for finding in findings:
        by_source.setdefault(finding.source, []).append(finding)
    for source, found in by_source.items():
        total = sum(f.failing_rows for f in found)
        lines.append(f"  {source or NOT_ONE_SOURCE}: {total} row{'' if total == 1 else 's'}")
        for f in found:
            lines.append(f"    {f.failing_rows} × {f.check} ({f.model}: {f.description})")
            lines.append(f"      e.g. {f.first_examples}; all in the warehouse: {f.details_relation}")
    return lines


def findings_metadata(findings: list[Finding]) -> dict[str, dg.MetadataValue]:
    """Findings as Dagster metadata: rows per source and the whole list as a table."""
    per_source: dict[str, int] = {}
    for f in findings:
        per_source[f.source or NOT_ONE_SOURCE] = (
            per_source.get(f.source or NOT_ONE_SOURCE, 0) + f.failing_rows
        )
    table = "\n".join(
        ["| source | check | model | rows | first examples |", "|---|---|---|---|---|"]
        + [
            f"| {f.source or ''} | {f.check} | {f.model} | {f.failing_rows} | {f.first_examples} |"
            for f in findings
        ]
    )
    return {
        "findings": dg.MetadataValue.int(sum(per_source.values())),
        "findings_by_source": dg.MetadataValue.json(per_source),
        **({"findings_list": dg.MetadataValue.md(table)} if findings else {}),
    }
