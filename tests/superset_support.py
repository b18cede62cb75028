"""Helpers for tests that run a real Superset through scripts/superset.sh in a temporary home."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

import requests

from ingestion.config.settings import REPO_ROOT

SCRIPT = REPO_ROOT / "scripts" / "superset.sh"
SUPERSET_PYTHON = REPO_ROOT / ".venv-superset" / "bin" / "python"
HTTP_TIMEOUT = 120
# Given by the person running the tests, they would replace the generated secrets under test.
SECRET_VARIABLES = ("SUPERSET_SECRET_KEY", "SUPERSET_ADMIN_PASSWORD")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def superset_env(home: Path, port: int, published_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of scripts/superset.sh for a server of its own; no secrets unless in ``extra``."""
    env = {k: v for k, v in os.environ.items() if k not in SECRET_VARIABLES}
    return {
        **env,
        "SUPERSET_HOME": str(home),
        "SUPERSET_PORT": str(port),
        "RINGLEDGER_PUBLISHED": str(published_dir),
        "SUPERSET_ADMIN_USER": "admin",
        **extra,
    }


def run_script(command: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), command], env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=900
    )


def script(command: str, env: dict[str, str]) -> float:
    """Run ``scripts/superset.sh COMMAND``; fail with its output unless it succeeds; return its seconds."""
    started = time.monotonic()
    done = run_script(command, env)
    if done.returncode != 0:
        raise AssertionError(
            f"scripts/superset.sh {command} failed ({done.returncode}):\n"
            f"{done.stdout[-3000:]}\n{done.stderr[-6000:]}"
        )
    return time.monotonic() - started


def generated_login(home: Path) -> tuple[str, str]:
    """The admin login that setup generated in ``home``."""
    return "admin", (home / "admin_password").read_text(encoding="utf-8").strip()


def api_login(url: str, username: str, password: str) -> requests.Response:
    return requests.post(
        f"{url}/api/v1/security/login",
        json={"username": username, "password": password, "provider": "db", "refresh": False},
        timeout=HTTP_TIMEOUT,
    )
