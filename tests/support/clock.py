"""Moving the services' clock forward, instead of sleeping.

Every service reads the time through ``wbs_app.services.infra.clock`` (``utcnow``,
``today``), so shifting what ``datetime.now`` answers there moves expiry,
idle timeouts and deadlines for the app while the test runs in an instant.
The CSRF tokens' own timer (itsdangerous, ``time.time``) is not moved.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, tzinfo

import pytest

from wbs_app.services.infra import clock as service_clock


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
