"""Declarative PBX call-record formats, one module per format, collected in ``FORMATS``."""

from __future__ import annotations

from ingestion.formats.asterisk_cdr_csv import ASTERISK_CDR_CSV
from ingestion.formats.definition import FormatDefinition

FORMATS: dict[str, FormatDefinition] = {fmt.name: fmt for fmt in (ASTERISK_CDR_CSV,)}

__all__ = ["FORMATS", "FormatDefinition"]
