"""Which configured trunk an endpoint the PBX wrote belongs to: one rule for the warehouse and ``check``.

Each trunk of ``sites.yml`` becomes SQL ``LIKE`` patterns (escape character ``!``), written to
``raw.trunk_match_patterns`` and used by the dbt join (``int_call_legs_staged``); ``ringledger
check`` evaluates the same patterns in Python. A trunk's ``pbx_name`` matches:

- the name exactly (``Line 1``, ``SIP-TRUNK-LUMEN``);
- with a technology (``SIP/carrierA``): that channel numbered by the PBX, ``SIP/carrierA-0000001f``;
- without one (``carrierA``): the peer on any technology, ``SIP/carrierA-0000001f``,
  ``PJSIP/carrierA-00000a1b``, ``IAX2/carrierA-4``;

and its optional ``pattern`` is a glob (``*`` any text, ``?`` one character), for PBXes that
number their channels otherwise: ``pattern: "DAHDI/1-*"``. When several patterns of a site match
one endpoint the most specific wins: an exact name, then the pattern with the most literal
characters (``SIP/carrierA-east-*`` before ``SIP/carrierA-*``), then the trunk listed first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

ESCAPE = "!"
_LIKE_SPECIAL = ("%", "_", ESCAPE)


@dataclass(frozen=True)
class TrunkPattern:
    """One LIKE pattern of one trunk; a lower ``precedence`` wins within the site."""

    site_id: str
    trunk_id: str
    like_pattern: str
    precedence: int


def like_literal(text: str) -> str:
    """``text`` as a LIKE pattern matching exactly itself."""
    return "".join(ESCAPE + ch if ch in _LIKE_SPECIAL else ch for ch in text)


def glob_to_like(glob: str) -> str:
    """A glob (``*``, ``?``) as a LIKE pattern; every other character is literal."""
    return "".join("%" if ch == "*" else "_" if ch == "?" else like_literal(ch) for ch in glob)


def patterns_for(pbx_name: str, glob: str = "") -> list[str]:
    """The LIKE patterns of one trunk, from its name on the PBX and optional glob."""
    found = [like_literal(pbx_name)] if pbx_name else []
    if pbx_name and "/" in pbx_name:
        found.append(like_literal(pbx_name) + "-%")
    elif pbx_name:
        found.append("%/" + like_literal(pbx_name) + "-%")
    if glob:
        found.append(glob_to_like(glob))
    return list(dict.fromkeys(found))


def _literal_count(like: str) -> int:
    return len(_tokens(like)) - sum(1 for t in _tokens(like) if t in ("%", "_"))


def _tokens(like: str) -> list[str]:
    """The pattern cut into literal characters and the wildcards ``%`` and ``_``."""
    tokens, escaped = [], False
    for ch in like:
        if escaped:
            tokens.append(ESCAPE + ch)
            escaped = False
        elif ch == ESCAPE:
            escaped = True
        else:
            tokens.append(ch)
    return tokens


def rank(site_id: str, trunks: Iterable[tuple[str, list[str]]]) -> list[TrunkPattern]:
    """A site's (trunk id, patterns) in file order, numbered most specific first."""
    candidates = [(order, trunk_id, like) for order, (trunk_id, likes) in enumerate(trunks) for like in likes]
    candidates.sort(key=lambda c: (_literal_count(c[2]) != len(_tokens(c[2])), -_literal_count(c[2]), c[0]))
    return [TrunkPattern(site_id, trunk_id, like, n) for n, (_, trunk_id, like) in enumerate(candidates, 1)]


@lru_cache(maxsize=1024)
def like_regex(like: str) -> re.Pattern[str]:
    """The regular expression a LIKE pattern (escape ``!``) stands for, as SQL evaluates it."""
    parts = []
    for token in _tokens(like):
        if token == "%":
            parts.append(".*")
        elif token == "_":
            parts.append(".")
        else:
            parts.append(re.escape(token[-1]))
    return re.compile("".join(parts), re.DOTALL)


def matching_trunk(patterns: list[TrunkPattern], endpoint: str | None) -> str | None:
    """The trunk id the endpoint belongs to (``patterns`` of one site), or None."""
    if not endpoint:
        return None
    best = min(
        (p for p in patterns if like_regex(p.like_pattern).fullmatch(endpoint)),
        key=lambda p: p.precedence,
        default=None,
    )
    return best.trunk_id if best else None
