"""Superset's own SQL for every dashboard chart (``--superset-sql``), from a temporary server.

Starts Superset with ``scripts/superset.sh`` on a free port and a throw-away
``SUPERSET_HOME`` over the published copy, asks ``/api/v1/chart/data`` for each
chart's query with ``result_type: query`` and stops the server. The query
object is built from the chart's saved form data the way the frontend's
``buildQuery`` does for these chart types (x-axis with its time grain, group-by,
metrics, simple filters, sort by the first metric, row limit).
"""

from __future__ import annotations

import os
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

from ingestion.config.settings import REPO_ROOT

SCRIPT = REPO_ROOT / "scripts" / "superset.sh"
DASHBOARD_SLUG = "calls-overview"
ADMIN = ("bench", "bench-password")
TIMEOUT = 120


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def temporary_superset(published_dir: Path) -> Iterator[str]:
    """A Superset serving ``published_dir`` on 127.0.0.1; yields its URL."""
    with tempfile.TemporaryDirectory(prefix="bench-superset-") as home:
        port = _free_port()
        env = {**os.environ, "SUPERSET_HOME": home, "SUPERSET_PORT": str(port),
               "RINGLEDGER_PUBLISHED": str(published_dir),
               "SUPERSET_ADMIN_USER": ADMIN[0], "SUPERSET_ADMIN_PASSWORD": ADMIN[1]}  # fmt: skip
        try:
            for command in ("setup", "start"):
                subprocess.run([str(SCRIPT), command], env=env, cwd=REPO_ROOT, check=True,
                               capture_output=True, timeout=900)  # fmt: skip
            yield f"http://127.0.0.1:{port}"
        finally:
            subprocess.run([str(SCRIPT), "stop"], env=env, cwd=REPO_ROOT, capture_output=True, timeout=120)


def _session(url: str) -> requests.Session:
    session = requests.Session()
    login = session.post(f"{url}/api/v1/security/login", timeout=TIMEOUT,
                         json={"username": ADMIN[0], "password": ADMIN[1], "provider": "db"})  # fmt: skip
    login.raise_for_status()
    session.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
    session.headers["Referer"] = url
    return session


def _x_axis(form_data: dict) -> list[dict]:
    if not form_data.get("x_axis"):
        return []
    name = form_data["x_axis"]
    column = {"label": name, "sqlExpression": name, "columnType": "BASE_AXIS", "expressionType": "SQL"}
    if form_data.get("time_grain_sqla"):
        column["timeGrain"] = form_data["time_grain_sqla"]
    return [column]


def query_context(form_data: dict) -> dict:
    """The chart-data request for a chart's saved form data, asking for its SQL only."""
    metrics = form_data.get("metrics") or [form_data["metric"]]
    sorts = (
        form_data.get("sort_by_metric")
        or form_data.get("order_desc")
        or form_data.get("timeseries_limit_metric")
    )
    datasource_id, datasource_type = form_data["datasource"].split("__")
    query = {
        "columns": _x_axis(form_data) + list(form_data.get("groupby") or []),
        "metrics": metrics,
        "filters": [{"col": f["subject"], "op": f["operator"], "val": f["comparator"]}
                    for f in form_data.get("adhoc_filters") or [] if f["expressionType"] == "SIMPLE"],
        "orderby": [[form_data.get("timeseries_limit_metric") or metrics[0], False]] if sorts else [],
        "row_limit": form_data.get("row_limit") or 10000,
        "time_range": form_data.get("time_range") or "No filter",
    }  # fmt: skip
    return {
        "datasource": {"id": int(datasource_id), "type": datasource_type},
        "form_data": form_data,
        "queries": [query],
        "result_format": "json",
        "result_type": "query",
    }


def chart_sql_from_superset(published_dir: Path) -> dict[str, str]:
    """Each dashboard chart's name mapped to the SQL Superset issues for it."""
    with temporary_superset(published_dir) as url:
        session = _session(url)
        charts = session.get(f"{url}/api/v1/dashboard/{DASHBOARD_SLUG}/charts", timeout=TIMEOUT)
        charts.raise_for_status()
        sql = {}
        for chart in charts.json()["result"]:
            response = session.post(f"{url}/api/v1/chart/data", json=query_context(chart["form_data"]),
                                    timeout=TIMEOUT)  # fmt: skip
            response.raise_for_status()
            sql[chart["slice_name"]] = response.json()["result"][0]["query"]
    return sql
