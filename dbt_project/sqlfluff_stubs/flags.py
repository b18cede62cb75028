"""dbt's ``flags`` of a plain ``dbt build`` for sqlfluff (dbt_project/.sqlfluff)."""

FULL_REFRESH = False
