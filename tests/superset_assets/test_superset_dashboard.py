"""Superset serves the published warehouse: the dashboard renders in a real browser,
its numbers equal DuckDB's on the published file, a new publish is seen at once,
and SQL Lab cannot reach host files.

One real Superset (scripts/superset.sh setup + start, temporary SUPERSET_HOME,
free port, the secret key and admin password that setup generates) serves a
private copy of the published demo warehouse for the whole session, so the
publish-switch test can move CURRENT freely.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import pytest
import requests
import yaml

from ingestion.config.settings import REPO_ROOT, SUPERSET_ASSETS_DIR, Settings
from tests.superset_support import (
    HTTP_TIMEOUT,
    SCRIPT,
    api_login,
    free_port,
    generated_login,
    script,
    superset_env,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DASHBOARD_SLUG = "calls-overview"
CHROMIUM = os.environ.get("RINGLEDGER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


# --- the server ---------------------------------------------------------------


@dataclass(frozen=True)
class SupersetServer:
    url: str
    published_dir: Path  # the server's own copy: CURRENT + DuckDB file
    published_file: Path  # the file CURRENT named at start
    login: tuple[str, str]  # the admin and the password setup generated
    setup_seconds: float
    start_seconds: float


def _copy_publication(source: Settings, target: Path) -> Path:
    name = (source.published_dir / "CURRENT").read_text(encoding="utf-8").strip()
    shutil.copy2(source.published_dir / name, target / name)
    (target / "CURRENT").write_text(name + "\n", encoding="utf-8")
    return target / name


@pytest.fixture(scope="session")
def superset_server(
    published_demo: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SupersetServer]:
    home = tmp_path_factory.mktemp("superset-home")
    published_dir = tmp_path_factory.mktemp("superset-published")
    published_file = _copy_publication(published_demo, published_dir)
    port = free_port()
    env = superset_env(home, port, published_dir)
    try:
        setup_seconds = script("setup", env)
        start_seconds = script("start", env)
        print(f"\nsuperset setup {setup_seconds:.0f}s, start {start_seconds:.0f}s, port {port}")
        yield SupersetServer(
            url=f"http://127.0.0.1:{port}",
            published_dir=published_dir,
            published_file=published_file,
            login=generated_login(home),
            setup_seconds=setup_seconds,
            start_seconds=start_seconds,
        )
    finally:
        subprocess.run([str(SCRIPT), "stop"], env=env, cwd=REPO_ROOT, timeout=120, check=False)


# --- the assets as committed ----------------------------------------------------


def _dashboard_yaml() -> dict:
    return yaml.safe_load((SUPERSET_ASSETS_DIR / "dashboards" / "calls_overview.yaml").read_text())


def _dashboard_chart_names() -> list[str]:
    position = _dashboard_yaml()["position"]
    return [
        node["meta"]["sliceName"]
        for node in position.values()
        if isinstance(node, dict) and node.get("type") == "CHART"
    ]


def test_every_dashboard_chart_is_a_committed_chart_file() -> None:
    charts = {
        c["uuid"]: c
        for c in (yaml.safe_load(p.read_text()) for p in (SUPERSET_ASSETS_DIR / "charts").glob("*.yaml"))
    }
    position = _dashboard_yaml()["position"]
    placed = [n["meta"] for n in position.values() if isinstance(n, dict) and n.get("type") == "CHART"]
    assert placed, "the dashboard places no charts"
    for meta in placed:
        assert meta["uuid"] in charts, f"position_json names chart {meta['uuid']} with no file in charts/"
        assert charts[meta["uuid"]]["slice_name"] == meta["sliceName"]
    assert len(placed) == len(charts), "every chart file should be on the dashboard"


# --- REST API helpers ---------------------------------------------------------------


def _api_session(server: SupersetServer) -> requests.Session:
    session = requests.Session()
    login = api_login(server.url, *server.login)
    login.raise_for_status()
    session.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
    csrf = session.get(f"{server.url}/api/v1/security/csrf_token/", timeout=HTTP_TIMEOUT)
    csrf.raise_for_status()
    session.headers["X-CSRFToken"] = csrf.json()["result"]
    session.headers["Referer"] = server.url
    return session


@pytest.fixture(scope="module")
def api(superset_server: SupersetServer) -> requests.Session:
    return _api_session(superset_server)


def _dashboard_charts(server: SupersetServer, api: requests.Session) -> dict[str, dict]:
    response = api.get(f"{server.url}/api/v1/dashboard/{DASHBOARD_SLUG}/charts", timeout=HTTP_TIMEOUT)
    response.raise_for_status()
    return {chart["slice_name"]: chart for chart in response.json()["result"]}


def _database_id(server: SupersetServer, api: requests.Session) -> int:
    response = api.get(f"{server.url}/api/v1/dashboard/{DASHBOARD_SLUG}/datasets", timeout=HTTP_TIMEOUT)
    response.raise_for_status()
    (database_id,) = {dataset["database"]["id"] for dataset in response.json()["result"]}
    return database_id


def _query_context(form_data: dict) -> dict:
    """The chart's query as the /api/v1/chart/data endpoint takes it, from its saved form data."""
    columns = ([form_data["x_axis"]] if form_data.get("x_axis") else []) + form_data.get("groupby", [])
    metrics = form_data.get("metrics") or [form_data["metric"]]
    filters = [
        {"col": f["subject"], "op": f["operator"], "val": f["comparator"]}
        for f in form_data.get("adhoc_filters", [])
        if f["expressionType"] == "SIMPLE" and f["operator"] != "TEMPORAL_RANGE"
    ]
    datasource_id, datasource_type = form_data["datasource"].split("__")
    return {
        "datasource": {"id": int(datasource_id), "type": datasource_type},
        "form_data": form_data,
        "queries": [{"columns": columns, "metrics": metrics, "filters": filters, "row_limit": 10000}],
        "result_format": "json",
        "result_type": "full",
    }


def _chart_rows(server: SupersetServer, api: requests.Session, form_data: dict) -> list[dict]:
    response = api.post(
        f"{server.url}/api/v1/chart/data", json=_query_context(form_data), timeout=HTTP_TIMEOUT
    )
    assert response.status_code == 200, response.text[:2000]
    (result,) = response.json()["result"]
    assert result["status"] == "success", result.get("error")
    return result["data"]


def _sql_lab(server: SupersetServer, api: requests.Session, sql: str) -> requests.Response:
    return api.post(
        f"{server.url}/api/v1/sqllab/execute/",
        json={"database_id": _database_id(server, api), "sql": sql, "runAsync": False, "schema": "main"},
        timeout=HTTP_TIMEOUT,
    )


# --- chart numbers against DuckDB ---------------------------------------------------

# Each dashboard chart's numbers, written independently of the Superset assets.
EXPECTED_SQL = {
    "Calls by disposition": "SELECT disposition, count(*) FROM fct_calls GROUP BY ALL",
    "Total cost (EUR)": "SELECT coalesce(sum(cost), 0) FROM fct_calls WHERE currency = 'EUR'",
    "Answered share": "SELECT avg(CASE WHEN disposition = 'answered' THEN 1 ELSE 0 END) FROM fct_calls",
    "Talk minutes by site": (
        "SELECT site_id, coalesce(sum(talk_seconds), 0) / 60, count(*) FROM fct_calls GROUP BY ALL"
    ),
    "Calls by hour of day": "SELECT hour(started_at_local), count(*) FROM fct_calls GROUP BY ALL",
    "Calls per day by direction": ("SELECT call_date_local, direction, count(*) FROM fct_calls GROUP BY ALL"),
}


def _normalise(value: object) -> object:
    if isinstance(value, datetime | date):
        moment = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
        return int((moment - datetime(1970, 1, 1)).total_seconds() * 1000)  # Superset sends epoch ms
    if isinstance(value, Decimal | float | int) and not isinstance(value, bool):
        return round(float(value), 4)
    return value


def _duckdb_rows(published_file: Path, sql: str) -> set[tuple]:
    with duckdb.connect(str(published_file), read_only=True) as con:
        return {tuple(_normalise(v) for v in row) for row in con.execute(sql).fetchall()}


@pytest.mark.parametrize("chart_name", sorted(EXPECTED_SQL))
def test_chart_numbers_equal_duckdb_on_the_published_file(
    superset_server: SupersetServer, published_demo: Settings, api: requests.Session, chart_name: str
) -> None:
    charts = _dashboard_charts(superset_server, api)
    assert chart_name in charts, f"dashboard has no chart {chart_name!r}; it has {sorted(charts)}"
    rows = _chart_rows(superset_server, api, charts[chart_name]["form_data"])
    assert rows, f"{chart_name}: Superset returned no rows"
    served = {tuple(_normalise(v) for v in row.values()) for row in rows}
    # Compare with the pipeline's own published file, not the server's copy.
    original = published_demo.published_dir / (published_demo.published_dir / "CURRENT").read_text().strip()
    expected = _duckdb_rows(original, EXPECTED_SQL[chart_name])
    assert served == expected
    if chart_name == "Total cost (EUR)":
        (total,) = next(iter(served))
        assert total > 0, "the demo should have rated calls in euros"


# --- the serving connection ---------------------------------------------------------


def test_sql_lab_runs_queries_on_the_published_warehouse(
    superset_server: SupersetServer, api: requests.Session
) -> None:
    response = _sql_lab(superset_server, api, "SELECT count(*) AS n FROM fct_calls")
    assert response.status_code == 200, response.text[:2000]
    expected = _duckdb_rows(superset_server.published_file, "SELECT count(*) FROM fct_calls")
    assert {(row["n"],) for row in response.json()["data"]} == expected


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM read_text('/etc/hostname')",
        "SET enable_external_access = true",
        "ATTACH '{tmp}/attack.duckdb' AS attack",
        "COPY (SELECT 1) TO '{tmp}/attack.csv'",
    ],
)
def test_sql_lab_cannot_reach_host_files(
    superset_server: SupersetServer, api: requests.Session, sql: str, tmp_path: Path
) -> None:
    response = _sql_lab(superset_server, api, sql.format(tmp=tmp_path))
    assert response.status_code != 200, f"SQL Lab ran {sql!r}: {response.text[:1000]}"
    message = str(response.json().get("errors") or response.json())
    assert re.search(r"Permission Error|locked|disabled", message, re.I), message
    assert list(tmp_path.iterdir()) == []


def _point_current_at(published_dir: Path, name: str) -> None:
    partial = published_dir / "CURRENT.partial"
    partial.write_text(name + "\n", encoding="utf-8")
    os.replace(partial, published_dir / "CURRENT")


def test_a_new_publish_is_seen_by_the_next_query(
    superset_server: SupersetServer, api: requests.Session
) -> None:
    published_dir = superset_server.published_dir
    newer = published_dir / "ringledger-test-newer.duckdb"
    with duckdb.connect(str(newer)) as con:
        con.execute(f"ATTACH '{superset_server.published_file}' AS src (READ_ONLY)")
        con.execute(
            "CREATE TABLE main.fct_calls AS SELECT * FROM src.main.fct_calls ORDER BY call_id LIMIT 7"
        )
    charts = _dashboard_charts(superset_server, api)
    form_data = charts["Calls by disposition"]["form_data"]
    before = sum(row["calls"] for row in _chart_rows(superset_server, api, form_data))
    assert before > 7
    try:
        _point_current_at(published_dir, newer.name)
        assert sum(row["calls"] for row in _chart_rows(superset_server, api, form_data)) == 7
        response = _sql_lab(superset_server, api, "SELECT count(*) AS n FROM fct_calls")
        assert response.json()["data"] == [{"n": 7}]
    finally:
        _point_current_at(published_dir, superset_server.published_file.name)
    assert sum(row["calls"] for row in _chart_rows(superset_server, api, form_data)) == before


# --- the dashboard in a real browser ------------------------------------------------

ALL_CHARTS_SETTLED = """
(expected) => {
  const charts = [...document.querySelectorAll('[data-test="chart-grid-component"]')];
  if (charts.length < expected) return false;
  return charts.every((chart) =>
    !chart.querySelector('[data-test="loading-indicator"], .loading') &&
    chart.querySelector(
      '[data-test="chart-container"] canvas, [data-test="chart-container"] table tbody tr,' +
      ' .header-line, .ant-alert, .ant-empty, [role="alert"], [data-test="chart-error"]'));
}
"""


LOGIN_ATTEMPTS = 3


def _browser_login(page, server: SupersetServer) -> None:  # noqa: ANN001 - Playwright Page
    """Sign in through the form until the browser's session is one the API accepts.

    On a loaded machine the React form can render again after the fields were filled, and a
    sign-in with the values lost leaves the browser anonymous: the dashboard then shows the
    login page. So the filled values are checked before the click, and the session after it.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
    from playwright.sync_api import expect

    for _ in range(LOGIN_ATTEMPTS):
        page.goto(f"{server.url}/login/")
        page.wait_for_load_state("networkidle", timeout=HTTP_TIMEOUT * 1000)
        for selector, value in (("username-input", server.login[0]), ("password-input", server.login[1])):
            field = page.locator(f"[data-test={selector}]")
            field.fill(value)
            expect(field).to_have_value(value)
        page.locator("[data-test=login-button]").click()
        signed_in = lambda url: urlsplit(url).path.startswith("/superset/welcome")  # noqa: E731
        try:
            page.wait_for_url(signed_in, timeout=HTTP_TIMEOUT * 1000)
        except PlaywrightTimeoutError:
            continue  # the click did not submit (the form rendered again): sign in once more
        if page.request.get(f"{server.url}/api/v1/me/").status == 200:
            return
    pytest.fail(f"not signed in after {LOGIN_ATTEMPTS} sign-ins as {server.login[0]}; the page is {page.url}")


def test_dashboard_renders_every_chart_with_data(superset_server: SupersetServer, tmp_path: Path) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
    from playwright.sync_api import sync_playwright

    expected_names = _dashboard_chart_names()
    truth = {
        "Total cost (EUR)": _duckdb_rows(
            superset_server.published_file,
            "SELECT coalesce(sum(cost), 0) FROM fct_calls WHERE currency = 'EUR'",
        ),
        "Answered share": _duckdb_rows(
            superset_server.published_file,
            "SELECT avg(CASE WHEN disposition = 'answered' THEN 1 ELSE 0 END) FROM fct_calls",
        ),
    }
    started = time.monotonic()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1300})
            data_responses = []
            page.on("response", lambda r: data_responses.append(r) if "/api/v1/chart/data" in r.url else None)
            _browser_login(page, superset_server)
            page.goto(f"{superset_server.url}/superset/dashboard/{DASHBOARD_SLUG}/")
            screenshot = tmp_path / "calls_overview.png"
            try:
                page.wait_for_function(
                    ALL_CHARTS_SETTLED, arg=len(expected_names), timeout=180_000, polling=500
                )
            except PlaywrightTimeoutError:
                page.screenshot(path=str(screenshot), full_page=True)
                states = page.eval_on_selector_all(
                    '[data-test="chart-grid-component"]', "els => els.map(e => e.innerText.slice(0, 300))"
                )
                pytest.fail(f"charts still not drawn after 180 s at {page.url} (see {screenshot}): {states}")
            page.wait_for_load_state("networkidle", timeout=60_000)
            page.screenshot(path=str(screenshot), full_page=True)
            print(f"\nscreenshot: {screenshot} (dashboard ready in {time.monotonic() - started:.0f}s)")

            charts = page.locator('[data-test="chart-grid-component"]')
            rendered = {
                charts.nth(i).get_attribute("data-test-chart-name"): charts.nth(i)
                for i in range(charts.count())
            }
            assert sorted(rendered) == sorted(expected_names)
            body = page.inner_text("body")
            assert "No results" not in body
            assert "error" not in body.lower(), body[:2000]
            for name, chart in rendered.items():
                assert chart.locator('.ant-alert, .ant-empty, [role="alert"]').count() == 0, name
                content = chart.locator(
                    '[data-test="chart-container"] canvas, [data-test="chart-container"] table tbody tr,'
                    " .header-line"
                )
                assert content.count() > 0, f"{name}: nothing drawn"

            assert len(data_responses) >= len(expected_names)
            for response in data_responses:
                assert response.status == 200, response.url
                for result in response.json()["result"]:
                    assert result["status"] == "success" and result["rowcount"] > 0, response.url

            shown_cost = rendered["Total cost (EUR)"].locator(".header-line").inner_text()
            (cost,) = next(iter(truth["Total cost (EUR)"]))
            assert f"{cost:,.2f}" in shown_cost and "€" in shown_cost, shown_cost
            shown_share = rendered["Answered share"].locator(".header-line").inner_text()
            (share,) = next(iter(truth["Answered share"]))
            assert shown_share.strip() == f"{share * 100:.1f}%", shown_share
            assert not math.isnan(share)
            table_rows = rendered["Talk minutes by site"].locator("table tbody tr")
            assert table_rows.count() == len(
                _duckdb_rows(superset_server.published_file, "SELECT DISTINCT site_id FROM fct_calls")
            )
        finally:
            browser.close()
