"""The test-only crash hook: a submission's steps as a plain callable.

Services take ``checkpoint(step)`` and call it as a submission passes each of
``config.CRASH_POINTS``; they know nothing of Flask or of what it does. In
production (and whenever ``CRASH_POINT`` is empty) the callable does nothing:
``config.validate`` refuses ``CRASH_POINT`` outright when ``ENV`` is
production, and ``checkpoint_for`` checks the environment again, so the hook
cannot fire there even if the settings were changed after validation.
The crash tests (tests/adversarial/test_crash_hooks.py) set it on a real
gunicorn to kill the worker with ``os._exit`` at a chosen step, as a power
cut or an OOM kill would: no ``finally``, no rollback, no flush of buffers.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from config import CRASH_POINTS

Checkpoint = Callable[[str], None]
# Distinct from gunicorn's own worker exit codes (3 and 4 stop the master).
CRASH_EXIT_CODE = 70


def no_checkpoint(_step: str) -> None:
    """What every submission runs outside the crash tests."""


def checkpoint_for(env: str, point: str) -> Checkpoint:
    """The checkpoint of an app: a no-op unless a test environment names a crash point."""
    if not point or env not in ("test", "development"):
        return no_checkpoint
    if point not in CRASH_POINTS:
        raise ValueError("unknown crash point")

    def crash_at(step: str) -> None:
        if step not in CRASH_POINTS:
            raise ValueError("unknown crash point")
        if step == point:
            os._exit(CRASH_EXIT_CODE)

    return crash_at
