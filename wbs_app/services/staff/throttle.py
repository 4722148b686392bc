"""Slowing down password guessing per account, without recording who is guessing.

Failures are counted per hash of the account name typed (known or not, so a
lock reveals nothing about existence). After ``FREE_FAILURES`` failures within
``WINDOW`` the name is locked for a period that doubles with every further
failure, up to ``MAX_LOCK``. Other accounts are untouched: an attacker cannot
lock everyone out by hammering one name. The counters live in the database so
that every app server sees the same ones.

A ``ThrottlePolicy`` names those four numbers; ``DEFAULT`` is the one above.
Staff sign-in (``services.staff.login_guard``) counts wrong passwords and
wrong second factors under their own keys and policies.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from wbs_app.models import LoginThrottle
from wbs_app.services.infra.clock import utcnow

FREE_FAILURES = 5
WINDOW = timedelta(minutes=15)
FIRST_LOCK = timedelta(minutes=1)
MAX_LOCK = timedelta(hours=1)


@dataclass(frozen=True)
class ThrottlePolicy:
    """Free failures within a window, then a lock from ``first_lock`` doubling up to ``max_lock``.

    A window starts with a failure; it ends (the count starts again) only when
    it is older than ``window`` and no lock is running.
    """

    free_failures: int
    window: timedelta
    first_lock: timedelta
    max_lock: timedelta


DEFAULT = ThrottlePolicy(FREE_FAILURES, WINDOW, FIRST_LOCK, MAX_LOCK)


def throttle_key(scope: str, name: str) -> bytes:
    return hashlib.sha256(f"lentera/throttle/{scope}/{name.strip().casefold()}".encode()).digest()


def locked_until(session: Session, key: bytes) -> datetime | None:
    """When the name may be tried again, if it is locked now."""
    row = session.get(LoginThrottle, key)
    if row is None or row.locked_until is None or row.locked_until <= utcnow():
        return None
    return row.locked_until


def record_failure(
    session: Session, key: bytes, policy: ThrottlePolicy = DEFAULT
) -> datetime | None:
    """Count a failure; return the new lock's end if this failure locks the name."""
    now = utcnow()
    row = session.scalar(
        select(LoginThrottle).where(LoginThrottle.key_hash == key).with_for_update()
    )
    if row is None:
        row = LoginThrottle(key_hash=key, failures=0, window_started_at=now)
        session.add(row)
    elif row.window_started_at + policy.window < now and (
        row.locked_until is None or row.locked_until <= now
    ):
        row.failures = 0
        row.window_started_at = now
    row.failures += 1
    if row.failures < policy.free_failures:
        session.flush()
        return None
    excess = min(row.failures - policy.free_failures, 32)  # no huge powers: max_lock caps it
    lock = min(policy.first_lock * (2**excess), policy.max_lock)
    row.locked_until = now + lock
    session.flush()
    return row.locked_until


def clear(session: Session, key: bytes) -> None:
    row = session.get(LoginThrottle, key)
    if row is not None:
        session.delete(row)
        session.flush()
