"""Validation at load: a format's declared rules (``ingestion.formats.checks``) as one SQL pass.

``check_rows`` reads a table of records (a reader's staged rows, or the bulk load's
scan) once and writes ``ringledger_checks``: one row per record that fails a rule
(the first rule it fails: the field and a reason a person can act on) or that
carries a flag (a duration above the source's ``max_call_seconds``). Rules run in
this order: the layout's own (field count), field length, required fields, then
the format's checks in their declared order.

Empty text counts as absent everywhere (``nullif(x, '')``), so the same SQL runs on a
delimited scan, where an empty field is '' and a missing one NULL, and on staged rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from ingestion.config.company import DEFAULT_MAX_CALL_SECONDS
from ingestion.formats.checks import (
    MAX_REPRESENTABLE_SECONDS,
    DateTime,
    Duration,
    DurationUnit,
    Shape,
    Validation,
)
from ingestion.formats.definition import FormatDefinition
from ingestion.raw.readers import BAD, REPLACED, STAGED, quote_ident, sql_str

CHECKS = "ringledger_checks"
_SHOWN_CHARS = 60


@dataclass(frozen=True)
class SourceRules:
    """What a source sets for validation: its longest plausible call, its date order."""

    max_call_seconds: int = DEFAULT_MAX_CALL_SECONDS
    date_format: str = "MM/DD/YY"


DEFAULT_RULES = SourceRules()


@dataclass(frozen=True)
class Rule:
    """One check as SQL over a record: when it fails, the field it names, and the reason (an SQL text)."""

    fails: str
    field: str
    reason: str


def check_rows(
    con: duckdb.DuckDBPyConnection,
    fmt: FormatDefinition,
    table: str,
    rules: SourceRules,
    layout_rules: tuple[Rule, ...] = (),
    columns: tuple[str, ...] | None = None,
) -> int:
    """Write CHECKS (``_row`` = the record's rowid in ``table``, field, reason, flags); returns its rows.

    ``columns``: the format's columns present in ``table`` (all of them when None); an absent
    column reads as NULL.
    """
    present = set(fmt.columns if columns is None else columns)
    every = layout_rules + tuple(_format_rules(fmt.validation, rules, present))
    flags = _flag_terms(fmt.validation, rules, present)
    if not every and not flags:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {CHECKS} "
            "(_row BIGINT, field VARCHAR, reason VARCHAR, flags VARCHAR)"
        )
        return 0
    field = _case((r.fails, sql_str(r.field)) for r in every)
    reason = _case((r.fails, r.reason) for r in every)
    flag_sql = "NULL"
    if flags:
        terms = "".join(f", {_case([(condition, sql_str(name))])}" for condition, name in flags)
        flag_sql = f"nullif(concat_ws(','{terms}), '')"
    where = " OR ".join([f"({r.fails})" for r in every] + [f"({cond})" for cond, _ in flags])
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {CHECKS} AS
            SELECT rowid AS _row, {field} AS field, {reason} AS reason,
                   CASE WHEN ({field}) IS NULL THEN {flag_sql} END AS flags
            FROM {table} WHERE {where}"""
    )
    return con.execute(f"SELECT count(*) FROM {CHECKS}").fetchall()[0][0]


def _case(whens) -> str:
    """CASE WHEN condition THEN value ... END (NULL when there is none)."""
    branches = " ".join(f"WHEN {condition} THEN {result}" for condition, result in whens)
    return f"CASE {branches} END" if branches else "NULL"


def keep_valid(
    con: duckdb.DuckDBPyConnection,
    fmt: FormatDefinition,
    table: str,
    rules: SourceRules,
    layout_rules: tuple[Rule, ...] = (),
    columns: tuple[str, ...] | None = None,
    projection: str | None = None,
    located: bool = False,
) -> None:
    """Check ``table`` (records with ``_record_no`` and ``_flags``) and write STAGED from what passes.

    A record that fails goes to BAD (one row per record number: a Grandstream line holds
    several CDRs, and the line is the record) and its replaced-text rows are dropped; a
    record that passes keeps its flags and those the checks add. ``projection``: the
    format's columns as SQL over ``table`` (as they are, by default). ``located``: the table
    has ``_byte_offset`` and ``_text`` of each record (frames are not lines: the loader could
    not find them in the file by their number).
    """
    check_rows(con, fmt, table, rules, layout_rules, columns)
    where = "t._byte_offset, t._text" if located else "NULL::BIGINT, NULL::VARCHAR"
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE ringledger_failed AS
            SELECT t._record_no AS line, arg_min(c.field, t.rowid) AS field,
                   arg_min(c.reason, t.rowid) AS reason, arg_min(({where}), t.rowid) AS located
            FROM {table} AS t JOIN {CHECKS} AS c ON c._row = t.rowid
            WHERE c.reason IS NOT NULL GROUP BY t._record_no"""
    )
    con.execute(
        f"INSERT INTO {BAD} SELECT line, located[1], located[2], reason, field FROM ringledger_failed"
    )
    con.execute(f"DELETE FROM {REPLACED} WHERE line IN (SELECT line FROM ringledger_failed)")
    select = projection or ", ".join(f"t.{quote_ident(c)}" for c in fmt.columns)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {STAGED} AS
            SELECT {select}, t._record_no, nullif(concat_ws(',', t._flags, c.flags), '') AS _flags
            FROM {table} AS t LEFT JOIN {CHECKS} AS c ON c._row = t.rowid
            WHERE t._record_no NOT IN (SELECT line FROM ringledger_failed)
            ORDER BY t.rowid"""
    )
    con.execute(f"DROP TABLE {CHECKS}")
    con.execute("DROP TABLE ringledger_failed")


def value(column: str, present: set[str] | None = None) -> str:
    """A raw column as SQL text, empty text as NULL (an absent column is NULL)."""
    if present is not None and column not in present:
        return "NULL::VARCHAR"
    return f"nullif({quote_ident(column)}, '')"


def shown(expression: str) -> str:
    """SQL text quoting a value for a reason: 'value', cut at 60 characters."""
    return (
        f"'''' || CASE WHEN length({expression}) > {_SHOWN_CHARS} "
        f"THEN left({expression}, {_SHOWN_CHARS}) || '…' ELSE {expression} END || ''''"
    )


def _field_is(field: str, expression: str) -> str:
    return f"'field ' || {sql_str(repr(field))} || ' = ' || {shown(expression)}"


def _format_rules(validation: Validation, rules: SourceRules, present: set[str]):
    for column in sorted(present):
        v = quote_ident(column)
        yield Rule(
            f"length({v}) > {validation.max_field_chars}",
            column,
            f"{sql_str(f'field {column!r} is ')} || length({v}) || "
            f"{sql_str(f' characters long, expected at most {validation.max_field_chars}')}",
        )
    for column in validation.required:
        empty = sql_str(f"field {column!r} is empty: it is required")
        yield Rule(f"{value(column, present)} IS NULL", column, empty)
    for check in validation.checks:
        rule = _rule(check, rules, present)
        yield Rule(f"({check.when}) AND ({rule.fails})", rule.field, rule.reason) if check.when else rule


def _rule(check: DateTime | Duration | Shape, rules: SourceRules, present: set[str]) -> Rule:
    if isinstance(check, DateTime):
        v = _part(check, present)
        layouts = (check.date_formats[rules.date_format],) if check.date_formats else check.layouts
        unparsed = " AND ".join(f"try_strptime({v}, {sql_str(t.strptime)}) IS NULL" for t in layouts)
        expected = " or ".join(layout.shown for layout in layouts)
        what = "date-time" if any("%H" in layout.strptime for layout in layouts) else "date"
        return _presence(check, v, unparsed, f"not a valid {what}, expected {expected}", expected)
    if isinstance(check, Duration):
        v = _duration_text(check, present)
        expected = f"{check.unit.value} from 0 to {MAX_REPRESENTABLE_SECONDS:,} seconds"
        ok = f"coalesce({duration_seconds(check.unit, v)} <= {MAX_REPRESENTABLE_SECONDS}, false)"
        return _presence(check, v, f"NOT {ok}", f"not a duration, expected {expected}", expected)
    v = value(check.field, present)
    bad = f"NOT regexp_full_match({v}, {sql_str(check.pattern)})"
    return _presence(check, v, bad, f"expected {check.expected}", check.expected)


def _presence(check: DateTime | Duration | Shape, v: str, bad: str, problem: str, expected: str) -> Rule:
    """A rule on a value: empty passes when optional (else fails as empty); a value fails when ``bad``."""
    on_value = f"{_field_is(check.field, v)} || {sql_str(': ' + problem)}"
    if check.optional:
        return Rule(f"{v} IS NOT NULL AND {bad}", check.field, on_value)
    empty = sql_str(f"field {check.field!r} is empty, expected {expected}")
    reason = f"CASE WHEN {v} IS NULL THEN {empty} ELSE {on_value} END"
    return Rule(f"{v} IS NULL OR {bad}", check.field, reason)


def _part(check: DateTime, present: set[str]) -> str:
    v = value(check.field, present)
    return f"nullif({check.sql.format(v=v)}, '')" if check.sql else v


def _duration_text(check: Duration, present: set[str]) -> str:
    if not check.parts:
        return value(check.field, present)
    pieces = [check.field, *check.parts]
    return "nullif(" + " || ".join(f"coalesce({value(p, present)}, '')" for p in pieces) + ", '')"


# unit -> (full-match pattern, SQL seconds of a matching value v)
_UNITS = {
    DurationUnit.SECONDS: ("[0-9]{1,10}", "try_cast({v} AS BIGINT)"),
    DurationUnit.HH_MM_SS: (
        "[0-9]{1,6}:[0-5][0-9]:[0-5][0-9]",
        "try_cast(split_part({v}, ':', 1) AS BIGINT) * 3600"
        " + try_cast(split_part({v}, ':', 2) AS BIGINT) * 60 + try_cast(split_part({v}, ':', 3) AS BIGINT)",
    ),
    DurationUnit.HH_MM_APOSTROPHE_SS: (
        "[0-9]{1,6}:[0-5][0-9]'[0-5][0-9]",
        "try_cast(split_part({v}, ':', 1) AS BIGINT) * 3600"
        " + try_cast(split_part(split_part({v}, ':', 2), '''', 1) AS BIGINT) * 60"
        " + try_cast(split_part({v}, '''', 2) AS BIGINT)",
    ),
    DurationUnit.M_APOSTROPHE_SS: (
        "[0-9]{1,6}'[0-5][0-9]",
        "try_cast(split_part({v}, '''', 1) AS BIGINT) * 60 + try_cast(split_part({v}, '''', 2) AS BIGINT)",
    ),
    DurationUnit.H_MM_T: (
        "[0-9][0-5][0-9][0-9]",
        "try_cast(substr({v}, 1, 1) AS BIGINT) * 3600 + try_cast(substr({v}, 2, 2) AS BIGINT) * 60"
        " + try_cast(substr({v}, 4, 1) AS BIGINT) * 6",
    ),
}


def duration_seconds(unit: DurationUnit, v: str) -> str:
    """SQL: the seconds of a duration text ``v`` written in ``unit`` (NULL when it does not match)."""
    pattern, seconds = _UNITS[unit]
    return f"CASE WHEN regexp_full_match({v}, {sql_str(pattern)}) THEN {seconds.format(v=v)} END"


def _flag_terms(validation: Validation, rules: SourceRules, present: set[str]) -> list[tuple[str, str]]:
    """(SQL condition, flag) for every duration: above the source's maximum, it is kept and flagged."""
    terms = []
    for check in validation.checks:
        if isinstance(check, Duration) and (check.field in present or check.parts):
            seconds = duration_seconds(check.unit, _duration_text(check, present))
            above = f"coalesce({seconds} > {int(rules.max_call_seconds)}, false)"
            terms.append((above, f"duration_over_max:{check.field}"))
    return terms
