"""The one place services read the time, so that expiry rules compare like with like.

``as_of`` runs services as if it were earlier: the demo (``wbs seed-demo``)
uses it to give its cases a history (a report received six weeks ago, its
deadline passed) made by the same calls as today's work, instead of writing
dates into rows. The shift is a context variable, zero unless a caller set
it, so it reaches only the code run inside the ``with`` on that thread.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

_SHIFT: ContextVar[timedelta] = ContextVar("lentera_clock_shift", default=timedelta(0))


def utcnow() -> datetime:
    return datetime.now(UTC) - _SHIFT.get()


@contextmanager
def as_of(ago: timedelta) -> Iterator[None]:
    """The services' clock reads ``ago`` earlier than the real one until the block ends."""
    if ago < timedelta(0):
        raise ValueError("as_of moves the clock back, never ahead")
    token = _SHIFT.set(ago)
    try:
        yield
    finally:
        _SHIFT.reset(token)


def today() -> date:
    """Reporter-facing times are kept to the day (DESIGN.md section 5)."""
    return utcnow().date()


# Rows a reporter's or respondent's action writes keep times only to a step:
# an expiry renewed at each save would otherwise record when the person last
# typed. Receipt hand-overs (minutes long) use their own lifetime as the step;
# drafts, kept messages and their files the day (``DAY``, issue 18).
COARSE = timedelta(hours=1)


def floor_to(moment: datetime, step: timedelta = COARSE) -> datetime:
    """``moment`` rounded down to a whole ``step`` since the epoch (UTC)."""
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    return epoch + ((moment - epoch) // step) * step


def coarse_expiry(lifetime: timedelta, step: timedelta = COARSE) -> datetime:
    """An expiry at least ``lifetime`` from now, on a whole ``step``: it tells no minute."""
    return ceil_to(utcnow() + lifetime, step)


DAY = timedelta(days=1)


def ceil_to(moment: datetime, step: timedelta = COARSE) -> datetime:
    """``moment`` rounded up to a whole ``step`` since the epoch (UTC)."""
    floored = floor_to(moment, step)
    return floored if floored == moment else floored + step


def local_today(timezone: str) -> date:
    """The office's own date (``TIMEZONE``): at 07:00 in Makassar it is still yesterday in UTC."""
    return utcnow().astimezone(ZoneInfo(timezone)).date()
