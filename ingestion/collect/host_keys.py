"""SFTP host key verification: the server must show the key a source's configuration pins.

A source pins its server's key by OpenSSH fingerprint (``host_key_sha256: SHA256:…``, as
``ssh-keygen -lf`` prints it) or by a ``known_hosts`` file (default ``~/.ssh/known_hosts``);
an unknown or different key refuses the connection. Only ``insecure_skip_host_key_check: true``
connects unverified, with a warning each time.

The check runs inside the SSH transport (paramiko's ``transport_factory``), right after key
exchange and before authentication, so listing and smart_open's reads go through the same check.
"""

from __future__ import annotations

import base64
import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import paramiko

from ingestion.config.company import Source

DEFAULT_KNOWN_HOSTS = "~/.ssh/known_hosts"
log = logging.getLogger(__name__)


class HostKeyError(paramiko.SSHException):
    """The SFTP server's host key is unknown or not the one configured: the connection is refused."""


def fingerprint(key: paramiko.PKey) -> str:
    """OpenSSH's SHA256 fingerprint of a public key: ``SHA256:`` and unpadded base64."""
    digest = hashlib.sha256(key.asbytes()).digest()
    return "SHA256:" + base64.b64encode(digest).decode("ascii").rstrip("=")


@dataclass(frozen=True)
class HostKeyCheck:
    """How one source verifies its server; its repr is stable, so smart_open reuses verified connections."""

    source: str
    host: str
    port: int
    host_key_sha256: str | None = None
    known_hosts: str | None = None
    insecure: bool = False

    @classmethod
    def of(cls, source: Source) -> HostKeyCheck:
        transport = source.file_transport
        parts = urlsplit(source.location)
        return cls(
            source=source.name,
            host=parts.hostname or "",
            port=parts.port or 22,
            host_key_sha256=transport.host_key_sha256,
            known_hosts=transport.known_hosts,
            insecure=transport.insecure_skip_host_key_check,
        )

    @property
    def known_hosts_name(self) -> str:
        """The host as known_hosts names it: ``host``, or ``[host]:port`` off port 22."""
        return self.host if self.port == 22 else f"[{self.host}]:{self.port}"

    def _known_hosts_path(self) -> Path:
        return Path(self.known_hosts or DEFAULT_KNOWN_HOSTS).expanduser()

    def _known_keys(self) -> dict[str, paramiko.PKey]:
        path = self._known_hosts_path()
        if not path.is_file():
            raise HostKeyError(
                f"SFTP source {self.source!r}: known_hosts file {path} does not exist; "
                "set 'known_hosts' or 'host_key_sha256' in its transport"
            )
        return dict(paramiko.HostKeys(str(path)).lookup(self.known_hosts_name) or {})

    def verify(self, key: paramiko.PKey) -> None:
        """Return if ``key`` is the configured one; raise ``HostKeyError`` saying what differs."""
        offered = f"{key.get_name()} {fingerprint(key)}"
        where = f"SFTP source {self.source!r}: server {self.known_hosts_name} offered host key {offered}"
        if self.insecure:
            log.warning("%s, NOT verified (insecure_skip_host_key_check: true)", where)
            return
        if self.host_key_sha256 is not None:
            if fingerprint(key) != self.host_key_sha256:
                raise HostKeyError(
                    f"{where}, which does not match host_key_sha256 {self.host_key_sha256}; refusing "
                    "to connect (the server's key changed or someone is in between)"
                )
            return
        known = self._known_keys()
        path = self._known_hosts_path()
        if not known:
            raise HostKeyError(
                f"{where}, which is unknown: {path} has no entry for {self.known_hosts_name}; "
                "refusing to connect (check the key out of band, then add it there or set host_key_sha256)"
            )
        if known.get(key.get_name()) != key:
            expected = ", ".join(f"{name} {fingerprint(k)}" for name, k in known.items())
            raise HostKeyError(
                f"{where}, which does not match {path} ({expected}); refusing to connect "
                "(the server's key changed or someone is in between)"
            )

    def preferred_key_types(self, offered: tuple[str, ...]) -> tuple[str, ...]:
        """Key types to negotiate, those known_hosts holds for this host first (as OpenSSH does)."""
        if self.insecure or self.host_key_sha256 is not None or not self._known_hosts_path().is_file():
            return offered
        known = set(self._known_keys())
        if "ssh-rsa" in known:
            known |= {"rsa-sha2-512", "rsa-sha2-256"}
        return tuple(t for t in offered if t in known) + tuple(t for t in offered if t not in known)

    def __call__(self, sock: Any, **options: Any) -> paramiko.Transport:
        """paramiko's ``transport_factory``: a transport that verifies the host key once negotiated."""
        transport = _CheckedTransport(sock, **options)
        transport.host_key_check = self
        security = transport.get_security_options()
        security.key_types = self.preferred_key_types(tuple(security.key_types))
        return transport


class _CheckedTransport(paramiko.Transport):
    host_key_check: HostKeyCheck

    def start_client(self, event: Any = None, timeout: float | None = None) -> None:
        if event is not None:
            raise ValueError("host key verification needs a blocking start_client (event=None)")
        super().start_client(timeout=timeout)
        try:
            self.host_key_check.verify(self.get_remote_server_key())
        except HostKeyError:
            self.close()
            raise
