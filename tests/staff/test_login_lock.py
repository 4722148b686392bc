"""The staff sign-in lock falls on the guessing, per account, and guesses stay bounded.

Issue 18: five wrong passwords typed under a colleague's name locked them out.
Now (``services.staff.login_guard``) a browser that completed a sign-in keeps
a device cookie and its own count, wrong passwords from other browsers share
the account's budget (so typing the e-mail instead of the name buys nothing),
and a right password with wrong codes locks the second factor. Each stated
bound is checked by guessing for an hour on a moved clock, through HTTP.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from tests.support.http import https_client
from tests.support.staff import StaffLogin, make_staff, make_units, next_code, sign_in
from wbs_app.db import app_database
from wbs_app.models import AuditEvent, LoginThrottle
from wbs_app.security.staff_auth import DEVICE_COOKIE
from wbs_app.services.staff import login_guard


def _wrong_password(login: StaffLogin) -> StaffLogin:
    return replace(login, password="salah-sandi-sekali-lagi")


def _wrong_code(app, login: StaffLogin) -> str:
    return f"{(int(next_code(app, login)) + 1) % 1_000_000:06d}"


def _device_of(client) -> str | None:
    cookie = client.get_cookie(DEVICE_COOKIE, path="/staf/masuk")
    return None if cookie is None else cookie.value


def test_wrong_passwords_under_a_name_do_not_keep_its_owner_out(app, moved_totp_clock) -> None:
    units = make_units(app)
    sitti = make_staff(app, "sitti", unit_ids=(units["a"],))
    owner = https_client(app)
    assert sign_in(app, owner, sitti).status_code == 302
    device = _device_of(owner)
    # A random nonce and a tag, nothing else: the cookie names no account.
    assert device and len(device.split(".")) == 2

    attacker = https_client(app)
    wrong = _wrong_password(sitti)
    # The budget is the account's, whatever name is typed: three by name, then by e-mail.
    statuses = [sign_in(app, attacker, wrong).status_code for _ in range(3)]
    by_email = replace(wrong, username="SITTI@kanwil.example")
    statuses += [sign_in(app, attacker, by_email).status_code for _ in range(3)]
    assert statuses == [401] * 5 + [429]
    # Another browser without the device cookie shares the spent budget ...
    assert sign_in(app, https_client(app), sitti).status_code == 429
    # ... but the owner's own browser does not: the right password and code get in.
    assert sign_in(app, owner, sitti).status_code == 302
    # A device cookie copied onto another account's sign-in is no device there.
    budi = make_staff(app, "budi", unit_ids=(units["b"],))
    thief = https_client(app)
    thief.set_cookie(DEVICE_COOKIE, device, path="/staf/masuk", domain="localhost")
    assert [sign_in(app, thief, _wrong_password(budi)).status_code for _ in range(6)][-1] == 429
    with app_database(app).session() as session:
        actions = session.scalars(select(AuditEvent.action)).all()
    assert actions.count("login_throttled") == 2 and "login_factor_locked" not in actions


def test_a_right_password_with_wrong_codes_locks_the_second_factor(app, moved_totp_clock) -> None:
    units = make_units(app)
    sitti = make_staff(app, "sitti", unit_ids=(units["a"],))
    owner = https_client(app)
    assert sign_in(app, owner, sitti).status_code == 302  # the owner's device
    knows_password = https_client(app)
    statuses = [
        sign_in(app, knows_password, sitti, code=_wrong_code(app, sitti)).status_code
        for _ in range(4)
    ]
    assert statuses == [401, 401, 401, 429]
    # Someone has the password: the account stops, for the owner's device too.
    locked = sign_in(app, owner, sitti)
    assert locked.status_code == 429 and "Coba lagi setelah" in locked.get_data(as_text=True)
    # A wrong password still gets the one answer for every failure: the lock
    # is told only to whoever typed the right password.
    assert sign_in(app, https_client(app), _wrong_password(sitti)).status_code == 401
    with app_database(app).session() as session:
        actions = session.scalars(select(AuditEvent.action)).all()
    assert actions.count("login_factor_locked") == 1


def _guess_for_an_hour(app, moved_clock, attempt) -> int:
    """Guess as soon as allowed for one hour (a 429 is retried 30 s later); the checked guesses."""
    checked, elapsed = 0, 0.0
    while elapsed < 3600:
        status = attempt()
        assert status in (401, 429), status
        step = 1.0 if status == 401 else 30.0
        checked += status == 401
        moved_clock.advance(seconds=step)
        elapsed += step
    return checked


def test_guesses_per_account_per_hour_stay_within_the_stated_bounds(
    app, moved_clock, moved_totp_clock
) -> None:
    units = make_units(app)
    sitti = make_staff(app, "sitti", unit_ids=(units["a"],))
    attacker = https_client(app)
    wrong = _wrong_password(sitti)
    passwords = _guess_for_an_hour(
        app, moved_clock, lambda: sign_in(app, attacker, wrong).status_code
    )
    assert passwords <= login_guard.PASSWORD_GUESSES_PER_HOUR
    assert passwords >= login_guard.PASSWORD_GUESSES_PER_HOUR - 3, "the bound is stated tight"

    budi = make_staff(app, "budi", unit_ids=(units["b"],))
    codes = _guess_for_an_hour(
        app,
        moved_clock,
        lambda: sign_in(app, attacker, budi, code=_wrong_code(app, budi)).status_code,
    )
    assert codes <= login_guard.FACTOR_GUESSES_PER_HOUR
    print(f"per account and hour: {passwords} wrong passwords, {codes} wrong codes checked")
    with app_database(app).session() as session:
        assert session.query(LoginThrottle).count() == 2  # sitti's browsers, budi's factor
