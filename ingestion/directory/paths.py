"""Departments given by name or path (``Sales/Inside Sales``) instead of by id.

A path's id is derived from its names, the same in every snapshot and every
run: each name NFKC-normalised and case-folded, its white space as one hyphen,
the names joined by ``/`` (``Sales/Inside Sales`` -> ``sales/inside-sales``,
``Satış/İç Satış`` -> ``satış/i̇ç-satış``). Letters are kept as they are, not
transliterated. So a department known only by its path that is renamed or
moved is a new department (the old one ends where the new one starts); a
departments export with an id column keeps the id across a rename, and the
name and parent become a new version of the same department.

A person's department given by name or path is, in this order: a department
of the departments sources with exactly that id, or whose path (its names
from the top down) or, for a single name, whose name is that one (case and
white space aside); else a department of its own, with the derived id, its
last name as name and its path's ancestors as parents (implied departments).
"""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from functools import lru_cache

from ingestion.directory.records import Department, DirectoryWarning, Origin, warning_at

Names = tuple[str, ...]


@lru_cache(maxsize=65536)
def split_path(value: str, separator: str) -> Names:
    """The names of a path from the top down, trimmed, inner white space as one space."""
    return tuple(" ".join(name.split()) for name in value.split(separator) if name.strip())


@lru_cache(maxsize=65536)
def path_id(names: Names) -> str:
    """The stable id of a department known by its path."""
    folded = (unicodedata.normalize("NFKC", name).casefold().replace("/", "-") for name in names)
    return "/".join("-".join(name.split()) for name in folded)


def implied_department(names: Names, parent_id: str, origin: Origin) -> Department:
    return Department(path_id(names), names[-1], parent_id, "", origin)


def with_path_parents(rows: list[tuple[Department, Names]]) -> list[Department]:
    """Departments of one export given by path get their parent from it; missing ancestors are implied."""
    by_path = {path_id(names): d.department_id for d, names in rows if names}
    implied: dict[str, Department] = {}

    def ancestor(names: Names, child: Department) -> str:
        key = path_id(names)
        if key in by_path:
            return by_path[key]
        if key not in implied:
            parent = ancestor(names[:-1], child) if len(names) > 1 else ""
            implied[key] = replace(
                child, department_id=key, name=names[-1], parent_department_id=parent, site_id=""
            )
        return key

    completed = [
        replace(d, parent_department_id=ancestor(names[:-1], d))
        if len(names) > 1 and not d.parent_department_id
        else d
        for d, names in rows
    ]
    return completed + list(implied.values())


class DepartmentFinder:
    """Finds the department a person's row names by name or path, among the departments sources'."""

    def __init__(self, departments: list[Department]) -> None:
        self.ids = {d.department_id for d in departments}
        self.known: dict[Names, str | None] = {}  # names -> id found (each name looked up once)
        self.by_path: dict[str, set[str]] = {}
        by_id: dict[str, list[Department]] = {}
        for d in departments:
            by_id.setdefault(d.department_id, []).append(d)
        for d in departments:
            names, node, seen = [d.name or d.department_id], d, {d.department_id}
            while node.parent_department_id and node.parent_department_id not in seen:
                parents = [p for p in by_id.get(node.parent_department_id, []) if p.covers(d.valid_from)]
                if not parents:
                    break
                node = parents[0]
                names.append(node.name or node.department_id)
                seen.add(node.department_id)
            self.by_path.setdefault(path_id(tuple(reversed(names))), set()).add(d.department_id)
            self.by_path.setdefault("name:" + path_id((d.name,)), set()).add(d.department_id)

    def _known(self, names: Names, origin: Origin, warnings: list[DirectoryWarning]) -> str | None:
        if names not in self.known:
            self.known[names] = self._look_up(names, origin, warnings)
        return self.known[names]

    def _look_up(self, names: Names, origin: Origin, warnings: list[DirectoryWarning]) -> str | None:
        if len(names) == 1 and names[0] in self.ids:
            return names[0]
        for key in (path_id(names), *(["name:" + path_id(names)] if len(names) == 1 else [])):
            found = sorted(self.by_path.get(key, ()))
            if len(found) > 1:
                warnings.append(
                    warning_at(
                        "ambiguous_department",
                        origin,
                        "department",
                        "/".join(names),
                        f"names departments {found}; {found[0]} is used here and in every row naming it "
                        "so (give the path or the id)",
                    )
                )
            if found:
                return found[0]
        return None

    def find(
        self, names: Names, origin: Origin, implied: dict[str, Department], warnings: list[DirectoryWarning]
    ) -> str:
        """The department's id; a department no source gives is added to ``implied`` with its ancestors."""
        known = self._known(names, origin, warnings)
        if known is not None:
            return known
        key = path_id(names)
        if key not in implied:
            parent = self.find(names[:-1], origin, implied, warnings) if len(names) > 1 else ""
            implied[key] = implied_department(names, parent, origin)
        return key
