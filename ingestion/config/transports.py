"""How a source's records reach us: the optional ``transport`` mapping of a source in ``sources.yml``.

File kinds (``folder``, ``s3``, ``sftp``) are polled; stream kinds
(``tcp-listen``, ``tcp-connect``, ``serial``) run a collector that writes a
durable spool. Every mistake names the file, the entry, the field and what was
expected; unknown fields are errors, so a typo never silently falls back to a default.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingestion.config.errors import ConfigError
from ingestion.formats.stream_framing import FRAMINGS

FILE_KINDS = ("folder", "s3", "sftp")
STREAM_KINDS = ("tcp-listen", "tcp-connect", "serial")
# Names that writers use while a file is incomplete (editors, rsync, WinSCP, browsers, our own landing).
DEFAULT_IN_PROGRESS = ("*.tmp", "*.part", "*.partial", "*.filepart", "*.crdownload", "*~", ".*")
PARITIES = ("none", "even", "odd", "mark", "space")
FLOW_CONTROLS = ("none", "xonxoff", "rtscts", "dsrdtr")
SHA256_FINGERPRINT = re.compile(r"SHA256:[A-Za-z0-9+/]{43}")  # as `ssh-keygen -lf` prints it


@dataclass(frozen=True)
class SpoolSettings:
    """How a stream collector frames, persists and rotates what it receives."""

    framing: str = "lines"
    fsync_ms: int = 0  # 0: fsync after every write; N: at most N ms after a record arrived
    rotate_bytes: int = 8 << 20
    rotate_seconds: float = 3600.0
    replay_window: int = 5000  # records remembered to recognise a PBX replaying its buffer


@dataclass(frozen=True)
class BackoffSettings:
    initial_seconds: float = 1.0
    max_seconds: float = 60.0


@dataclass(frozen=True)
class FileTransport:
    kind: str  # folder | s3 | sftp
    in_progress: tuple[str, ...] = DEFAULT_IN_PROGRESS
    endpoint_url: str | None = None  # s3: an S3-compatible server
    region: str | None = None  # s3
    key_file: str | None = None  # sftp
    password_env: str | None = None  # sftp: the variable holding the password, never the password
    # sftp host key: a pinned fingerprint, or a known_hosts file (default ~/.ssh/known_hosts)
    host_key_sha256: str | None = None
    known_hosts: str | None = None
    insecure_skip_host_key_check: bool = False  # connect unverified; logged as a warning

    @property
    def is_stream(self) -> bool:
        return False


@dataclass(frozen=True)
class TcpTransport:
    kind: str  # tcp-listen: the PBX connects to us; tcp-connect: we connect to the PBX
    host: str
    port: int
    spool: SpoolSettings
    backoff: BackoffSettings = BackoffSettings()
    send_on_connect: bytes = b""  # tcp-connect: e.g. a Panasonic "SMDR" login
    mitel_password: str | None = None  # tcp-connect: Mitel 5000 login frame

    @property
    def is_stream(self) -> bool:
        return True


@dataclass(frozen=True)
class SerialTransport:
    kind: str  # serial
    device: str
    spool: SpoolSettings
    baudrate: int = 9600
    bytesize: int = 8
    parity: str = "none"
    stopbits: float = 1
    flow_control: str = "none"
    backoff: BackoffSettings = BackoffSettings()

    @property
    def is_stream(self) -> bool:
        return True


Transport = FileTransport | TcpTransport | SerialTransport
FOLDER = FileTransport(kind="folder")


class _Fields:
    """Reads typed fields from one mapping and remembers which were used."""

    def __init__(self, path: Path, where: str, raw: dict[str, Any]) -> None:
        self.path, self.where, self.raw = path, where, raw
        self.used: set[str] = {"kind"}

    def fail(self, name: str, expected: str) -> ConfigError:
        return ConfigError(
            self.path, self.where, f"field '{name}' should be {expected}, got {self.raw[name]!r}"
        )

    def get(self, name: str, default: Any = None, required: bool = False) -> Any:
        self.used.add(name)
        if self.raw.get(name) in (None, ""):
            if required:
                raise ConfigError(self.path, self.where, f"field '{name}' is missing")
            return default
        return self.raw[name]

    def text(self, name: str, default: str | None = None, required: bool = False) -> Any:
        value = self.get(name, default, required)
        if value is not None and not isinstance(value, str | int | float):
            raise self.fail(name, "text")
        return None if value is None else str(value)

    def number(self, name: str, default: float | None, low: float, high: float, integer: bool = False) -> Any:
        value = self.get(name, default, required=default is None)
        wanted = int if integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, wanted) or not low <= value <= high:
            raise self.fail(name, f"{'an integer' if integer else 'a number'} from {low} to {high}")
        return value

    def choice(self, name: str, default: Any, choices: tuple[Any, ...]) -> Any:
        value = self.get(name, default)
        if value not in choices:
            raise self.fail(name, f"one of {list(choices)}")
        return value

    def flag(self, name: str, default: bool) -> bool:
        value = self.get(name, default)
        if not isinstance(value, bool):
            raise self.fail(name, "true or false")
        return value

    def texts(self, name: str, default: tuple[str, ...]) -> tuple[str, ...]:
        value = self.get(name, default)
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise self.fail(name, "a list of texts")
        return tuple(value)

    def check_unknown(self) -> None:
        unknown = sorted(set(self.raw) - self.used)
        if unknown:
            raise ConfigError(
                self.path, self.where, f"unknown field(s) {unknown}; expected some of {sorted(self.used)}"
            )


def _spool(fields: _Fields, replay_window: int) -> SpoolSettings:
    return SpoolSettings(
        framing=fields.choice("framing", "lines", tuple(FRAMINGS)),
        fsync_ms=fields.number("fsync_ms", 0, 0, 60_000, integer=True),
        rotate_bytes=fields.number("rotate_bytes", 8 << 20, 1, 1 << 34, integer=True),
        rotate_seconds=fields.number("rotate_seconds", 3600, 0.01, 7 * 86400),
        replay_window=fields.number("replay_window", replay_window, 0, 1_000_000, integer=True),
    )


def _backoff(fields: _Fields) -> BackoffSettings:
    return BackoffSettings(
        initial_seconds=fields.number("backoff_initial_seconds", 1.0, 0.001, 3600),
        max_seconds=fields.number("backoff_max_seconds", 60.0, 0.001, 86400),
    )


def _host_key(fields: _Fields) -> dict[str, Any]:
    """An SFTP source verifies its server one way: a fingerprint, a known_hosts file, or explicitly not."""
    pinned = fields.text("host_key_sha256")
    if pinned is not None and not SHA256_FINGERPRINT.fullmatch(pinned):
        raise fields.fail("host_key_sha256", "an OpenSSH fingerprint like SHA256:<43 base64 characters>")
    settings = {
        "host_key_sha256": pinned,
        "known_hosts": fields.text("known_hosts"),
        "insecure_skip_host_key_check": fields.flag("insecure_skip_host_key_check", False),
    }
    chosen = [name for name, value in settings.items() if value]
    if len(chosen) > 1:
        raise ConfigError(fields.path, fields.where, f"fields {chosen} exclude each other: choose one")
    return settings


def _file(fields: _Fields, kind: str) -> FileTransport:
    return FileTransport(
        kind=kind,
        in_progress=fields.texts("in_progress", DEFAULT_IN_PROGRESS),
        endpoint_url=fields.text("endpoint_url") if kind == "s3" else None,
        region=fields.text("region") if kind == "s3" else None,
        key_file=fields.text("key_file") if kind == "sftp" else None,
        password_env=fields.text("password_env") if kind == "sftp" else None,
        **(_host_key(fields) if kind == "sftp" else {}),
    )


def _tcp(fields: _Fields, kind: str) -> TcpTransport:
    listening = kind == "tcp-listen"
    return TcpTransport(
        kind=kind,
        host=fields.text("host", "0.0.0.0" if listening else None, required=not listening),
        port=fields.number("port", None, 1, 65535, integer=True),
        spool=_spool(fields, replay_window=5000),
        backoff=_backoff(fields),
        send_on_connect=(fields.text("send_on_connect", "") or "").encode("latin-1")
        if not listening
        else b"",
        mitel_password=fields.text("mitel_password") if not listening else None,
    )


def _serial(fields: _Fields) -> SerialTransport:
    return SerialTransport(
        kind="serial",
        device=fields.text("device", required=True),
        spool=_spool(fields, replay_window=0),  # printers do not replay; headers repeat legitimately
        baudrate=fields.number("baudrate", 9600, 50, 4_000_000, integer=True),
        bytesize=fields.choice("bytesize", 8, (5, 6, 7, 8)),
        parity=fields.choice("parity", "none", PARITIES),
        stopbits=fields.choice("stopbits", 1, (1, 1.5, 2)),
        flow_control=fields.choice("flow_control", "none", FLOW_CONTROLS),
        backoff=_backoff(fields),
    )


def parse_transport(path: Path, where: str, raw: Any) -> Transport:
    """Validate one source's ``transport`` mapping; no mapping means a local folder."""
    if raw is None:
        return FOLDER
    where = f"{where}, transport"
    if not isinstance(raw, dict):
        raise ConfigError(path, where, f"expected a mapping with a 'kind', got {raw!r}")
    kind = raw.get("kind")
    if kind not in FILE_KINDS + STREAM_KINDS:
        raise ConfigError(
            path, where, f"field 'kind' should be one of {list(FILE_KINDS + STREAM_KINDS)}, got {kind!r}"
        )
    fields = _Fields(path, where, raw)
    if kind in FILE_KINDS:
        transport: Transport = _file(fields, kind)
    elif kind == "serial":
        transport = _serial(fields)
    else:
        transport = _tcp(fields, kind)
    fields.check_unknown()
    return transport
