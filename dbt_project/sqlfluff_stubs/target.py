"""dbt's ``target`` (profiles.yml, target local) for sqlfluff (dbt_project/.sqlfluff)."""

database = "ringledger"
schema = "main"
