"""The services themselves end staff sessions on a password change, a deactivation and a reset.

A session row holds the seed of the account: one that outlives a changed
password, a switched-off account or an erased key keeps a door open. Each case
is called here through the service alone (a Session, no request), so a caller
that forgets nothing still cannot leave a session behind; the HTTP tests in
``test_sessions.py`` show the same from the pages.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from crypto import open_seed
from tests.support.staff import make_staff, make_units, params, pepper
from wbs_app.db import app_database
from wbs_app.models import StaffMember, StaffRole
from wbs_app.services.infra.sessions import SessionPolicy
from wbs_app.services.staff import accounts, staff_admin, staff_sessions

POLICY = SessionPolicy(idle=timedelta(hours=1), absolute=timedelta(hours=8))
NEW_PASSWORD = "Toraja-kopi-sore-yang-baru-2026"


def _three_sessions(app, login) -> list[str]:
    """Three signed-in browsers of one person, as cookies."""
    with app_database(app).session() as session:
        staff = session.get(StaffMember, login.id)
        seed = open_seed(staff.sealed_seed, login.password, pepper(app))
        cookies = [staff_sessions.start(session, staff, seed, POLICY) for _ in range(3)]
        session.commit()
    return cookies


def _live(app, cookies: list[str]) -> list[bool]:
    with app_database(app).session() as session:
        return [staff_sessions.resume(session, cookie, POLICY) is not None for cookie in cookies]


def test_a_password_change_ends_every_other_session_of_the_person(app) -> None:
    units = make_units(app)
    budi = make_staff(app, "budi", unit_ids=(units["a"],))
    sitti = make_staff(app, "sitti", unit_ids=(units["a"],))
    cookies = _three_sessions(app, budi)
    colleague = _three_sessions(app, sitti)
    with app_database(app).session() as session:
        current = staff_sessions.resume(session, cookies[0], POLICY)
        assert current is not None
        changed = accounts.change_password(
            session,
            current.staff,
            budi.password,
            NEW_PASSWORD,
            NEW_PASSWORD,
            params(app),
            pepper=pepper(app),
            keep_session=current.id_hash,
        )
        session.commit()
    assert changed.sessions_ended == 2
    assert _live(app, cookies) == [True, False, False]
    assert _live(app, colleague) == [True, True, True]


@pytest.mark.parametrize("action", ["deactivate", "reset_password"])
def test_a_deactivation_or_a_reset_ends_every_session_of_the_account(app, action) -> None:
    """An account switched off, or its key erased by an administrator: none of its sessions live."""
    units = make_units(app)
    admin = make_staff(app, "admin", StaffRole.ADMIN)
    budi = make_staff(app, "budi", unit_ids=(units["a"],))
    cookies = _three_sessions(app, budi)
    admin_cookies = _three_sessions(app, admin)
    with app_database(app).session() as session:
        getattr(staff_admin, action)(session, session.get(StaffMember, admin.id), budi.id)
        session.commit()
        assert staff_sessions.active_count(session, budi.id) == 0
    assert _live(app, cookies) == [False, False, False]
    assert _live(app, admin_cookies) == [True, True, True]
