"""Making staff accounts through the real services, and signing them in over HTTP."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from crypto import Argon2Params, Identity, open_seed
from tests.support.http import CSRF_RE, https_client
from wbs_app.db import app_database
from wbs_app.models import StaffMember, StaffRole, Unit
from wbs_app.services.office import organisation
from wbs_app.services.staff import accounts, totp
from wbs_app.services.staff.accounts import Credentials
from wbs_app.settings import settings

SECRET_RE = re.compile(r'name="totp_secret" type="hidden" value="([^"]+)"')

# The password a person chooses in the set-up and activation forms of the tests.
PASSWORD = "kopi-toraja-pagi-hari"


def enrolment_fields(page: str, when: float | None = None) -> dict[str, str]:
    """What a person takes from an enrolment page (set-up or activation) into its form.

    The form's CSRF token, the authenticator secret the page shows, and the
    code an authenticator app shows for that secret at ``when`` (now).
    """
    secret_text = SECRET_RE.search(page).group(1)
    secret = totp.parse_secret_text(secret_text)
    assert secret is not None
    return {
        "csrf_token": CSRF_RE.search(page).group(1),
        "totp_secret": secret_text,
        "totp_code": totp.code_at(secret, totp.time.time() if when is None else when),
    }


def activation_fields(token: str, username: str, password: str) -> dict[str, str]:
    """The rest of an activation form: the link's token, the chosen name and password."""
    return {"kode": token, "username": username, "password": password, "password_confirm": password}


def setup_link(app: Flask) -> str:
    """The first-run set-up link, as ``flask wbs setup-link`` prints it."""
    result = app.test_cli_runner().invoke(args=["wbs", "setup-link"])
    assert result.exit_code == 0, result.output
    match = re.search(r"(/staf/penyiapan\?kode=[\w-]+)", result.output)
    assert match, result.output
    return match.group(1)


def setup_form(client: FlaskClient, link: str, **overrides: str) -> dict[str, str]:
    """The set-up form of ``link`` filled in for Andi, the first administrator."""
    page = client.get(link).get_data(as_text=True)
    data = enrolment_fields(page) | activation_fields(link.split("kode=")[1], "andi", PASSWORD)
    data |= {"display_name": "Andi Admin", "email": "andi@kanwil.example"}
    return data | overrides


@dataclass
class StaffLogin:
    id: int
    username: str
    password: str
    totp_secret: bytes


def params(app: Flask) -> Argon2Params:
    return settings(app).argon2


def make_units(app: Flask) -> dict[str, int]:
    """A Kanwil with two UPTs; returns their ids by short name."""
    with app_database(app).session() as session:
        kanwil = organisation.create_unit(session, None, "Kanwil Sulawesi Selatan", None)
        upt_a = organisation.create_unit(session, None, "UPT Makassar", kanwil.id)
        upt_b = organisation.create_unit(session, None, "UPT Parepare", kanwil.id)
        return {"kanwil": kanwil.id, "a": upt_a.id, "b": upt_b.id}


def make_staff(
    app: Flask,
    username: str,
    role: StaffRole = StaffRole.INVESTIGATOR,
    unit_ids: tuple[int, ...] = (),
    certified: bool = True,
) -> StaffLogin:
    """An active account made by the same services the web pages use.

    A handler (investigator or supervisor) is also certified by the test
    custodians' root, the fingerprint read from its own key as a custodian
    would hear it, so that it receives case keys as handlers did before
    certificates; ``certified=False`` leaves it waiting.
    """
    password = f"Sulawesi-{secrets.token_hex(4)}-kopi-pagi"
    secret = totp.new_secret()
    # Enrol with the previous step's code (one step of drift is allowed), which
    # leaves the current and the next step free for two logins without waiting.
    # Near a step's end that code would expire while the enrolment runs: the
    # current step's then, which stays valid past the boundary (and the step
    # after the boundary is free too), instead of waiting for the boundary.
    moment = totp.time.time()  # the TOTP service's clock (tests.support.clock may move it)
    near_the_end = totp.STEP_SECONDS - moment % totp.STEP_SECONDS < 2
    step = totp.current_step(moment) - (0 if near_the_end else 1)
    previous = step * totp.STEP_SECONDS
    credentials = Credentials(username, password, password, secret, totp.code_at(secret, previous))
    with app_database(app).session() as session:
        email = f"{username}@kanwil.example"
        if role is StaffRole.ADMIN and not accounts.has_admin(session):
            token = accounts.issue_setup_token(session)
            assert token is not None
            staff = accounts.complete_setup(
                session, token, email, username.title(), credentials, params(app)
            )
        else:
            staff, token = accounts.invite(
                session, None, email, username.title(), role, list(unit_ids)
            )
            staff = accounts.activate(session, token, credentials, params(app))
        staff_id = staff.id
    if certified and role is not StaffRole.ADMIN:
        certify_by_test_root(app, staff_id)
    return StaffLogin(staff_id, username, password, secret)


def identity_of(app: Flask, login: StaffLogin) -> Identity:
    """The identity ``login``'s password unlocks, as a sign-in would (for signing in tests)."""
    with app_database(app).session() as session:
        staff = session.get(StaffMember, login.id)
        assert staff is not None and staff.sealed_seed is not None
        return Identity(open_seed(staff.sealed_seed, login.password))


def certify_by_test_root(app: Flask, staff_id: int) -> None:
    """The test custodians certify ``staff_id``'s current key (tests.support.trust)."""
    from tests.support.trust import certify_by_test_root as certify

    certify(app, staff_id)


def next_code(app: Flask, login: StaffLogin) -> str:
    """A code not used before: the earliest step the server accepts (one step of drift).

    The server accepts the steps before, at and after its current one, each
    once. A code for the step before expires at the next boundary, so it is
    not used in a step's last two seconds (the request must still find it
    valid); a code for the current or the next step stays valid past it. Only
    when all of them are used does this wait, until the boundary opens one more
    (on ``tests.support.clock.moved_totp_clock``, the wait moves the clock at once).
    """
    with app_database(app).session() as session:
        last = session.scalar(select(StaffMember.totp_last_step).where(StaffMember.id == login.id))
    while True:
        moment = totp.time.time()  # the TOTP service's clock (tests.support.clock may move it)
        now = totp.current_step(moment)
        left = totp.STEP_SECONDS - moment % totp.STEP_SECONDS
        earliest = now - 1 if left >= 2 else now
        step = max(earliest, (last or 0) + 1)
        if step <= now + 1:
            return totp.code_at(login.totp_secret, step * totp.STEP_SECONDS)
        totp.time.sleep(left + 0.1)


def csrf_token(client: FlaskClient, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    match = CSRF_RE.search(page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def sign_in(app: Flask, client: FlaskClient, login: StaffLogin, code: str | None = None):
    token = csrf_token(client, "/staf/masuk")
    return client.post(
        "/staf/masuk",
        data={
            "csrf_token": token,
            "login": login.username,
            "password": login.password,
            "code": code or next_code(app, login),
        },
    )


def signed_in(app: Flask, login: StaffLogin) -> FlaskClient:
    """A browser on HTTPS with ``login`` signed in (password and a fresh TOTP code)."""
    client = https_client(app)
    assert sign_in(app, client, login).status_code == 302
    return client


def unit_id(app: Flask, name: str) -> int:
    with app_database(app).session() as session:
        found = session.scalar(select(Unit.id).where(Unit.name == name))
        assert found is not None
        return found
