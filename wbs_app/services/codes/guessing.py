"""Slowing down the guesser of codes, not every reporter.

Receipt and invitation codes are 63-bit secrets behind one Argon2id run each,
so guessing one is hopeless; what remains is to make a guesser slower still
without recording anything about them and without stopping anyone else.
Issue 18: an installation-wide count of failures armed a brake that refused
every reporter for about two minutes after 61 unknown receipts (3 of 39 real
attempts got in). Now the count is the browser's own: it travels in the
side's signed session cookie (``GuessCount``, which the browser cannot lower,
only throw away), so after ``free`` failures only that browser waits, a wait
that doubles with every further failure; other browsers are untouched.

A guesser who throws the cookie away also throws away the form's CSRF token
and must fetch the page again for every guess; what bounds them then is the
code lane of Argon2 work (``services.infra.argon2_gate``: one run at a time per
server process, the rest 503), which leaves staff sign-ins and new reports in
lanes of their own. Nothing here reads a clock of its own or touches the
database: the view passes the time and keeps the count in the cookie.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

FIRST_WAIT_SECONDS = 2
MAX_WAIT_SECONDS = 15 * 60
# What one browser that keeps its cookie gets checked in any hour with the
# default 5 free failures: 5, then 9 after waits of 2 ... 512 s, then one per
# 15 minutes (tests/reporter/test_guessing.py guesses for an hour to show it).
CHECKS_PER_HOUR = 17


@dataclass(frozen=True)
class GuessCount:
    """One browser's failed codes, and until when (epoch seconds) it must wait."""

    failures: int = 0
    wait_until: float = 0.0

    def wait_seconds(self, now: float) -> int:
        """How long this browser must still wait before its next code is checked (0: none)."""
        return max(0, math.ceil(self.wait_until - now))

    def failed(self, now: float, free: int) -> GuessCount:
        """The count after one more refused code; the wait starts once ``free`` are spent."""
        failures = self.failures + 1
        if failures <= free:
            return GuessCount(failures, 0.0)
        wait = min(FIRST_WAIT_SECONDS * 2 ** min(failures - free - 1, 20), MAX_WAIT_SECONDS)
        return GuessCount(failures, now + wait)

    def to_cookie(self) -> list[float]:
        return [self.failures, round(self.wait_until, 3)]

    @classmethod
    def from_cookie(cls, value: object) -> GuessCount:
        """The count a (signed) session value holds; a fresh one for anything else."""
        if (
            isinstance(value, list)
            and len(value) == 2
            and isinstance(value[0], int)
            and isinstance(value[1], int | float)
            and value[0] >= 0
        ):
            return cls(value[0], float(value[1]))
        return cls()
