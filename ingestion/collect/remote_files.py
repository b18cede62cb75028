"""Listing and reading the files of a folder, S3-compatible bucket or SFTP source.

Listing gives name, size and modification time (what the stability check
compares); reading goes through smart_open with decompression disabled, so
the landing zone receives the bytes exactly as the PBX wrote them.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, BinaryIO
from urllib.parse import quote, unquote, urlsplit

import smart_open

from ingestion.config.company import Source

SFTP_TIMEOUT_SECONDS = 30.0
SFTP_PREFETCH = {"max_concurrent_requests": 256}  # at most 8 MiB of 32 KiB reads in flight


@dataclass(frozen=True)
class RemoteFile:
    name: str  # relative to the source's location
    url: str
    size: int
    mtime: float


def _s3_client(source: Source) -> Any:
    import boto3

    transport = source.file_transport
    return boto3.client(
        "s3",
        endpoint_url=transport.endpoint_url,
        region_name=transport.region,
    )


def _bucket_and_prefix(location: str) -> tuple[str, str]:
    parts = urlsplit(location)
    prefix = parts.path.lstrip("/")
    return parts.netloc, prefix if not prefix or prefix.endswith("/") else prefix + "/"


def _sftp_connect_kwargs(source: Source) -> dict[str, Any]:
    from ingestion.collect.host_keys import HostKeyCheck

    transport = source.file_transport
    # The transport verifies the server's host key before we authenticate (listing and reading alike).
    kwargs: dict[str, Any] = {"transport_factory": HostKeyCheck.of(source)}
    if transport.key_file:
        kwargs["key_filename"] = transport.key_file
    if transport.password_env:
        kwargs["password"] = os.environ[transport.password_env]
    kwargs["timeout"] = SFTP_TIMEOUT_SECONDS  # an unreachable server fails the look instead of hanging it
    return kwargs


def _list_folder(source: Source) -> list[RemoteFile]:
    folder = source.folder
    if not folder.is_dir():
        return []
    files = []
    for path in folder.glob(source.pattern):
        if path.is_file():
            stat = path.stat()
            files.append(RemoteFile(path.name, str(path), stat.st_size, stat.st_mtime))
    return files


def _list_s3(source: Source) -> list[RemoteFile]:
    bucket, prefix = _bucket_and_prefix(source.location)
    pages = _s3_client(source).get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    files = []
    for page in pages:
        for item in page.get("Contents", []):
            name = item["Key"][len(prefix) :]
            if name and not name.endswith("/") and fnmatch.fnmatch(name.rsplit("/", 1)[-1], source.pattern):
                url = f"s3://{bucket}/{item['Key']}"
                files.append(RemoteFile(name, url, item["Size"], item["LastModified"].timestamp()))
    return files


def _list_sftp(source: Source) -> list[RemoteFile]:
    import paramiko

    parts = urlsplit(source.location)
    client = paramiko.SSHClient()
    # The host key is checked by the transport (HostKeyCheck), as in smart_open's reads; this
    # client's own, empty, known-hosts table then accepts the key the check already verified.
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    client.connect(
        parts.hostname, port=parts.port or 22, username=parts.username, **_sftp_connect_kwargs(source)
    )
    try:
        sftp = client.open_sftp()
        folder = unquote(parts.path).rstrip("/") or "/"  # smart_open unquotes the URL's path too
        files = []
        for entry in sftp.listdir_attr(folder):
            if entry.st_mode is not None and not (entry.st_mode & 0o170000 == 0o100000):
                continue  # not a regular file
            if fnmatch.fnmatch(entry.filename, source.pattern):
                url = source.location.rstrip("/") + "/" + quote(entry.filename)  # '#', '?', '%' in names
                files.append(RemoteFile(entry.filename, url, entry.st_size or 0, float(entry.st_mtime or 0)))
        return files
    finally:
        client.close()


LISTERS = {"folder": _list_folder, "s3": _list_s3, "sftp": _list_sftp}


def list_files(source: Source) -> list[RemoteFile]:
    """The source's files that match its pattern, by name."""
    return sorted(LISTERS[source.transport.kind](source), key=lambda f: f.name)


@contextmanager
def open_raw(source: Source, file: RemoteFile) -> Iterator[BinaryIO]:
    """The file's bytes as stored (compressed files stay compressed)."""
    params: dict[str, Any] = {}
    if source.transport.kind == "s3":
        params = {"client": _s3_client(source)}
    elif source.transport.kind == "sftp":
        # Prefetch: reads in flight together, not one 32 KiB round trip at a time (10x faster here).
        params = {"connect_kwargs": _sftp_connect_kwargs(source), "prefetch_kwargs": SFTP_PREFETCH}
    stream = smart_open.open(file.url, "rb", compression="disable", transport_params=params)
    try:
        with stream:
            yield stream
    finally:
        # SFTP: smart_open opens a channel per file on its cached connection and leaves it open;
        # sshd allows MaxSessions (10 by default) per connection, so close it with the file.
        sftp = getattr(stream, "sftp", None)
        if sftp is not None:
            sftp.close()
