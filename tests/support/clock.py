"""Moving the services' clock forward, instead of sleeping.

Every service reads the time through ``wbs_app.services.infra.clock`` (``utcnow``,
``today``), so shifting what ``datetime.now`` answers there moves expiry,
idle timeouts and deadlines for the app while the test runs in an instant.
The CSRF tokens' own timer (itsdangerous, ``time.time``) is not moved.

The TOTP service reads ``time.time`` itself (a code belongs to a 30 s step of
the wall clock); ``moved_totp_clock`` stands in for its ``time`` module, so a
test that signs one account in again does not wait up to 30 s for the next
step: ``tests.support.staff.next_code`` "sleeps" on that clock, which moves it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta, tzinfo

import pytest

from wbs_app.services.infra import clock as service_clock
from wbs_app.services.staff import totp


class MovedClock:
    def __init__(self) -> None:
        self.offset = timedelta(0)

    def advance(self, **delta: float) -> None:
        self.offset += timedelta(**delta)


@pytest.fixture
def moved_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[MovedClock]:
    moved = MovedClock()

    class Shifted(datetime):
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
            return datetime.now(tz) + moved.offset

    monkeypatch.setattr(service_clock, "datetime", Shifted)
    yield moved


class MovedTotpClock:
    """The TOTP service's ``time`` module for one test: the wall clock plus an offset.

    ``sleep`` moves the clock instead of waiting, so the in-process app sees
    the next step at once. Only for tests whose app runs in this process: a
    gunicorn server reads its own clock.
    """

    def __init__(self) -> None:
        self.offset = 0.0

    def time(self) -> float:
        return time.time() + self.offset

    def sleep(self, seconds: float) -> None:
        self.offset += seconds


@pytest.fixture
def moved_totp_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[MovedTotpClock]:
    moved = MovedTotpClock()
    monkeypatch.setattr(totp, "time", moved)
    yield moved
