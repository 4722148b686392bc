"""Where a failed staff sign-in counts, so that the lock falls on the guessing, not the person.

Issue 18: five wrong passwords typed under a colleague's name locked them out,
because failures were counted per typed name. Now they are counted per
account, and in three places:

- **Wrong passwords from a browser the account never signed in from** count
  against the account (``staff-password``). Once that budget is spent, such
  browsers are refused before any Argon2 work; this is the bound on blind
  guessing: ``throttle.DEFAULT`` allows at most ``PASSWORD_GUESSES_PER_HOUR``
  (32) per account in any hour (5 free, then locks of 1, 2, 4 ... 60 minutes).
  An unknown name counts the same way under its typed form, so a lock tells
  nothing about existence.
- **A browser that completed a sign-in to the account** holds a *device
  cookie* (``issue_device``: a random nonce and an HMAC over it and the account
  id, keyed by the installation's pepper). Its wrong passwords count against that
  cookie alone (``staff-device``), so the owner at their own browser is never
  locked out by someone else's guessing; the same bound holds per cookie.
  The cookie names no account (the HMAC covers the account id, the cookie
  holds only the nonce and the tag), lives on the sign-in path only, and
  grants nothing but its own count: the password and the code are still needed.
- **A right password with a wrong authenticator code** counts against the
  account's second factor (``staff-factor``): only someone who knows the
  password can trip it, and then the account should stop. ``FACTOR_POLICY``
  allows at most ``FACTOR_GUESSES_PER_HOUR`` (5) per hour and 9 per day
  (3 free in a day, then locks of 15, 30 ... minutes up to a day), and its lock
  is shown only after a right password, so it tells a blind guesser nothing.

The answers stay one ``LoginFailed`` for every failure; nothing of the client
(address, agent) is kept, only hashes of keys and counts (``LoginThrottle``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from wbs_app.models import StaffMember
from wbs_app.services.staff import throttle

PASSWORD_GUESSES_PER_HOUR = 32  # what throttle.DEFAULT allows in any hour (tested)
FACTOR_POLICY = throttle.ThrottlePolicy(
    free_failures=3,
    window=timedelta(days=1),
    first_lock=timedelta(minutes=15),
    max_lock=timedelta(days=1),
)
FACTOR_GUESSES_PER_HOUR = 5  # what FACTOR_POLICY allows in any hour (tested)
DEVICE_DAYS = 180  # how long a browser keeps its device cookie
MAX_DEVICE_TOKEN = 200
_DEVICE_CONTEXT = b"lentera/staff-device/v1"


@dataclass(frozen=True)
class Guard:
    """The keys one sign-in's failures count under (see the module's docstring)."""

    password_key: bytes  # the device's own count, or the account's (or typed name's) for others
    factor_key: bytes | None  # the account's second factor; None for an unknown name
    trusted: bool  # the browser holds this account's device cookie


def guard_for(
    staff: StaffMember | None, typed_name: str, device: str | None, pepper: bytes
) -> Guard:
    """The keys for a sign-in to ``staff`` (None: no such account) from this browser."""
    if staff is None:
        return Guard(throttle.throttle_key("staff-login", typed_name), None, False)
    factor = throttle.throttle_key("staff-factor", str(staff.id))
    nonce = _device_nonce(device, staff.id, pepper)
    if nonce is not None:
        return Guard(throttle.throttle_key("staff-device", nonce), factor, True)
    return Guard(throttle.throttle_key("staff-password", str(staff.id)), factor, False)


def password_locked(session: Session, guard: Guard) -> datetime | None:
    """Checked before the Argon2 run: the end of this browser's password lock, if any."""
    return throttle.locked_until(session, guard.password_key)


def factor_locked(session: Session, guard: Guard) -> datetime | None:
    """Checked after a right password only: the end of the second factor's lock, if any."""
    return None if guard.factor_key is None else throttle.locked_until(session, guard.factor_key)


def password_failed(session: Session, guard: Guard) -> datetime | None:
    return throttle.record_failure(session, guard.password_key)


def factor_failed(session: Session, guard: Guard) -> datetime | None:
    if guard.factor_key is None:
        return None
    return throttle.record_failure(session, guard.factor_key, FACTOR_POLICY)


def succeeded(session: Session, guard: Guard) -> None:
    """A complete sign-in clears this browser's count and the second factor's.

    Not the account's count for other browsers when signing in from a device:
    the owner's sign-in must not reopen the budget of someone guessing elsewhere.
    """
    throttle.clear(session, guard.password_key)
    if guard.factor_key is not None:
        throttle.clear(session, guard.factor_key)


def issue_device(staff_id: int, pepper: bytes) -> str:
    """A device cookie's value for a browser that just completed a sign-in."""
    nonce = secrets.token_urlsafe(18)
    return f"{nonce}.{_mac(staff_id, nonce, pepper)}"


def _device_nonce(device: str | None, staff_id: int, pepper: bytes) -> str | None:
    """The nonce of a device cookie genuinely issued for ``staff_id``; None for any other value."""
    if not device or len(device) > MAX_DEVICE_TOKEN:
        return None
    nonce, _, tag = device.partition(".")
    if not nonce or not hmac.compare_digest(tag.encode(), _mac(staff_id, nonce, pepper).encode()):
        return None
    return nonce


def _mac(staff_id: int, nonce: str, pepper: bytes) -> str:
    key = hmac.digest(pepper, _DEVICE_CONTEXT, hashlib.sha256)
    tag = hmac.digest(key, f"{staff_id}|{nonce}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(tag).decode().rstrip("=")
