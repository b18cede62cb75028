"""dbt's ``api.Relation.create(...)`` as sqlfluff renders it when linting (dbt_project/.sqlfluff)."""


class _Relation:
    def __init__(self, database: str | None, schema: str | None, identifier: str | None) -> None:
        self.database, self.schema, self.identifier = database, schema, identifier

    def __str__(self) -> str:
        return ".".join(part for part in (self.database, self.schema, self.identifier) if part)


class Relation:
    @staticmethod
    def create(
        database: str | None = None, schema: str | None = None, identifier: str | None = None, **_: object
    ) -> _Relation:
        return _Relation(database, schema, identifier)
