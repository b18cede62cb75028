"""The landing zone: an immutable, content-addressed copy of every file a PBX sent, with a manifest.

A file is identified by its sha256: the same bytes dropped again under any name
land once. The manifest (``manifest.jsonl``) is append-only and written under a
file lock, so collectors and the pipeline can land files at the same time. A file
known to be unreadable when it lands (a compressed file that stopped changing without
decoding to its end) lands all the same, with its quarantine reason in the manifest.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from ingestion.config.company import Source

MANIFEST_NAME = "manifest.jsonl"
_CHUNK = 1 << 20


@dataclass(frozen=True)
class LandedFile:
    """One manifest row: a file as it was received and where its immutable copy lies."""

    source: str
    format: str
    original_name: str
    size: int
    sha256: str
    landed_at: str
    landed_path: str  # relative to the landing folder
    quarantine_reason: str | None = None  # why the raw load will quarantine it whole; None: nothing known


@dataclass(frozen=True)
class LandingResult:
    landed: list[LandedFile]
    duplicates: list[str]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@contextmanager
def _locked_manifest(landing_dir: Path) -> Iterator[Path]:
    landing_dir.mkdir(parents=True, exist_ok=True)
    lock_path = landing_dir / ".manifest.lock"
    with lock_path.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield landing_dir / MANIFEST_NAME
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def read_manifest(landing_dir: Path) -> list[LandedFile]:
    """Every file landed so far, in landing order."""
    path = landing_dir / MANIFEST_NAME
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        return [LandedFile(**json.loads(line)) for line in handle if line.strip()]


def candidate_files(source: Source) -> list[Path]:
    """Files in the source's folder that match its pattern, oldest name first (local folder sources only)."""
    if source.transport.kind != "folder":
        return []  # object storage, SFTP and streams have their own collectors
    folder = source.folder
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob(source.pattern) if p.is_file())


def _copy_hashing(path: Path, landing_dir: Path) -> tuple[Path, str]:
    """Copy ``path`` to a partial file in the landing folder while hashing it: one read."""
    digest = hashlib.sha256()
    landing_dir.mkdir(parents=True, exist_ok=True)
    partial = landing_dir / f".{os.getpid()}-{path.name}.partial"
    partial.unlink(missing_ok=True)  # left read-only by a copy that was killed before its rename
    with path.open("rb") as reader, partial.open("wb") as writer:
        while chunk := reader.read(_CHUNK):
            digest.update(chunk)
            writer.write(chunk)
        writer.flush()
        os.fsync(writer.fileno())
    partial.chmod(0o444)
    return partial, digest.hexdigest()


def land_files(
    source: Source,
    paths: Iterable[Path],
    landing_dir: Path,
    quarantine_reasons: Mapping[Path, str] | None = None,
) -> LandingResult:
    """Copy files into the landing zone once per content; return what was new.

    Each copy is fsynced before its rename; the manifest once per call, after the copies: a
    crash in between leaves copies without manifest rows, which the next run lands again.
    ``quarantine_reasons`` go into the manifest rows of the files they name.
    """
    quarantine_reasons = quarantine_reasons or {}
    landed: list[LandedFile] = []
    duplicates: list[str] = []
    with _locked_manifest(landing_dir) as manifest_path:
        known = {(f.source, f.sha256) for f in read_manifest(landing_dir)}
        with manifest_path.open("a", encoding="utf-8") as manifest:
            for path in paths:
                partial, digest = _copy_hashing(path, landing_dir)
                if (source.name, digest) in known:
                    partial.chmod(0o644)
                    partial.unlink()
                    duplicates.append(str(path))
                    continue
                relative = Path(source.name) / digest[:2] / f"{digest}--{path.name}"
                (landing_dir / relative).parent.mkdir(parents=True, exist_ok=True)
                os.replace(partial, landing_dir / relative)
                entry = LandedFile(
                    source=source.name,
                    format=source.format,
                    original_name=path.name,
                    size=path.stat().st_size,
                    sha256=digest,
                    landed_at=datetime.now(UTC).isoformat(timespec="seconds"),
                    landed_path=str(relative),
                    quarantine_reason=quarantine_reasons.get(path),
                )
                manifest.write(json.dumps(asdict(entry), sort_keys=True) + "\n")
                known.add((source.name, digest))
                landed.append(entry)
            manifest.flush()
            os.fsync(manifest.fileno())
    return LandingResult(landed=landed, duplicates=duplicates)


def land_source(source: Source, landing_dir: Path) -> LandingResult:
    """Land every new file of one configured source."""
    return land_files(source, candidate_files(source), landing_dir)
