"""Exponential reconnect delays with jitter, so many collectors do not hammer a PBX in step."""

from __future__ import annotations

import random

from ingestion.config.transports import BackoffSettings


class Backoff:
    """``next_delay()`` doubles from ``initial_seconds`` to ``max_seconds``; ``reset()`` after a success."""

    def __init__(self, settings: BackoffSettings, rng: random.Random | None = None) -> None:
        self._settings = settings
        self._rng = rng or random.Random()
        self._attempt = 0

    def next_delay(self) -> float:
        base = min(self._settings.max_seconds, self._settings.initial_seconds * 2**self._attempt)
        self._attempt = min(self._attempt + 1, 32)
        return base * (0.75 + 0.25 * self._rng.random())

    def reset(self) -> None:
        self._attempt = 0
