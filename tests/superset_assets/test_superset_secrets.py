"""Superset's secrets: setup generates a random SECRET_KEY and admin password (mode 0600, kept across
setups and restarts, overridable from the environment), Superset refuses to start with a missing,
publicly known or short key, and a session cookie forged with the old public fallback is refused.

One real Superset (scripts/superset.sh setup + start, temporary SUPERSET_HOME, free port) for the
module; it needs no published warehouse (these tests only log in). Cookies are signed with the Flask
of Superset's own virtualenv, as the server signs them.
"""

from __future__ import annotations

import json
import stat
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.superset_support import (
    HTTP_TIMEOUT,
    SUPERSET_PYTHON,
    api_login,
    free_port,
    generated_login,
    run_script,
    script,
    superset_env,
)

pytestmark = pytest.mark.slow

OLD_FALLBACK_KEY = "ringledger-local-demo-not-a-secret"  # superset_config.py's default until issue 9
SUPERSET_DEFAULT_KEY = "CHANGE_ME_TO_A_COMPLEX_RANDOM_SECRET"  # superset/constants.py
SIGN_SESSION = """
import json, sys
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
app = Flask("forger")
app.secret_key = sys.stdin.read()
print(SecureCookieSessionInterface().get_signing_serializer(app).dumps(json.loads(sys.argv[1])))
"""


@dataclass(frozen=True)
class Server:
    url: str
    home: Path
    env: dict[str, str]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("superset-secrets-home")
    port = free_port()
    env = superset_env(home, port, tmp_path_factory.mktemp("superset-secrets-published"))
    try:
        script("setup", env)
        script("start", env)
        yield Server(url=f"http://127.0.0.1:{port}", home=home, env=env)
    finally:
        run_script("stop", env)


def _session_cookie(key: str, session: dict) -> str:
    """A Flask session cookie holding ``session``, signed with ``key`` the way Superset signs its own."""
    done = subprocess.run(
        [str(SUPERSET_PYTHON), "-c", SIGN_SESSION, json.dumps(session)],
        input=key,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout.strip()


def _me(server: Server, **kwargs) -> requests.Response:
    return requests.get(f"{server.url}/api/v1/me/", timeout=HTTP_TIMEOUT, **kwargs)


def _token(server: Server, password: str) -> str:
    response = api_login(server.url, "admin", password)
    assert response.status_code == 200, response.text[:500]
    return response.json()["access_token"]


def _admin_id(server: Server) -> int:
    token = _token(server, generated_login(server.home)[1])
    return _me(server, headers={"Authorization": f"Bearer {token}"}).json()["result"]["id"]


def test_setup_generates_a_long_random_key_and_password_only_the_owner_can_read(server: Server):
    for name in ("secret_key", "admin_password"):
        path = server.home / name
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, f"{path} is readable by others"
    key = (server.home / "secret_key").read_text().strip()
    password = generated_login(server.home)[1]
    assert len(key) >= 32 and key != OLD_FALLBACK_KEY
    assert len(password) >= 16 and password != "admin"
    assert run_script("login", server.env).stdout.strip() == f"admin / {password}"  # what make demo prints


def test_the_generated_password_logs_in_and_another_is_refused(server: Server):
    token = _token(server, generated_login(server.home)[1])
    me = _me(server, headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json()["result"]["username"] == "admin"
    assert api_login(server.url, "admin", "admin").status_code == 401


@pytest.mark.parametrize("public_key", [OLD_FALLBACK_KEY, SUPERSET_DEFAULT_KEY])
def test_a_session_cookie_signed_with_a_public_key_is_refused(server: Server, public_key: str):
    admin = {"_user_id": str(_admin_id(server)), "_fresh": True}
    forged = _me(server, cookies={"session": _session_cookie(public_key, admin)})
    assert forged.status_code == 401, forged.text[:500]
    # Signed with the server's own key, the same cookie is the admin's: only the key differs.
    key = (server.home / "secret_key").read_text().strip()
    signed = _me(server, cookies={"session": _session_cookie(key, admin)})
    assert signed.status_code == 200 and signed.json()["result"]["username"] == "admin"


def test_the_key_and_password_are_kept_across_setup_and_restart(server: Server):
    before = {name: (server.home / name).read_bytes() for name in ("secret_key", "admin_password")}
    token = _token(server, generated_login(server.home)[1])
    script("setup", server.env)
    script("stop", server.env)
    script("start", server.env)
    assert {name: (server.home / name).read_bytes() for name in before} == before
    # A token signed before the restart still verifies: the server signs with the same key.
    assert _me(server, headers={"Authorization": f"Bearer {token}"}).status_code == 200
    _token(server, generated_login(server.home)[1])


def test_a_changed_password_in_the_environment_updates_the_admin_on_setup(server: Server):
    generated = generated_login(server.home)[1]
    changed = {**server.env, "SUPERSET_ADMIN_PASSWORD": "a-password-the-operator-chose-42"}
    try:
        script("setup", changed)
        _token(server, "a-password-the-operator-chose-42")
        assert api_login(server.url, "admin", generated).status_code == 401
        assert run_script("login", changed).stdout.strip() == "admin / a-password-the-operator-chose-42"
        assert generated_login(server.home)[1] == generated  # the override is not written to the file
    finally:
        script("setup", server.env)  # without the variable: the generated password again
    _token(server, generated)
    assert api_login(server.url, "admin", "a-password-the-operator-chose-42").status_code == 401


@pytest.mark.parametrize(
    ("key", "key_file", "message"),
    [
        (None, None, "no SECRET_KEY is set"),
        (OLD_FALLBACK_KEY, None, "the SECRET_KEY in SUPERSET_SECRET_KEY is a publicly known key"),
        (SUPERSET_DEFAULT_KEY, None, "is a publicly known key"),
        ("too-short-but-not-public", None, "has 24 characters, fewer than 32"),
        (None, OLD_FALLBACK_KEY, "secret_key is a publicly known key"),
    ],
    ids=["missing", "old-fallback", "superset-default", "short", "old-fallback-in-key-file"],
)
def test_start_is_refused_without_a_safe_key(
    tmp_path: Path, key: str | None, key_file: str | None, message: str
):
    home, port = tmp_path / "home", free_port()
    home.mkdir()
    if key_file is not None:
        (home / "secret_key").write_text(key_file + "\n")
    env = superset_env(home, port, tmp_path / "published", **({"SUPERSET_SECRET_KEY": key} if key else {}))
    try:
        done = run_script("start", env)
        assert done.returncode != 0, f"Superset started with {key or key_file!r}:\n{done.stderr[-2000:]}"
        last_line = done.stderr.strip().splitlines()[-1]
        assert last_line.startswith("superset.sh: error: Refusing to start Superset"), last_line
        assert message in last_line and "SUPERSET_SECRET_KEY" in last_line, last_line
        assert "openssl rand" in last_line and "scripts/superset.sh setup" in last_line  # what to do
        with pytest.raises(requests.ConnectionError):
            requests.get(f"http://127.0.0.1:{port}/health", timeout=10)
    finally:
        run_script("stop", env)
