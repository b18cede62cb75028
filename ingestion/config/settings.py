"""Where Ringledger keeps its files, from environment variables with local defaults.

Everything a run writes lives under one home folder (``RINGLEDGER_HOME``,
default ``./var``); each path can be overridden on its own so tests can point
a run at a temporary folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
SUPERSET_ASSETS_DIR = REPO_ROOT / "superset_assets"


def _path(env: dict[str, str], name: str, default: Path) -> Path:
    value = env.get(name)
    return Path(value).resolve() if value else default


@dataclass(frozen=True)
class Settings:
    """Resolved locations of one Ringledger installation."""

    home: Path
    input_dir: Path
    landing_dir: Path
    warehouse_path: Path
    published_dir: Path
    spool_dir: Path  # stream collectors' spools and every collector's status file

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
        }
