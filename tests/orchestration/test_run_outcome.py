"""How a failed step is said: dbt's own error, not dagster-dbt's wrapper around it."""

from __future__ import annotations

from orchestration.run_outcome import dbt_errors

# The message of the DagsterDbtCliRuntimeError a run raised when a mart's not-null constraint
# failed (a site's id emptied in the warehouse's snapshot), as dagster-dbt 0.29 wrote it.
CONSTRAINT_FAILURE = """The dbt CLI process with command

`/work/main/.venv/bin/ringledger-dbt build --exclude-resource-type unit_test --select fqn:*`

failed with exit code `1`. Check the stdout in the Dagster compute logs for the full information \
about the error, or view the dbt debug log: /work/dbt_project/target/ringledger_dbt-fcd9a0b-a07a6da/dbt.log.

Errors parsed from dbt logs:

198 of 332 ERROR creating sql table model marts.dim_branch ............ [\x1b[31mERROR\x1b[0m in 0.13s]

\x1b[31mFailure in model dim_branch (models/marts/org/dim_branch.sql)\x1b[0m

  Runtime Error in model dim_branch (models/marts/org/dim_branch.sql)
  Constraint Error: NOT NULL constraint failed: dim_branch__dbt_tmp.site_id
"""


def test_a_failed_model_is_said_with_dbts_error():
    assert dbt_errors(CONSTRAINT_FAILURE) == [
        "Runtime Error in model dim_branch (models/marts/org/dim_branch.sql): "
        "Constraint Error: NOT NULL constraint failed: dim_branch__dbt_tmp.site_id"
    ]


def test_a_message_without_dbts_errors_has_none():
    assert dbt_errors(CONSTRAINT_FAILURE.split("Errors parsed")[0]) == []
