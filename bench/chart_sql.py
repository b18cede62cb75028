"""The SQL behind each dashboard chart, derived from the chart and dataset YAML in ``superset_assets/``.

A small, deliberate translation of what Superset 6.1 issues for these chart
types against DuckDB: saved metrics and calculated columns by their
expressions, the x-axis with its time grain (DuckDB engine spec:
``DATE_TRUNC('<grain>', col)``), group-by columns, simple and SQL ad-hoc
filters, ordering by the first metric where the chart sorts, and the row
limit. Approximated: a time range other than "No filter" is refused rather
than guessed; Superset's series-limit subquery and its post-processing
(pivots, totals) are not issued (they are pandas work, not SQL).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from ingestion.config.settings import SUPERSET_ASSETS_DIR

TIME_GRAINS = {
    "PT1S": "second", "PT1M": "minute", "PT1H": "hour", "P1D": "day",
    "P1W": "week", "P1M": "month", "P3M": "quarter", "P1Y": "year",
}  # fmt: skip
OPERATORS = {"==": "=", "!=": "<>", **{op: op for op in (">", "<", ">=", "<=", "LIKE", "ILIKE")}}
NO_FILTER = {None, "", "No filter"}


@dataclass(frozen=True)
class ChartQuery:
    """One chart and the SQL it runs."""

    name: str
    viz_type: str
    sql: str


@dataclass(frozen=True)
class Dataset:
    table: str
    metrics: dict[str, str]
    columns: dict[str, str | None]


def _literal(value: object) -> str:
    if isinstance(value, bool) or value is None:
        return {True: "TRUE", False: "FALSE", None: "NULL"}[value]
    if isinstance(value, int | float):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def load_datasets(assets_dir: Path) -> dict[str, Dataset]:
    datasets = {}
    for path in (assets_dir / "datasets").rglob("*.yaml"):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        datasets[raw["uuid"]] = Dataset(
            table=f'"{raw.get("schema") or "main"}"."{raw["table_name"]}"',
            metrics={m["metric_name"]: m["expression"] for m in raw.get("metrics", [])},
            columns={c["column_name"]: c.get("expression") for c in raw.get("columns", [])},
        )
    return datasets


def _column(dataset: Dataset, name: str) -> str:
    if name not in dataset.columns:
        raise ValueError(f"column {name!r} is not in dataset {dataset.table}")
    return dataset.columns[name] or f'"{name}"'


def _metric(dataset: Dataset, metric: str | dict) -> tuple[str, str]:
    """(SQL expression, label) of a saved or ad-hoc metric."""
    if isinstance(metric, str):
        return dataset.metrics[metric], metric
    label = metric.get("label") or "metric"
    if metric["expressionType"] == "SQL":
        return metric["sqlExpression"], label
    return f"{metric['aggregate']}({_column(dataset, metric['column']['column_name'])})", label


def _filter(dataset: Dataset, adhoc: dict) -> str | None:
    if adhoc["expressionType"] == "SQL":
        return adhoc["sqlExpression"]
    column, operator, value = _column(dataset, adhoc["subject"]), adhoc["operator"], adhoc.get("comparator")
    if operator == "TEMPORAL_RANGE":
        if value in NO_FILTER:
            return None
        raise NotImplementedError(f"time range {value!r}: only 'No filter' is translated")
    if operator in ("IS NULL", "IS NOT NULL"):
        return f"{column} {operator}"
    if operator in ("IN", "NOT IN"):
        assert value is not None, adhoc
        return f"{column} {operator} ({', '.join(_literal(v) for v in value)})"
    return f"{column} {OPERATORS[operator]} {_literal(value)}"


def _dimensions(dataset: Dataset, params: dict) -> list[tuple[str, str]]:
    """(expression, label) of the x-axis (with its time grain) and group-by columns."""
    dimensions = []
    if params.get("x_axis"):
        name = params["x_axis"]
        expression = _column(dataset, name)
        grain = TIME_GRAINS.get(params.get("time_grain_sqla") or "")
        dimensions.append((f"DATE_TRUNC('{grain}', {expression})" if grain else expression, name))
    dimensions += [(_column(dataset, name), name) for name in params.get("groupby") or []]
    return dimensions


def chart_sql(dataset: Dataset, params: dict) -> str:
    """The SELECT a chart with these saved params runs on its dataset."""
    if params.get("time_range") not in NO_FILTER:
        raise NotImplementedError(f"time range {params['time_range']!r}: only 'No filter' is translated")
    metrics = [_metric(dataset, m) for m in (params.get("metrics") or [params["metric"]])]
    dimensions = _dimensions(dataset, params)
    filters = [f for f in (_filter(dataset, a) for a in params.get("adhoc_filters") or []) if f]
    select = ", ".join(f'{expression} AS "{label}"' for expression, label in [*dimensions, *metrics])
    sql = f"SELECT {select} FROM {dataset.table}"
    if filters:
        sql += " WHERE " + " AND ".join(f"({f})" for f in filters)
    if dimensions:
        sql += " GROUP BY " + ", ".join(expression for expression, _ in dimensions)
        sort_metric = params.get("timeseries_limit_metric") or metrics[0][1]
        if params.get("sort_by_metric") or params.get("order_desc") or params.get("timeseries_limit_metric"):
            expression = _metric(dataset, sort_metric)[0] if sort_metric != metrics[0][1] else metrics[0][0]
            sql += f" ORDER BY {expression} DESC"
        sql += f" LIMIT {int(params.get('row_limit') or 10000)}"
    return sql


def dashboard_queries(assets_dir: Path = SUPERSET_ASSETS_DIR) -> list[ChartQuery]:
    """Every chart in ``charts/`` with its SQL, by chart name."""
    datasets = load_datasets(assets_dir)
    queries = []
    for path in sorted((assets_dir / "charts").glob("*.yaml")):
        chart = yaml.safe_load(path.read_text(encoding="utf-8"))
        sql = chart_sql(datasets[chart["dataset_uuid"]], chart["params"])
        queries.append(ChartQuery(name=chart["slice_name"], viz_type=chart["viz_type"], sql=sql))
    return queries
