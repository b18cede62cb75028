"""Transform: the dbt project as Dagster assets, grouped by layer and domain; dbt tests are asset checks.

Nothing happens at import: ``dbt_project()`` prepares the project once per process (parsing it
only when its manifest is missing or older than its files) and ``ringledger_dbt()`` builds the
assets from that manifest when the definitions are loaded.
"""

import functools
import hashlib
import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from ingestion.config.settings import DBT_PROJECT_DIR, Settings
from ingestion.formats import FORMATS
from orchestration.processes import bound_program


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


def _ensure_manifest(project: DbtProject) -> None:
    """Parse the dbt project when its manifest is missing or older than the project's files.

    In full (``--no-partial-parse``): a partial parse from an older checkout's cache has been
    seen to miss a changed macro ('rebuild_scoped_tables' is undefined).
    """
    manifest = project.manifest_path
    if manifest.exists() and manifest.stat().st_mtime >= _newest_project_file():
        return
    command = [dbt_executable(), "parse", "--quiet", "--no-partial-parse"]
    folders = ["--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
    subprocess.run([*command, *folders], check=True)


@functools.cache
def dbt_project() -> DbtProject:
    """The dbt project with a current manifest (prepared once per process)."""
    project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
    _ensure_manifest(project)
    return project


KEEP_RUN_TARGETS = 5
KEEP_SAVED_PARSES = 10
PARTIAL_PARSE_FILE = "partial_parse.msgpack"


def prune_run_targets(target: Path | None = None, keep: int = KEEP_RUN_TARGETS) -> list[Path]:
    """Remove all but the newest ``keep`` per-run folders of the dbt target; return what went.

    dagster-dbt gives every dbt invocation a target folder of its own (``target/<op>-<run>-<hash>``,
    about 20 MB: manifest, compiled SQL, logs) and never removes one: a sensor-driven pipeline
    would fill the disk. Called before each invocation; one writer at a time (the warehouse lock),
    so no folder still in use is ever among the older ones.
    """
    if target is None:
        target = _project_target()
    runs = sorted((d for d in target.glob("*") if d.is_dir()), key=lambda d: d.stat().st_mtime, reverse=True)
    for old in runs[keep:]:
        shutil.rmtree(old, ignore_errors=True)
    return runs[keep:]


def _project_target() -> Path:
    return Path(dbt_project().project_dir) / dbt_project().target_path


def saved_parse(warehouse: Path, target: Path | None = None) -> Path:
    """Where the last parse of dbt runs against ``warehouse`` is kept (one file per warehouse)."""
    key = hashlib.sha256(str(warehouse.resolve()).encode()).hexdigest()[:16]
    return (target or _project_target()) / f"partial_parse-{key}.msgpack"


def seed_partial_parse(run_target: Path, warehouse: Path, target: Path | None = None) -> bool:
    """Start a run's folder from the last parse against the same warehouse; True if there was one.

    dbt parses in full when the profile's connection differs from the saved parse's, and the
    warehouse path is part of it: dagster-dbt's own seed, ``target/partial_parse.msgpack``, is
    ``dbt parse``'s, so every run in any other home parsed the whole project again (14 s a run).
    dagster-dbt seeds a run's folder only where it has no parse yet, so this one counts. A parse
    older than a project file is not used (as for the manifest: ``_ensure_manifest``).
    """
    saved = saved_parse(warehouse, target)
    if not saved.is_file() or saved.stat().st_mtime < _newest_project_file():
        return False
    run_target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(saved, run_target / PARTIAL_PARSE_FILE)
    return True


def keep_partial_parse(run_target: Path, warehouse: Path, target: Path | None = None) -> bool:
    """Keep a finished run's parse for the next run against the same warehouse; True if kept.

    Replaced atomically (homes may run at once); only the newest KEEP_SAVED_PARSES are kept.
    """
    parsed, saved = run_target / PARTIAL_PARSE_FILE, saved_parse(warehouse, target)
    if not parsed.is_file():
        return False
    staged = saved.with_name(f".{saved.name}.{os.getpid()}")
    shutil.copyfile(parsed, staged)
    os.replace(staged, saved)
    kept = sorted(saved.parent.glob("partial_parse-*.msgpack"), key=lambda f: f.stat().st_mtime, reverse=True)
    for old in kept[KEEP_SAVED_PARSES:]:
        old.unlink(missing_ok=True)
    return True


def run_target_of(context: dg.AssetExecutionContext) -> Path:
    """A new folder of the dbt target for one invocation, named as dagster-dbt names its own."""
    return _project_target() / f"{context.op.name}-{context.run_id[:7]}-{uuid.uuid4().hex[:7]}"


def build_arguments() -> list[str]:
    """``dbt build`` of models, snapshots, seeds and data tests.

    dbt's unit tests check the models' logic on hand-made rows, not the data: they run in
    development and CI (``tests/dbt_project/test_dbt_unit_tests.py``), not in every pipeline run, as dbt
    recommends. ``RINGLEDGER_DBT_UNIT_TESTS=1`` runs them in the pipeline too.
    """
    if os.environ.get("RINGLEDGER_DBT_UNIT_TESTS", "").lower() in {"1", "true", "yes"}:
        return ["build"]
    return ["build", "--exclude-resource-type", "unit_test"]


def group_of(fqn: list[str], resource_type: str) -> str:
    """The Dagster group of a dbt node: its layer and domain, from its folder.

    ``models/marts/calls/fct_calls.sql`` -> ``marts_calls``; the staging models of all PBX formats
    share ``staging_pbx``; a model directly under its layer is in the layer's ``calls`` domain;
    snapshots and seeds are groups of their own.
    """
    if resource_type in ("snapshot", "seed"):
        return f"{resource_type}s"
    folders = fqn[1:-1]  # fqn: project, folders..., name
    layer = folders[0] if folders else "models"
    domain = folders[1] if len(folders) > 1 else "calls"
    if layer == "staging" and domain in FORMATS:
        domain = "pbx"
    return f"{layer}_{domain}"


class LayeredTranslator(DagsterDbtTranslator):
    """dagster-dbt's default keys and descriptions; groups by layer and domain."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return group_of(list(dbt_resource_props["fqn"]), dbt_resource_props["resource_type"])


@functools.cache
def ringledger_dbt() -> dg.AssetsDefinition:
    """Every dbt model, snapshot and seed as one multi-asset run by ``dbt build``."""
    project = dbt_project()

    @dbt_assets(
        manifest=project.manifest_path,
        project=project,
        name="ringledger_dbt",
        dagster_dbt_translator=LayeredTranslator(),
    )
    def build(context: dg.AssetExecutionContext, dbt: DbtCliResource) -> Iterator[Any]:
        prune_run_targets()
        warehouse, run_target = Settings.from_env().warehouse_path, run_target_of(context)
        seed_partial_parse(run_target, warehouse)
        try:
            yield from dbt.cli(build_arguments(), context=context, target_path=run_target).stream()
        finally:
            keep_partial_parse(run_target, warehouse)

    return build


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(project_dir=dbt_project(), dbt_executable=dbt_executable())


def definitions() -> dg.Definitions:
    return dg.Definitions(assets=[ringledger_dbt()])
