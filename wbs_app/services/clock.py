"""The one place services read the time, so that expiry rules compare like with like."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta


def utcnow() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    """Reporter-facing times are kept to the day (DESIGN.md section 5)."""
    return utcnow().date()


# Rows a reporter's or respondent's action writes (drafts, kept messages,
# receipt hand-overs, their files) keep times only to this step: an expiry
# renewed at each save would otherwise record when the person last typed.
COARSE = timedelta(hours=1)


def floor_to(moment: datetime, step: timedelta = COARSE) -> datetime:
    """``moment`` rounded down to a whole ``step`` since the epoch (UTC)."""
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    return epoch + ((moment - epoch) // step) * step


def coarse_expiry(lifetime: timedelta, step: timedelta = COARSE) -> datetime:
    """An expiry at least ``lifetime`` from now, on a whole ``step``: it tells no minute."""
    end = utcnow() + lifetime
    floored = floor_to(end, step)
    return floored if floored == end else floored + step
