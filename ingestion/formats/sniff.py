"""Which format(s) could a file be? Each format's signature is tried on the first lines of the file.

The answer is a ranked list with a confidence between 0 and 1 and the evidence
behind it (header names found, field counts, fields matching their patterns,
page headers or date records seen), so a new site is set up from facts.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from ingestion.formats import FORMATS, FormatDefinition
from ingestion.formats.definition import Delimited, FixedWidth

SAMPLE_BYTES = 1 << 16
SAMPLE_LINES = 50


@dataclass(frozen=True)
class Guess:
    format: str
    confidence: float
    evidence: list[str] = field(default_factory=list)
    caution: str = ""


def sniff_file(path: Path) -> list[Guess]:
    with path.open("rb") as handle:
        return sniff(handle.read(SAMPLE_BYTES))


def sniff(data: bytes) -> list[Guess]:
    """Formats the bytes could be, most likely first; formats with no evidence are left out."""
    text = data.decode("utf-8", errors="replace").lstrip("\ufeff")
    lines = [line.rstrip("\r") for line in text.split("\n") if line.strip("\r\f ")][:SAMPLE_LINES]
    if data and not data.endswith(b"\n") and len(data) == SAMPLE_BYTES:
        lines = lines[:-1]  # the sample cut the last line
    guesses = [_guess(fmt, lines) for fmt in FORMATS.values()]
    return sorted((g for g in guesses if g.confidence > 0), key=lambda g: -g.confidence)


def _guess(fmt: FormatDefinition, lines: list[str]) -> Guess:
    if not lines:
        return Guess(fmt.name, 0.0)
    if isinstance(fmt.layout, Delimited):
        return _guess_delimited(fmt, fmt.layout, lines)
    return _guess_by_line_pattern(fmt, lines)


def _guess_delimited(fmt: FormatDefinition, layout: Delimited, lines: list[str]) -> Guess:
    split = [_fields(line, layout) for line in lines]
    sig = fmt.signature
    evidence = []
    has_header = bool(sig.header_names) and sig.header_names <= set(split[0])
    if has_header:
        order = split[0]
        records = split[1 + layout.rows_after_header :]
        evidence.append(f"line 1 is a header naming {', '.join(sorted(sig.header_names))}")
    elif layout.header.name == "REQUIRED":
        return Guess(fmt.name, 0.0)
    else:
        order, records = list(layout.default_order or fmt.columns), split
    if not records:
        return Guess(fmt.name, 0.5 if has_header else 0.0, evidence, sig.caution)
    widest = max(len(order), len(fmt.columns) if layout.configurable_columns else 0)
    widest += 1 if layout.trailing_delimiter else 0
    fitting = [r for r in records if layout.min_columns <= len(r) <= max(widest, layout.min_columns)]
    evidence.append(f"{len(fitting)}/{len(records)} records have {layout.min_columns}-{widest} fields")
    positions = {name: i for i, name in enumerate(order)}
    patterns = {c: re.compile(p) for c, p in sig.field_patterns.items() if c in positions}
    matching = [r for r in fitting if all(_matches(r, positions[c], p) for c, p in patterns.items())]
    if patterns:
        described = ", ".join(f"{c} ~ /{p.pattern}/" for c, p in patterns.items())
        evidence.append(f"{len(matching)}/{len(records)} records match {described}")
    score = len(matching) / len(records)
    confidence = (0.5 + 0.5 * score) if has_header else 0.9 * score
    if sig.caution:
        confidence *= 0.8
    return Guess(fmt.name, round(confidence, 2), evidence, sig.caution)


def _guess_by_line_pattern(fmt: FormatDefinition, lines: list[str]) -> Guess:
    layout = fmt.layout
    pattern = fmt.signature.line_pattern
    if not pattern:
        return Guess(fmt.name, 0.0)
    evidence, candidates = [], lines
    if isinstance(layout, FixedWidth):
        for what, regexes in (("page-header", layout.skip_patterns), ("date record", _date_patterns(layout))):
            hits = [line for line in candidates if any(re.fullmatch(r, line) for r in regexes)]
            if hits:
                evidence.append(f"{len(hits)} {what} line(s)")
                candidates = [line for line in candidates if line not in hits]
    if not candidates:
        return Guess(fmt.name, 0.0)
    matching = sum(1 for line in candidates if re.fullmatch(pattern, line, re.DOTALL))
    evidence.insert(0, f"{matching}/{len(candidates)} records match /{pattern}/")
    return Guess(fmt.name, round(0.95 * matching / len(candidates), 2), evidence, fmt.signature.caution)


def _date_patterns(layout: FixedWidth) -> tuple[str, ...]:
    return (layout.date_record.pattern,) if layout.date_record else ()


def _fields(line: str, layout: Delimited) -> list[str]:
    return next(
        csv.reader(
            [line],
            delimiter=layout.delimiter,
            quotechar=layout.quote or None,
            quoting=csv.QUOTE_MINIMAL if layout.quote else csv.QUOTE_NONE,
        )
    )


def _matches(record: list[str], position: int, pattern: re.Pattern[str]) -> bool:
    return position < len(record) and pattern.fullmatch(record[position]) is not None
