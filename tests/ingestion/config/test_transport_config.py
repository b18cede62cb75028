"""A source's ``transport`` is validated with file, entry and field; ``collect --status`` reports health."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingestion.collect.status import CollectorStatus, write_status
from ingestion.config.company import load_sources
from ingestion.config.errors import ConfigError
from ingestion.config.transports import FileTransport, SerialTransport, TcpTransport
from tests.collector_support import write_config
from tests.conftest import run_ringledger, settings_under


def _sources(tmp_path: Path, transport: str, location: str = "") -> list:
    entry = f"  - {{name: ipo, site: hq, format: avaya_ipoffice_smdr, {location}transport: {transport}}}\n"
    return load_sources(write_config(tmp_path, "sources:\n" + entry))


def test_stream_sources_need_no_location_and_get_defaults(tmp_path: Path):
    (tcp,) = _sources(tmp_path, "{kind: tcp-listen, port: 9000, fsync_ms: 200}")
    assert isinstance(tcp.transport, TcpTransport)
    assert (tcp.transport.host, tcp.transport.port, tcp.transport.spool.fsync_ms) == ("0.0.0.0", 9000, 200)
    (line,) = _sources(tmp_path, "{kind: serial, device: /dev/ttyS0, baudrate: 1200, parity: even}")
    assert isinstance(line.transport, SerialTransport) and line.transport.spool.replay_window == 0


@pytest.mark.parametrize(
    ("transport", "message"),
    [
        ("{kind: modem}", "transport: field 'kind' should be one of"),
        ("{kind: tcp-listen}", "sources[1] (ipo), transport: field 'port' is missing"),
        ("{kind: tcp-listen, port: 70000}", "field 'port' should be an integer from 1 to 65535, got 70000"),
        ("{kind: tcp-connect, port: 2300}", "field 'host' is missing"),
        ("{kind: serial, device: /dev/ttyS0, parity: maybe}", "field 'parity' should be one of"),
        ("{kind: tcp-listen, port: 9000, framing: xml}", "field 'framing' should be one of"),
        ("{kind: tcp-listen, port: 9000, fsync: 5}", "unknown field(s) ['fsync']"),
        ("[tcp]", "transport: expected a mapping with a 'kind'"),
        ("{kind: sftp, host_key_sha256: abc}", "field 'host_key_sha256' should be an OpenSSH fingerprint"),
        ("{kind: sftp, insecure_skip_host_key_check: maybe}", "should be true or false, got 'maybe'"),
        (
            "{kind: sftp, known_hosts: /k, insecure_skip_host_key_check: true}",
            "fields ['known_hosts', 'insecure_skip_host_key_check'] exclude each other",
        ),
        ("{kind: folder, known_hosts: /k}", "unknown field(s) ['known_hosts']"),
    ],
)
def test_bad_transports_name_file_entry_field_and_expectation(tmp_path: Path, transport: str, message: str):
    with pytest.raises(ConfigError) as error:
        _sources(tmp_path, transport)
    assert message in str(error.value) and "sources.yml" in str(error.value)


def test_sftp_sources_pin_a_host_key_or_say_they_do_not(tmp_path: Path):
    pin = "SHA256:" + "A1+/" * 10 + "xyz"
    location = "location: sftp://cdr@pbx/out, "
    (pinned,) = _sources(tmp_path, f"{{kind: sftp, host_key_sha256: '{pin}'}}", location)
    (listed,) = _sources(tmp_path, "{kind: sftp, known_hosts: /etc/ringledger/known_hosts}", location)
    (unsafe,) = _sources(tmp_path, "{kind: sftp, insecure_skip_host_key_check: true}", location)
    (default,) = _sources(tmp_path, "{kind: sftp}", location)  # ~/.ssh/known_hosts, checked
    assert isinstance(pinned.transport, FileTransport) and pinned.transport.host_key_sha256 == pin
    assert listed.transport.known_hosts == "/etc/ringledger/known_hosts"  # type: ignore[union-attr]
    assert unsafe.transport.insecure_skip_host_key_check  # type: ignore[union-attr]
    assert default.transport == FileTransport(kind="sftp")


def test_collect_status_reports_each_source(tmp_path: Path):
    input_dir = write_config(
        tmp_path / "input",
        "sources:\n"
        "  - {name: ipo, site: hq, format: avaya_ipoffice_smdr, transport: {kind: tcp-listen, port: 9000}}\n"
        "  - {name: nec, site: hq, format: nec, transport: {kind: tcp-connect, host: pbx, port: 6010}}\n",
    )
    settings = settings_under(tmp_path / "home", input_dir)
    status = CollectorStatus(source="ipo", transport="tcp-listen", state="receiving", records_spooled=42)
    status.last_record_at = "2024-03-01T10:00:00.000+00:00"
    write_status(settings.spool_dir, status)  # written by this (live) process
    out = run_ringledger(settings, "collect", "--status")
    ipo, nec = (line.split() for line in out.splitlines()[1:])
    assert ipo[:5] == ["ipo", "tcp-listen", "ok", "2024-03-01T10:00:00.000+00:00", "42"]
    assert nec[:3] == ["nec", "tcp-connect", "never"]
