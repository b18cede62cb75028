"""Folder and S3 collectors: a file is landed once, only when complete; compressed bytes land as received."""

from __future__ import annotations

import gzip
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingestion.collect.file_poller import poll
from ingestion.collect.landing import read_manifest
from ingestion.config.company import Source
from ingestion.config.transports import FileTransport
from ingestion.formats import compression
from tests.collector_support import avaya_record, free_port

pytestmark = pytest.mark.timeout(30)
CONTENT = b"".join(avaya_record(n) for n in range(100))


def _folder_source(folder: Path) -> Source:
    return Source(name="drop", site="hq", format="avaya_ipoffice_smdr", location=str(folder), pattern="*")


def _bump_mtime(path: Path, seconds: int) -> None:
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + seconds * 1_000_000_000))


def test_a_growing_file_is_taken_only_once_two_looks_agree(tmp_path: Path):
    folder, landing = tmp_path / "drop", tmp_path / "landing"
    folder.mkdir()
    growing = folder / "smdr-2024-03-01.csv"
    growing.write_bytes(CONTENT[:1000])
    first = poll(_folder_source(folder), landing)
    assert first.landed == [] and first.waiting == [growing.name]  # first sight: never taken

    with growing.open("ab") as writer:  # the PBX is still writing
        writer.write(CONTENT[1000:2000])
    _bump_mtime(growing, 1)
    second = poll(_folder_source(folder), landing, first.state)
    assert second.landed == [] and second.waiting == [growing.name]

    with growing.open("ab") as writer:
        writer.write(CONTENT[2000:])
    _bump_mtime(growing, 2)
    third = poll(_folder_source(folder), landing, second.state)
    assert third.landed == []  # changed again since the last look
    fourth = poll(_folder_source(folder), landing, third.state)
    assert [f.original_name for f in fourth.landed] == [growing.name]
    assert (landing / fourth.landed[0].landed_path).read_bytes() == CONTENT
    fifth = poll(_folder_source(folder), landing, fourth.state)
    assert fifth.landed == [] and fifth.waiting == [] and fifth.already_landed == []


def test_in_progress_names_are_never_taken(tmp_path: Path):
    folder, landing = tmp_path / "drop", tmp_path / "landing"
    folder.mkdir()
    for name in ("upload.csv.part", "calls.tmp", "calls.csv~", ".calls.csv.swp"):
        (folder / name).write_bytes(CONTENT)
    state = poll(_folder_source(folder), landing).state
    again = poll(_folder_source(folder), landing, state)
    assert again.landed == [] and sorted(again.waiting) == sorted(p.name for p in folder.iterdir())
    (folder / "upload.csv.part").rename(folder / "upload.csv")  # the writer's final rename
    state = poll(_folder_source(folder), landing, again.state).state
    assert [f.original_name for f in poll(_folder_source(folder), landing, state).landed] == ["upload.csv"]


def test_a_stable_truncated_gzip_lands_as_received_and_its_whole_version_again(tmp_path: Path):
    folder, landing = tmp_path / "drop", tmp_path / "landing"
    folder.mkdir()
    packed = gzip.compress(CONTENT)
    cut = folder / "calls.csv.gz"
    cut.write_bytes(packed[: len(packed) // 2])  # stable, but truncated
    state = poll(_folder_source(folder), landing).state
    truncated = poll(_folder_source(folder), landing, state)
    (entry,) = truncated.landed
    assert truncated.quarantined == [entry] and truncated.waiting == []
    assert entry.quarantine_reason == (
        "truncated or corrupt compressed file: "
        "Compressed file ended before the end-of-stream marker was reached"
    )
    assert (landing / entry.landed_path).read_bytes() == packed[: len(packed) // 2]  # as received

    cut.write_bytes(packed)
    _bump_mtime(cut, 5)
    state = poll(_folder_source(folder), landing, truncated.state).state
    whole = poll(_folder_source(folder), landing, state)
    (entry,) = whole.landed
    assert whole.quarantined == [] and entry.quarantine_reason is None
    assert (landing / entry.landed_path).read_bytes() == packed  # as received
    with compression.open_decompressed(landing / entry.landed_path) as text:
        assert text.read() == CONTENT


@pytest.fixture
def s3_endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A moto S3-compatible server on 127.0.0.1, for this test only."""
    from moto.server import ThreadedMotoServer

    for name, value in {
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def test_s3_objects_land_once_through_a_local_s3_server(tmp_path: Path, s3_endpoint: str):
    import boto3

    client = boto3.client("s3", endpoint_url=s3_endpoint)
    client.create_bucket(Bucket="pbx-cdr")
    client.put_object(Bucket="pbx-cdr", Key="site1/2024/03/01.csv", Body=CONTENT)
    client.put_object(Bucket="pbx-cdr", Key="site1/2024/03/02.csv.gz", Body=gzip.compress(CONTENT[:500]))
    client.put_object(Bucket="pbx-cdr", Key="site1/2024/03/03.csv.part", Body=CONTENT[:10])
    client.put_object(Bucket="pbx-cdr", Key="other/ignored.csv", Body=b"x")
    source = Source(
        name="cloud",
        site="hq",
        format="threecx_cdr",
        location="s3://pbx-cdr/site1",
        pattern="*.csv*",
        transport=FileTransport(kind="s3", endpoint_url=s3_endpoint),
    )
    landing = tmp_path / "landing"
    first = poll(source, landing)
    second = poll(source, landing, first.state)
    assert sorted(f.original_name for f in second.landed) == ["01.csv", "02.csv.gz"]
    assert second.waiting == ["2024/03/03.csv.part"]
    by_name = {f.original_name: landing / f.landed_path for f in read_manifest(landing)}
    assert by_name["01.csv"].read_bytes() == CONTENT
    assert gzip.decompress(by_name["02.csv.gz"].read_bytes()) == CONTENT[:500]
    assert poll(source, landing, second.state).landed == []


def test_a_file_untouched_for_the_settle_window_lands_at_the_first_look(tmp_path: Path):
    folder = tmp_path / "drop"
    folder.mkdir()
    old, fresh = folder / "old.txt", folder / "fresh.txt"
    old.write_bytes(avaya_record(1))
    fresh.write_bytes(avaya_record(2))
    an_hour_ago = time.time() - 3600
    os.utime(old, (an_hour_ago, an_hour_ago))
    source = Source(name="drop", site="hq", format="avaya_ipoffice_smdr", location=str(folder), pattern="*")

    assert poll(source, tmp_path / "landing").landed == []  # without the rule: two looks, always
    first = poll(source, tmp_path / "landing2", quiet_seconds=60)
    assert [f.original_name for f in first.landed] == ["old.txt"] and first.waiting == ["fresh.txt"]
    second = poll(source, tmp_path / "landing2", first.state, quiet_seconds=60)
    assert [f.original_name for f in second.landed] == ["fresh.txt"]  # the second look agreed
