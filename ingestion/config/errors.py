"""Errors a person can act on: which file, where, which field, what was expected."""

from __future__ import annotations

from pathlib import Path


class ConfigError(ValueError):
    """A configuration file is not what Ringledger expects."""

    def __init__(self, path: Path | str, where: str, problem: str) -> None:
        self.path = str(path)
        self.where = where
        self.problem = problem
        super().__init__(f"{path}: {where}: {problem}")
