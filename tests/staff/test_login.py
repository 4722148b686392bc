"""Staff login: three factors, one answer for every failure, replay, throttling."""

from __future__ import annotations

from sqlalchemy import select

from tests.support.http import CSRF_RE
from tests.support.staff import make_staff, make_units, next_code, sign_in
from wbs_app.db import app_database
from wbs_app.models import AuditEvent, StaffRole
from wbs_app.security.staff_auth import COOKIE
from wbs_app.services.staff import totp


def _failure_body(response) -> str:
    body = response.get_data(as_text=True)
    # Strip the one per-request value (the CSRF token) before comparing pages.
    import re

    return re.sub(r'value="[^"]*"', 'value=""', body)


def test_every_wrong_factor_gets_the_same_answer(app, client) -> None:
    units = make_units(app)
    staff = make_staff(app, "budi", unit_ids=(units["a"],))
    good = next_code(app, staff)
    wrong_code = f"{(int(good) + 1) % 1_000_000:06d}"
    attempts = {
        "unknown user": {"login": "nobody", "password": staff.password, "code": good},
        "wrong password": {"login": "budi", "password": staff.password + "x", "code": good},
        "wrong code": {"login": "budi", "password": staff.password, "code": wrong_code},
    }
    bodies = {}
    for name, data in attempts.items():
        page = client.get("/staf/masuk").get_data(as_text=True)
        data["csrf_token"] = CSRF_RE.search(page).group(1)
        response = client.post("/staf/masuk", data=data)
        assert response.status_code == 401, name
        assert COOKIE not in response.headers.get("Set-Cookie", "")
        bodies[name] = _failure_body(response)
    assert len(set(bodies.values())) == 1
    assert "tidak benar" in bodies["unknown user"]


def test_login_by_email_and_by_username(app, client) -> None:
    staff = make_staff(app, "admin", StaffRole.ADMIN)
    response = sign_in(app, client, staff)
    assert response.status_code == 302 and response.headers["Location"].endswith("/staf/admin/")
    other = app.test_client()
    other.environ_base["wsgi.url_scheme"] = "https"
    staff.username = "ADMIN@kanwil.example"
    assert sign_in(app, other, staff).status_code == 302


def test_totp_code_is_refused_the_second_time(app, client) -> None:
    staff = make_staff(app, "admin", StaffRole.ADMIN)
    code = next_code(app, staff)
    assert sign_in(app, client, staff, code=code).status_code == 302
    replay = app.test_client()
    replay.environ_base["wsgi.url_scheme"] = "https"
    assert sign_in(app, replay, staff, code=code).status_code == 401


def test_throttling_one_account_leaves_another_usable(app, client) -> None:
    units = make_units(app)
    victim = make_staff(app, "sitti", unit_ids=(units["a"],))
    other = make_staff(app, "budi", unit_ids=(units["b"],))
    wrong = type(victim)(victim.id, victim.username, "wrong-password-123", victim.totp_secret)
    statuses = [sign_in(app, client, wrong).status_code for _ in range(6)]
    assert statuses[:5] == [401] * 5 and statuses[5] == 429
    locked = sign_in(app, client, victim)  # even the right password waits now
    assert locked.status_code == 429
    assert "Coba lagi setelah" in locked.get_data(as_text=True)
    # An unknown name is throttled the same way, so a lock reveals nothing.
    ghost = type(victim)(0, "ghost", "wrong-password-123", victim.totp_secret)
    assert [sign_in(app, client, ghost).status_code for _ in range(6)][-1] == 429
    assert sign_in(app, client, other).status_code == 302
    with app_database(app).session() as session:
        actions = session.scalars(select(AuditEvent.action)).all()
    assert "login_throttled" in actions and "login" in actions


def test_overlong_password_is_refused_before_work(app, client) -> None:
    staff = make_staff(app, "admin", StaffRole.ADMIN)
    staff.password = "x" * 100_000
    response = sign_in(app, client, staff)
    assert response.status_code == 400


def test_code_from_far_future_is_refused(app, client) -> None:
    staff = make_staff(app, "admin", StaffRole.ADMIN)
    future = totp.code_at(staff.totp_secret, (totp.current_step() + 3) * totp.STEP_SECONDS)
    assert sign_in(app, client, staff, code=future).status_code == 401
