"""SFTP collector against a real OpenSSH server: started here as a local process on 127.0.0.1.

The server runs with its own configuration, host key and authorized_keys in a temporary folder;
the source's folder lives on that server, and every file goes through the same poller the folder,
S3 collectors and the Dagster sensor use. Sources pin the server's host key (fingerprint or
known_hosts); a wrong or unknown key is refused.
"""

from __future__ import annotations

import getpass
import gzip
import logging
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ingestion.collect.file_poller import poll, run_file_collector
from ingestion.collect.host_keys import HostKeyError
from ingestion.collect.landing import read_manifest
from ingestion.collect.remote_files import RemoteFile, open_raw
from ingestion.collect.status import read_status
from ingestion.config.company import Source, load_sources
from ingestion.config.transports import FileTransport
from tests.collector_support import avaya_record, free_port, wait_until, write_config

pytestmark = pytest.mark.timeout(60)
CONTENT = b"".join(avaya_record(n) for n in range(100))
MAX_SESSIONS = 2  # fewer SFTP channels per connection than files fetched in one poll: none may leak


def _find(program: str) -> str | None:
    path = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/local/sbin", "/sbin"])
    return shutil.which(program, path=path)


@dataclass(frozen=True)
class SftpServer:
    port: int
    user: str
    key_file: Path
    root: Path  # a folder on the server for the test's files
    host_key_sha256: str  # as OpenSSH's ssh-keygen prints it
    known_hosts: Path  # holds the server's host key, and nothing else
    other_key_sha256: str  # a real key the server does not have

    def location(self, folder: Path) -> str:
        return f"sftp://{self.user}@127.0.0.1:{self.port}{folder}"


def _sha256(keygen: str, public_key: Path) -> str:
    out = subprocess.run(
        [keygen, "-l", "-E", "sha256", "-f", str(public_key)], capture_output=True, text=True, check=True
    )
    return out.stdout.split()[1]


def _wait_for_banner(port: int, process: subprocess.Popen, log: Path, timeout: float = 15.0) -> None:
    """Until the server answers with its SSH identification line (or has died)."""
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"sshd exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as probe:
                if probe.recv(64).startswith(b"SSH-"):
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"sshd did not answer on port {port}:\n{log.read_text(errors='replace')}")
        time.sleep(0.05)


@pytest.fixture(scope="module")
def sftp_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SftpServer]:
    """sshd on 127.0.0.1 with key-only login for the current user (root here) and internal-sftp."""
    sshd, keygen = _find("sshd"), _find("ssh-keygen")
    if not (sshd and keygen):
        reason = "sshd/ssh-keygen not found: run scripts/install-system-deps.sh (installs openssh-server)"
        if os.environ.get("CI", "").lower() in ("true", "1"):
            pytest.fail(f"CI: {reason}")
        pytest.skip(reason)
    home = tmp_path_factory.mktemp("sshd")
    for name in ("host_key", "client_key"):
        subprocess.run([keygen, "-q", "-t", "ed25519", "-N", "", "-f", str(home / name)], check=True)
    (home / "authorized_keys").write_bytes((home / "client_key.pub").read_bytes())
    user, port = getpass.getuser(), free_port()
    config = home / "sshd_config"
    config.write_text(
        f"ListenAddress 127.0.0.1\nPort {port}\nHostKey {home / 'host_key'}\nPidFile {home / 'sshd.pid'}\n"
        f"AuthorizedKeysFile {home / 'authorized_keys'}\nAllowUsers {user}\n"
        "PubkeyAuthentication yes\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n"
        "PermitRootLogin prohibit-password\nUsePAM no\nStrictModes no\n"
        f"MaxSessions {MAX_SESSIONS}\nSubsystem sftp internal-sftp\n"
    )
    if os.geteuid() == 0:
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # privilege separation (systemd makes it)
    log = home / "sshd.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen([sshd, "-D", "-e", "-f", str(config)], stdout=log_file, stderr=log_file)
    try:
        _wait_for_banner(port, process, log)
        root = home / "files"
        root.mkdir()
        known_hosts = home / "known_hosts"
        known_hosts.write_text(f"[127.0.0.1]:{port} {(home / 'host_key.pub').read_text()}")
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("HOME", str(home))  # no known_hosts, ~/.ssh keys or agent of the machine's user
            patch.delenv("SSH_AUTH_SOCK", raising=False)
            yield SftpServer(
                port,
                user,
                home / "client_key",
                root,
                host_key_sha256=_sha256(keygen, home / "host_key.pub"),
                known_hosts=known_hosts,
                other_key_sha256=_sha256(keygen, home / "client_key.pub"),
            )
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _sftp_source(server: SftpServer, folder: Path, name: str = "remote", **host_key: object) -> Source:
    """A source on the server; its host key pinned by fingerprint unless ``host_key`` says otherwise."""
    return Source(
        name=name,
        site="hq",
        format="avaya_ipoffice_smdr",
        location=server.location(folder),
        pattern="*.csv*",
        transport=FileTransport(
            kind="sftp",
            key_file=str(server.key_file),
            **(host_key or {"host_key_sha256": server.host_key_sha256}),
        ),
    )


def _folder(server: SftpServer, name: str) -> Path:
    folder = server.root / name
    folder.mkdir()
    return folder


def _bump_mtime(path: Path, seconds: int) -> None:
    """SFTP reports whole seconds: a change must move the time by at least one."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + seconds * 1_000_000_000))


def test_complete_files_land_once_and_gzip_lands_as_received(tmp_path: Path, sftp_server: SftpServer):
    folder = _folder(sftp_server, "complete")
    packed = gzip.compress(CONTENT[:3000])
    days = {f"smdr-2024-03-0{n}.csv": CONTENT[n * 100 : n * 100 + 2000] for n in range(1, 5)}
    days["smdr 2024-03-05 #2.csv"] = CONTENT[5000:7000]  # a name a URL must quote
    for name, data in {**days, "smdr-2024-03-06.csv.gz": packed, "smdr-2024-03-07.csv.part": b"x"}.items():
        (folder / name).write_bytes(data)
    (folder / "archive.csv").mkdir()  # matches the pattern, but is a folder
    (folder / "notes.txt").write_bytes(b"not a CDR file")
    source, landing = _sftp_source(sftp_server, folder), tmp_path / "landing"

    first = poll(source, landing)
    assert first.landed == []  # first sight: never taken
    second = poll(source, landing, first.state)
    assert sorted(f.original_name for f in second.landed) == sorted([*days, "smdr-2024-03-06.csv.gz"])
    assert second.waiting == ["smdr-2024-03-07.csv.part"]
    by_name = {f.original_name: landing / f.landed_path for f in read_manifest(landing)}
    assert len(by_name) == len(days) + 1
    for name, data in days.items():
        assert by_name[name].read_bytes() == data
    assert by_name["smdr-2024-03-06.csv.gz"].read_bytes() == packed  # compressed, byte for byte

    third = poll(source, landing, second.state)
    assert third.landed == [] and third.already_landed == [] and len(read_manifest(landing)) == len(days) + 1


def test_a_growing_file_is_taken_only_when_stable(tmp_path: Path, sftp_server: SftpServer):
    folder = _folder(sftp_server, "growing")
    growing = folder / "smdr-2024-03-01.csv"
    growing.write_bytes(CONTENT[:1000])
    source, landing = _sftp_source(sftp_server, folder), tmp_path / "landing"
    first = poll(source, landing)
    assert first.landed == [] and first.waiting == [growing.name]

    with growing.open("ab") as writer:  # the PBX is still writing
        writer.write(CONTENT[1000:])
    _bump_mtime(growing, 1)
    second = poll(source, landing, first.state)
    assert second.landed == [] and second.waiting == [growing.name]

    third = poll(source, landing, second.state)
    (entry,) = third.landed
    assert (landing / entry.landed_path).read_bytes() == CONTENT
    assert poll(source, landing, third.state).landed == []


def test_a_stable_truncated_gzip_lands_with_its_reason_then_whole(tmp_path: Path, sftp_server: SftpServer):
    folder = _folder(sftp_server, "gzip")
    packed = gzip.compress(CONTENT)
    cut = folder / "calls.csv.gz"
    cut.write_bytes(packed[: len(packed) // 2])  # stable, but the writer stopped early
    source, landing = _sftp_source(sftp_server, folder), tmp_path / "landing"
    state = poll(source, landing).state
    truncated = poll(source, landing, state)
    (cut_entry,) = truncated.quarantined  # landed as received, for the raw load to quarantine whole
    assert truncated.landed == [cut_entry] and "truncated or corrupt" in cut_entry.quarantine_reason
    assert (landing / cut_entry.landed_path).read_bytes() == packed[: len(packed) // 2]

    cut.write_bytes(packed)
    _bump_mtime(cut, 5)
    state = poll(source, landing, truncated.state).state
    (entry,) = poll(source, landing, state).landed
    assert (landing / entry.landed_path).read_bytes() == packed and entry.quarantine_reason is None


def test_the_collector_configured_in_sources_yml_lands_from_sftp(tmp_path: Path, sftp_server: SftpServer):
    folder = _folder(sftp_server, "collector")
    (folder / "calls.csv").write_bytes(CONTENT)
    input_dir = write_config(
        tmp_path / "input",
        f"""
sources:
  - name: branch-sftp
    site: hq
    format: avaya_ipoffice_smdr
    location: {sftp_server.location(folder)}
    pattern: "*.csv"
    transport: {{kind: sftp, key_file: {sftp_server.key_file}, known_hosts: {sftp_server.known_hosts}}}
""",
    )
    (source,) = load_sources(input_dir)
    spool, landing, stop = tmp_path / "spool", tmp_path / "landing", threading.Event()
    collector = threading.Thread(target=run_file_collector, args=(source, spool, landing, stop, 0.05))
    collector.start()
    try:
        wait_until(lambda: len(read_manifest(landing)) == 1, what="the SFTP file to land")
    finally:
        stop.set()
        collector.join(10)
    (entry,) = read_manifest(landing)
    assert (landing / entry.landed_path).read_bytes() == CONTENT
    status = read_status(spool, "branch-sftp")
    assert status is not None
    assert (status["transport"], status["files_landed"], status["last_error"]) == ("sftp", 1, None)


def test_the_pinned_host_key_connects_and_a_wrong_one_is_refused(tmp_path: Path, sftp_server: SftpServer):
    folder = _folder(sftp_server, "pinned")
    (folder / "calls.csv").write_bytes(CONTENT)
    landing, right = tmp_path / "landing", _sftp_source(sftp_server, folder)
    (entry,) = poll(right, landing, poll(right, landing).state).landed
    assert (landing / entry.landed_path).read_bytes() == CONTENT

    wrong = _sftp_source(sftp_server, folder, "impostor", host_key_sha256=sftp_server.other_key_sha256)
    with pytest.raises(HostKeyError) as refused:
        poll(wrong, landing)
    message = str(refused.value)
    assert "SFTP source 'impostor'" in message and f"[127.0.0.1]:{sftp_server.port}" in message
    assert f"offered host key ssh-ed25519 {sftp_server.host_key_sha256}" in message
    assert f"does not match host_key_sha256 {sftp_server.other_key_sha256}; refusing to connect" in message
    file = RemoteFile("calls.csv", wrong.location + "/calls.csv", len(CONTENT), 0.0)
    with pytest.raises(HostKeyError, match="does not match host_key_sha256"), open_raw(wrong, file):
        pass  # smart_open's reads are checked too, not only the listing
    assert len(read_manifest(landing)) == 1


def test_known_hosts_must_hold_the_servers_key(tmp_path: Path, sftp_server: SftpServer):
    folder = _folder(sftp_server, "known")
    (folder / "calls.csv").write_bytes(CONTENT)
    trusted = _sftp_source(sftp_server, folder, known_hosts=str(sftp_server.known_hosts))
    assert poll(trusted, tmp_path / "landing").waiting == ["calls.csv"]

    entry = sftp_server.known_hosts.read_text()
    other_port = tmp_path / "other_port"
    other_port.write_text(entry.replace(f":{sftp_server.port} ", ":1 "))  # the key, for another server
    changed = tmp_path / "changed"
    changed.write_text(entry.split()[0] + " " + (sftp_server.key_file.with_suffix(".pub")).read_text())
    for known_hosts, reason in [
        (other_port, f"which is unknown: {other_port} has no entry for [127.0.0.1]:{sftp_server.port}"),
        (changed, f"which does not match {changed} (ssh-ed25519 {sftp_server.other_key_sha256})"),
        (None, "known_hosts file"),  # ~/.ssh/known_hosts by default; this HOME has none
    ]:
        source = _sftp_source(
            sftp_server, folder, known_hosts=None if known_hosts is None else str(known_hosts)
        )
        with pytest.raises(HostKeyError, match="refusing to connect|does not exist") as refused:
            poll(source, tmp_path / "landing")
        assert reason in str(refused.value)


def test_unverified_only_when_configured_and_with_a_warning(
    tmp_path: Path, sftp_server: SftpServer, caplog: pytest.LogCaptureFixture
):
    folder = _folder(sftp_server, "insecure")
    (folder / "calls.csv").write_bytes(CONTENT)
    source = _sftp_source(sftp_server, folder, insecure_skip_host_key_check=True)
    with caplog.at_level(logging.WARNING, logger="ingestion.collect.host_keys"):
        assert poll(source, tmp_path / "landing").waiting == ["calls.csv"]
    (warning,) = [r for r in caplog.records if r.name == "ingestion.collect.host_keys"]
    assert "NOT verified (insecure_skip_host_key_check: true)" in warning.getMessage()
