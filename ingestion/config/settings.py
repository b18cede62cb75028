"""Where Ringledger keeps its files, from environment variables with local defaults.

Everything a run writes lives under one home folder (``RINGLEDGER_HOME``,
default ``./var``); each path can be overridden on its own so tests can point
a run at a temporary folder. Derived data that depends only on installed packages (the
number plan tables, ``RINGLEDGER_CACHE``) is kept once per user in the XDG cache instead.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
SUPERSET_ASSETS_DIR = REPO_ROOT / "superset_assets"


def duckdb_memory_limit() -> str:
    """DuckDB's memory cap for every connection that writes a large file (the raw load, dbt's
    profile, the publish): ``RINGLEDGER_DBT_MEMORY_LIMIT``, 3.5GB unless set. With it the whole
    pipeline (2 dbt threads) peaked at 4.6 GB at 10 M calls; with 4GB at 5.1 GB.

    Without it DuckDB keeps up to 80 % of RAM as buffer pool: the 10 M-call raw load peaked at
    6.4 GB, a full publish at 5.6 GB.
    """
    return os.environ.get("RINGLEDGER_DBT_MEMORY_LIMIT", "3.5GB")


def _path(env: dict[str, str], name: str, default: Path) -> Path:
    value = env.get(name)
    return Path(value).resolve() if value else default


def _user_cache(env: dict[str, str]) -> Path:
    """The XDG cache folder (``~/.cache`` unless ``XDG_CACHE_HOME`` says otherwise)."""
    return Path(env["XDG_CACHE_HOME"]) if env.get("XDG_CACHE_HOME") else Path.home() / ".cache"


@dataclass(frozen=True)
class Settings:
    """Resolved locations of one Ringledger installation."""

    home: Path
    input_dir: Path
    landing_dir: Path
    warehouse_path: Path
    published_dir: Path
    spool_dir: Path  # stream collectors' spools and every collector's status file
    cache_dir: Path  # derived data shared by every home of this user (the number plan tables)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        home = _path(env, "RINGLEDGER_HOME", REPO_ROOT / "var")
        return cls(
            home=home,
            input_dir=_path(env, "RINGLEDGER_INPUT", home / "demo"),
            landing_dir=_path(env, "RINGLEDGER_LANDING", home / "landing"),
            warehouse_path=_path(env, "RINGLEDGER_WAREHOUSE", home / "warehouse" / "ringledger.duckdb"),
            published_dir=_path(env, "RINGLEDGER_PUBLISHED", home / "published"),
            spool_dir=_path(env, "RINGLEDGER_SPOOL", home / "spool"),
            cache_dir=_path(env, "RINGLEDGER_CACHE", _user_cache(env) / "ringledger"),
        )

    def as_env(self) -> dict[str, str]:
        """The environment variables that reproduce these settings in a child process."""
        return {
            "RINGLEDGER_HOME": str(self.home),
            "RINGLEDGER_INPUT": str(self.input_dir),
            "RINGLEDGER_LANDING": str(self.landing_dir),
            "RINGLEDGER_WAREHOUSE": str(self.warehouse_path),
            "RINGLEDGER_PUBLISHED": str(self.published_dir),
            "RINGLEDGER_SPOOL": str(self.spool_dir),
            "RINGLEDGER_CACHE": str(self.cache_dir),
        }
