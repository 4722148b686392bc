"""Slowing down code guessing without knowing who guesses.

Receipt and invitation codes are 63-bit secrets behind one Argon2id run each,
so guessing one is hopeless; what remains is to make mass guessing slower
still without recording anything about the guesser. Failed code logins are
counted per minute for the whole installation; while the current and the
previous minute hold more than the allowed number, every code login (known
or unknown code alike, so timing reveals nothing) waits a delay that grows
with the excess. Legitimate reporters are slowed by seconds during an attack,
never locked out.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from wbs_app.models import FailureWindow
from wbs_app.services.infra.clock import utcnow

MAX_DELAY_SECONDS = 5.0
STEP_SECONDS = 0.25


def _window(now: datetime) -> datetime:
    return now.replace(second=0, microsecond=0)


def record_failure(session: Session, scope: str) -> None:
    """Count one failed code login in this minute (in its own small transaction)."""
    start = _window(utcnow())
    updated = session.execute(
        update(FailureWindow)
        .where(FailureWindow.scope == scope, FailureWindow.window_start == start)
        .values(failures=FailureWindow.failures + 1)
    )
    if getattr(updated, "rowcount", 0) == 0:
        try:
            with session.begin_nested():
                session.add(FailureWindow(scope=scope, window_start=start, failures=1))
        except IntegrityError:
            session.execute(
                update(FailureWindow)
                .where(FailureWindow.scope == scope, FailureWindow.window_start == start)
                .values(failures=FailureWindow.failures + 1)
            )
    session.execute(
        delete(FailureWindow).where(
            FailureWindow.scope == scope, FailureWindow.window_start < start - timedelta(minutes=5)
        )
    )


def delay_seconds(session: Session, scope: str, allowed_per_minute: int) -> float:
    """How long every code login should wait now (0 unless failures are over the limit)."""
    start = _window(utcnow())
    recent = session.scalar(
        select(func.coalesce(func.sum(FailureWindow.failures), 0)).where(
            FailureWindow.scope == scope, FailureWindow.window_start >= start - timedelta(minutes=1)
        )
    )
    excess = int(recent or 0) - 2 * allowed_per_minute
    if excess <= 0:
        return 0.0
    return min(MAX_DELAY_SECONDS, STEP_SECONDS * excess)
