"""What a pipeline run did to the published copy, said to the person who ran it and kept in Dagster.

A blocking check (a dbt test of severity error) that fails stops the build: publishing is
skipped and the last good copy stays in service. Data-quality checks (severity warn) only
warn: the run publishes, and their findings per source are read back from the published
``rpt_data_quality_findings``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from orchestration.defs.publish import PUBLISHED, SUMMARY
from orchestration.findings import Finding, findings_lines, read_findings
from orchestration.serving.publish import PublishedVersion, current_version

FAILED_ROWS = "dagster_dbt/failed_row_count"
DBT_ERRORS = "Errors parsed from dbt logs:"  # dagster-dbt's heading before dbt's own error lines
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass(frozen=True)
class CheckFailure:
    """A failed asset check: the model (asset) it tests, its name and how many rows failed."""

    model: str
    check: str
    failing_rows: int | None


@dataclass(frozen=True)
class RunOutcome:
    run_id: str
    succeeded: bool
    published: bool
    served: PublishedVersion | None
    blocking_failures: list[CheckFailure]
    warnings: list[CheckFailure]
    failed_steps: list[str]
    findings: list[Finding]
    publish_summary: str | None = None  # what the publish kept and rewrote, and its time


def _failure(evaluation: dg.AssetCheckEvaluation) -> CheckFailure:
    rows = evaluation.metadata.get(FAILED_ROWS)
    count = None if rows is None else rows.value
    # dagster-dbt records dbt's num_failures, an int
    assert count is None or isinstance(count, int | float), f"{FAILED_ROWS} is {count!r}"
    return CheckFailure(
        model=evaluation.asset_key.to_user_string(),
        check=evaluation.check_name,
        failing_rows=None if count is None else int(count),
    )


def outcome_of(result: dg.ExecuteInProcessResult, published_dir: Path) -> RunOutcome:
    """Read a finished run: its failed checks, failed steps, whether it published, what is served."""
    failed = [e for e in result.get_asset_check_evaluations() if not e.passed]
    publishes = [e for e in result.get_asset_materialization_events() if e.asset_key == PUBLISHED]
    published = bool(publishes)
    served = current_version(published_dir)
    return RunOutcome(
        run_id=result.run_id,
        succeeded=result.success,
        published=published,
        served=served,
        blocking_failures=[_failure(e) for e in failed if e.severity == dg.AssetCheckSeverity.ERROR],
        warnings=[_failure(e) for e in failed if e.severity == dg.AssetCheckSeverity.WARN],
        failed_steps=[_step_failure(event) for event in result.get_step_failure_events()],
        findings=read_findings(served.path) if published and served else [],
        publish_summary=_summary(publishes[-1]) if publishes else None,
    )


def _summary(event: dg.DagsterEvent) -> str | None:
    value = event.materialization.metadata.get(SUMMARY)
    return None if value is None else str(value.value)


def dbt_errors(message: str) -> list[str]:
    """dbt's own errors in a dagster-dbt failure, one line each.

    For example, ``Runtime Error in model dim_branch (models/marts/org/dim_branch.sql): Constraint
    Error: NOT NULL constraint failed: dim_branch__dbt_tmp.site_id``.
    """
    if DBT_ERRORS not in message:
        return []
    lines = [_ANSI.sub("", line).strip() for line in message.split(DBT_ERRORS, 1)[1].splitlines()]
    return [
        f"{line}: {detail}"
        for line, detail in zip(lines, lines[1:], strict=False)
        if " Error in " in line and detail
    ]


def _step_failure(event: dg.DagsterEvent) -> str:
    error = event.step_failure_data.error if event.step_failure_data else None
    message = error.message.strip() if error else ""
    said = dbt_errors(message) or [message.splitlines()[0] if message else "failed"]
    return f"{event.step_key}: {'; '.join(said)}"


def _rows(count: int | None) -> str:
    if count is None:
        return "failing rows unknown"
    return f"{count} failing row{'' if count == 1 else 's'}"


def _served_line(served: PublishedVersion | None) -> str:
    if served is None:
        return "nothing is served yet: no copy was ever published"
    when = served.published_at.strftime("%Y-%m-%d %H:%M:%S UTC")
    return f"still served: version {served.version}, published {when} ({served.path})"


def report_lines(outcome: RunOutcome) -> list[str]:
    """What ``ringledger pipeline`` prints about the run, before its final status line."""
    lines = [
        f"blocking check failed: {f.model} {f.check}: {_rows(f.failing_rows)}"
        for f in outcome.blocking_failures
    ]
    if not outcome.published:
        if not outcome.blocking_failures:
            lines += [f"step failed: {step}" for step in outcome.failed_steps]
        lines.append("publishing skipped: the published copy was not replaced")
        lines.append(_served_line(outcome.served))
        return lines
    lines += findings_lines(outcome.findings)
    if outcome.served:
        lines.append(f"published version {outcome.served.version} ({outcome.served.path})")
    if outcome.publish_summary:
        lines.append(outcome.publish_summary)
    return lines


def record_outcome(instance: dg.DagsterInstance, outcome: RunOutcome) -> None:
    """When publishing was skipped, say so on the published asset (a publish says it in its own metadata)."""
    if outcome.published:
        return
    failures = "\n".join(
        f"- {f.model} {f.check}: {_rows(f.failing_rows)}" for f in outcome.blocking_failures
    ) or "\n".join(f"- {step}" for step in outcome.failed_steps)
    metadata: dict[str, dg.RawMetadataValue] = {
        "outcome": "publishing skipped",
        "run_id": outcome.run_id,
        "blocking_failures": dg.MetadataValue.md(failures or "-"),
    }
    if outcome.served:
        metadata["served_version"] = outcome.served.version
        metadata["served_published_at"] = outcome.served.published_at.isoformat()
    instance.report_runless_asset_event(dg.AssetObservation(asset_key=PUBLISHED, metadata=metadata))
