"""dbt's cross-database macros (``dbt.type_string()``, ``dbt.dateadd(...)``) as sqlfluff renders them.

Only for linting (dbt_project/.sqlfluff): each returns SQL of the shape dbt-duckdb writes, close
enough for sqlfluff to parse the model around it. dbt itself never reads this folder.
"""


def type_string() -> str:
    return "varchar"


def type_bigint() -> str:
    return "bigint"


def type_int() -> str:
    return "integer"


def type_numeric() -> str:
    return "decimal(28, 6)"


def type_float() -> str:
    return "double"


def type_timestamp() -> str:
    return "timestamp"


def type_boolean() -> str:
    return "boolean"


def current_timestamp() -> str:
    return "now()"


def safe_cast(field: str, type: str) -> str:  # dbt's argument names
    return f"try_cast({field} as {type})"


def dateadd(datepart: str, interval: object, from_date_or_timestamp: str) -> str:
    return f"({from_date_or_timestamp} + to_{datepart}s(cast({interval} as bigint)))"


def datediff(first_date: str, second_date: str, datepart: str) -> str:
    return f"date_diff('{datepart}', {first_date}, {second_date})"


def generate_series(upper_bound: object) -> str:
    return f"select generated_number from range(1, {upper_bound} + 1) as series (generated_number)"


def listagg(
    measure: str, delimiter_text: str = "','", order_by_clause: str | None = None, limit_num: object = None
) -> str:
    order_by = f" {order_by_clause}" if order_by_clause else ""
    return f"string_agg({measure}, {delimiter_text}{order_by})"


def concat(fields: list[str]) -> str:
    return " || ".join(fields)
