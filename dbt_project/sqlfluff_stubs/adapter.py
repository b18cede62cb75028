"""dbt's ``adapter`` as sqlfluff sees it when linting (dbt_project/.sqlfluff): no database behind it.

``adapter.dispatch('name')`` picks the project's ``duckdb__name`` macro, else ``default__name``, as
dbt does on DuckDB; relations have no columns (the lint context has ``execute`` false).
"""

from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context


@pass_context
def dispatch(context: Context, macro_name: str, macro_namespace: str | None = None) -> Any:
    for prefix in ("duckdb__", "default__"):
        macro = context.get(prefix + macro_name)
        if macro is not None:
            return macro
    raise LookupError(f"no duckdb__{macro_name} or default__{macro_name} macro to dispatch to")


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def get_relation(
    database: str | None = None, schema: str | None = None, identifier: str | None = None
) -> None:
    return None


def get_columns_in_relation(relation: object) -> list[Any]:
    return []
