"""The one place services read the time, so that expiry rules compare like with like."""

from __future__ import annotations

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    """Reporter-facing times are kept to the day (DESIGN.md section 5)."""
    return utcnow().date()
