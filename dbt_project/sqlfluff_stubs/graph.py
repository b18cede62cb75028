"""dbt's ``graph`` for sqlfluff (dbt_project/.sqlfluff): empty, as while dbt parses (``execute`` false)."""

nodes: dict[str, object] = {}
sources: dict[str, object] = {}
