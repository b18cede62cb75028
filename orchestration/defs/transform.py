"""Transform: the dbt project as Dagster assets; dbt tests surface as asset checks."""

import os
import subprocess

import dagster as dg
from dagster_dbt import DbtCliResource, DbtProject, dbt_assets

from ingestion.config.settings import DBT_PROJECT_DIR
from orchestration.processes import bound_program

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


def dbt_executable() -> str:
    """dbt through the ``ringledger-dbt`` wrapper, so that a killed pipeline takes its dbt with it.

    Without the wrapper installed: the dbt next to this interpreter (the pipeline's venv), else on PATH.
    """
    return bound_program("ringledger-dbt", "dbt")


def _newest_project_file() -> float:
    folders = ("models", "macros", "snapshots", "seeds", "tests")
    files = [DBT_PROJECT_DIR / "dbt_project.yml", DBT_PROJECT_DIR / "profiles.yml"]
    files += [f for folder in folders for f in (DBT_PROJECT_DIR / folder).rglob("*") if f.is_file()]
    return max(f.stat().st_mtime for f in files if f.exists())


def ensure_manifest() -> None:
    """Parse the dbt project when its manifest is missing or older than the project's files.

    In full (``--no-partial-parse``): a partial parse from an older checkout's cache has been
    seen to miss a changed macro ('rebuild_scoped_tables' is undefined).
    """
    manifest = dbt_project.manifest_path
    if manifest.exists() and manifest.stat().st_mtime >= _newest_project_file():
        return
    command = [
        dbt_executable(),
        "parse",
        "--quiet",
        "--no-partial-parse",
        "--project-dir",
        str(DBT_PROJECT_DIR),
    ]
    subprocess.run([*command, "--profiles-dir", str(DBT_PROJECT_DIR)], check=True)


ensure_manifest()


def build_arguments() -> list[str]:
    """``dbt build`` of models, snapshots, seeds and data tests.

    dbt's unit tests check the models' logic on hand-made rows, not the data: they run in
    development and CI (``tests/test_dbt_unit_tests.py``), not in every pipeline run, as dbt
    recommends. ``RINGLEDGER_DBT_UNIT_TESTS=1`` runs them in the pipeline too.
    """
    if os.environ.get("RINGLEDGER_DBT_UNIT_TESTS", "").lower() in {"1", "true", "yes"}:
        return ["build"]
    return ["build", "--exclude-resource-type", "unit_test"]


@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project, name="ringledger_dbt")
def ringledger_dbt(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    yield from dbt.cli(build_arguments(), context=context).stream()


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable())


defs = dg.Definitions(assets=[ringledger_dbt])
