"""Superset configuration for Ringledger (loaded through ``SUPERSET_CONFIG_PATH``).

Metadata lives in SQLite under ``$SUPERSET_HOME``. The warehouse is served
through an in-memory DuckDB database: every new DuckDB connection Superset
opens attaches the currently published warehouse file read-only (named in
``$RINGLEDGER_PUBLISHED/CURRENT``) and then locks itself down so that SQL Lab
cannot read host files. Superset opens a new connection per query, so each
query sees the latest publish and never the pipeline's writable file.

``SECRET_KEY`` signs session cookies: it comes from ``SUPERSET_SECRET_KEY`` or the file
``scripts/superset.sh setup`` writes (``$SUPERSET_HOME/secret_key``), and Superset refuses to start
without one, or with one that is publicly known or short.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.pool import Pool

REPO_ROOT = Path(__file__).resolve().parent.parent

SUPERSET_HOME = Path(os.environ.get("SUPERSET_HOME") or REPO_ROOT / "var" / "superset")
RINGLEDGER_HOME = Path(os.environ.get("RINGLEDGER_HOME") or REPO_ROOT / "var")
PUBLISHED_DIR = Path(os.environ.get("RINGLEDGER_PUBLISHED") or RINGLEDGER_HOME / "published")
# Catalog name the published file is attached under; datasets use schema "main".
PUBLISHED_ALIAS = "ringledger"

SQLALCHEMY_DATABASE_URI = f"sqlite:///{SUPERSET_HOME / 'superset.db'}"

# Keys printed in public code or documentation: a cookie signed with any of them is forged by anyone.
# Ringledger's own former fallback, Superset's code default, and the examples of Superset's docs,
# docker/.env and Helm chart (the keys that scans for CVE-2023-27524 try).
PUBLIC_SECRET_KEYS = frozenset(
    {
        "ringledger-local-demo-not-a-secret",
        "CHANGE_ME_TO_A_COMPLEX_RANDOM_SECRET",
        "YOUR_OWN_RANDOM_GENERATED_SECRET_KEY",
        "USE_YOUR_OWN_SECURE_RANDOM_KEY",
        "TEST_NON_DEV_SECRET",
        "thisISaSECRET_1234",
        "\x02\x01thisismyscretkey\x01\x02\\e\\y\\y\\h",  # Superset's default before 2.1
        r"\2\1thisismyscretkey\1\2\e\y\y\h",  # the same, as copied into .env files
    }
)
MIN_SECRET_KEY_LENGTH = 32
SECRET_KEY_FILE = SUPERSET_HOME / "secret_key"  # written by scripts/superset.sh setup, mode 0600


class InsecureSecretKey(RuntimeError):
    """SECRET_KEY is missing, publicly known or too short; the message says what to do."""


def secret_key(environ: Mapping[str, str] = os.environ, key_file: Path = SECRET_KEY_FILE) -> str:
    """``SUPERSET_SECRET_KEY`` from the environment, else the key file; refused if weak."""
    key, where = environ.get("SUPERSET_SECRET_KEY", "").strip(), "SUPERSET_SECRET_KEY"
    if not key and key_file.is_file():
        key, where = key_file.read_text(encoding="utf-8").strip(), str(key_file)
    fix = (
        "set SUPERSET_SECRET_KEY to a random string of at least "
        f"{MIN_SECRET_KEY_LENGTH} characters (e.g. `openssl rand -base64 42`), or run "
        f"`scripts/superset.sh setup`, which writes a random one to {key_file}"
    )
    if not key:
        raise InsecureSecretKey(f"Refusing to start Superset: no SECRET_KEY is set; {fix}")
    if key in PUBLIC_SECRET_KEYS:
        raise InsecureSecretKey(
            f"Refusing to start Superset: the SECRET_KEY in {where} is a publicly known key "
            f"(anyone can sign a session cookie with it and log in as any user); {fix}"
        )
    if len(key) < MIN_SECRET_KEY_LENGTH:
        raise InsecureSecretKey(
            f"Refusing to start Superset: the SECRET_KEY in {where} has {len(key)} characters, "
            f"fewer than {MIN_SECRET_KEY_LENGTH}; {fix}"
        )
    return key


SECRET_KEY = secret_key()

# Object metadata may be cached in-process; query results are not, so a new
# publish shows on the next chart refresh.
CACHE_CONFIG = {"CACHE_TYPE": "SimpleCache", "CACHE_DEFAULT_TIMEOUT": 300}
DATA_CACHE_CONFIG = {"CACHE_TYPE": "NullCache"}

# CSRF stays on for the web UI; API clients fetch /api/v1/security/csrf_token/
# (chart data is exempt by Superset's default list).
WTF_CSRF_ENABLED = True
TALISMAN_ENABLED = False  # served on 127.0.0.1 over plain HTTP
CONTENT_SECURITY_POLICY_WARNING = False
SUPERSET_WEBSERVER_TIMEOUT = 120
SQLLAB_TIMEOUT = 120


class PublishedWarehouseMissing(RuntimeError):
    """No usable published warehouse file; the message says what to run."""


def current_published_file(published_dir: Path = PUBLISHED_DIR) -> Path:
    """The DuckDB file named in ``<published_dir>/CURRENT``."""
    pointer = published_dir / "CURRENT"
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise PublishedWarehouseMissing(
            f"{pointer} does not exist: run the pipeline and 'ringledger publish' first"
        ) from None
    if not name or "/" in name or "\\" in name or name in {".", ".."}:
        raise PublishedWarehouseMissing(f"{pointer} must hold a bare file name, found {name!r}")
    path = published_dir / name
    if not path.is_file():
        raise PublishedWarehouseMissing(f"{pointer} names {name!r}, but {path} does not exist")
    return path


def _is_duckdb(dbapi_connection: object) -> bool:
    # duckdb_engine hands the pool its ConnectionWrapper around a DuckDBPyConnection.
    return type(dbapi_connection).__module__.split(".")[0] in {"duckdb_engine", "duckdb", "_duckdb"}


@event.listens_for(Pool, "connect")
def attach_published_warehouse(dbapi_connection: object, _connection_record: object) -> None:
    """Attach the current publish read-only, make it the default, then lock the connection."""
    if not _is_duckdb(dbapi_connection):
        return  # Superset's own SQLite metadata engine
    path = str(current_published_file()).replace("'", "''")
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute(f"ATTACH '{path}' AS {PUBLISHED_ALIAS} (READ_ONLY)")
    cursor.execute(f"USE {PUBLISHED_ALIAS}")
    cursor.execute("SET enable_external_access = false")
    cursor.execute("SET lock_configuration = true")
