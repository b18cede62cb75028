"""What makes one record of a format the same record when it is seen again, declared per format as data.

A PBX that loses its link replays its buffer, a file is exported again with more
lines, an operator drops the same day twice under two names: the same record then
arrives more than once. Its identity is its natural key, the fields that identify
one record of that PBX (a call id with the leg's or segment's own fields); for a PBX
that writes no id, the record's fields as written, without the ones it recomputes.
``ingestion.raw.record_identity`` hashes the fields (trimmed, empty as absent) into
``_record_key`` at load; a record whose key its source has loaded before is listed
in ``raw.record_duplicates`` and never reaches the legs.

A format whose records do not say their date in full adds the landing of the file
that holds them (``landed``: a ``strftime`` format of the file's UTC landing time),
so that the same text on another day, a call like yesterday's, is another record.
"""

from __future__ import annotations

from dataclasses import dataclass

LANDING_DATE = "%Y-%m-%d"
LANDING_YEAR = "%Y"


@dataclass(frozen=True)
class RecordIdentity:
    """A format's record identity: the raw columns of its natural key and why they identify a record.

    ``landed``: a ``strftime`` format of the file's landing time (UTC) that is part of the key,
    for records without a full date; ``landed_when``: an SQL condition on the raw columns that
    limits it to some records (Avaya CM records before any date record).
    """

    fields: tuple[str, ...]
    reason: str
    landed: str = ""
    landed_when: str = ""
