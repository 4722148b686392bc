"""A stolen database alone tests no password (issue 17): the pepper in instance/.

Every staff seed is sealed under Argon2id(password) and PASSWORD_PEPPER
(crypto.passwords, blob v2). These tests take the thief's side: with the
database and a password guess, even the right one, nothing can be checked
without the pepper; nothing else stored depends on the password; a seal from
before the pepper (v1) becomes v2 at the person's next sign-in over HTTP.
"""

from __future__ import annotations

import re
import secrets

import pytest
from sqlalchemy import select

from crypto import DecryptionError, argon2id, open_seed, seal_version
from crypto.passwords import HEADER, SALT_BYTES
from tests.support.http import https_client
from tests.support.seals import seal_seed_v1
from tests.support.staff import csrf_token, make_staff, make_units, params, pepper, sign_in
from tests.support.world import snapshot
from wbs_app.db import app_database
from wbs_app.models import AuditEvent, StaffMember
from wbs_app.services.staff import staff_login
from wbs_app.services.staff.staff_login import LoginFailed


def _stored_seal(app, staff_id: int) -> bytes:
    with app_database(app).session() as session:
        sealed = session.scalar(select(StaffMember.sealed_seed).where(StaffMember.id == staff_id))
    assert sealed is not None
    return sealed


def _page(response) -> str:
    """The answer without its one per-request value (the CSRF token)."""
    return re.sub(r'value="[^"]*"', 'value=""', response.get_data(as_text=True))


def _failure(sealed: bytes, password: str, guessed_pepper: bytes) -> tuple[type, tuple, str]:
    with pytest.raises(DecryptionError) as failed:
        open_seed(sealed, password, guessed_pepper)
    return type(failed.value), failed.value.args, str(failed.value)


def test_a_copy_of_the_database_without_instance_cannot_check_a_password_guess(app) -> None:
    budi = make_staff(app, "budi", unit_ids=(make_units(app)["a"],))
    sealed = _stored_seal(app, budi.id)
    assert seal_version(sealed) == 2
    real = pepper(app)
    assert open_seed(sealed, budi.password, real)  # the server, which has instance/
    # The thief has the row and, say, the right password, but no pepper:
    # what the right guess yields is what a wrong guess yields.
    wrong = _failure(sealed, budi.password + "x", secrets.token_bytes(32))
    for guessed in (bytes(32), secrets.token_bytes(32), real[::-1]):
        assert _failure(sealed, budi.password, guessed) == wrong
    # Nor is the Argon2id output of the right password (all a thief can compute) stored anywhere.
    salt = sealed[HEADER.size : HEADER.size + SALT_BYTES]
    stretched = argon2id(budi.password.encode(), salt, params(app))
    dump = repr(snapshot(app)).encode()
    for needle in (stretched, budi.password.encode(), real):
        assert needle not in dump and needle.hex().encode() not in dump


def test_a_server_beside_the_copy_with_another_pepper_answers_the_right_password_as_a_wrong_one(
    app, make_app
) -> None:
    """The thief's own server on the copy: right password and code fail like a typo."""
    budi = make_staff(app, "budi", unit_ids=(make_units(app)["a"],))
    thief = make_app(PASSWORD_PEPPER=secrets.token_hex(32))  # the copy has no fingerprint
    right = sign_in(thief, https_client(thief), budi)
    typo = budi.__class__(budi.id, budi.username, budi.password + "x", budi.totp_secret)
    wrong = sign_in(thief, https_client(thief), typo)
    assert right.status_code == wrong.status_code == 401
    assert _page(right) == _page(wrong)
    assert "tidak benar" in _page(right)
    assert seal_version(_stored_seal(app, budi.id)) == 2  # and nothing was rewritten
    with app_database(thief).session() as session, pytest.raises(LoginFailed):
        staff_login.authenticate(
            session, "budi", budi.password, "000000", params(thief), pepper=pepper(thief)
        )


def test_nothing_but_the_seal_can_tell_the_new_password_from_the_old(app) -> None:
    """After a password change every stored value but the seal is as it was.

    So the TOTP secret's seal, the sessions, the tokens and the journal do
    not depend on the password: none of them can test a guess. (The TOTP
    secret is sealed under a key derived from the seed, which only the v2
    seal gives, and only with the pepper.)
    """
    budi = make_staff(app, "budi", unit_ids=(make_units(app)["a"],))
    client = https_client(app)
    assert sign_in(app, client, budi).status_code == 302
    token = csrf_token(client, "/staf/kata-sandi")
    before = snapshot(app)
    new_password = "hujan-di-losari-senja-" + secrets.token_hex(2)
    response = client.post(
        "/staf/kata-sandi",
        data={
            "csrf_token": token,
            "current": budi.password,
            "password": new_password,
            "password_confirm": new_password,
        },
    )
    assert response.status_code == 302
    after = snapshot(app)
    changed = sorted(name for name in before if before[name] != after[name])
    assert changed == ["audit_events", "staff_members"]
    new_events = set(after["audit_events"]) - set(before["audit_events"])
    action = AuditEvent.__table__.columns.keys().index("action")
    assert {event[action] for event in new_events} == {"password_changed"}
    (old_row,) = before["staff_members"]
    (new_row,) = after["staff_members"]
    columns = StaffMember.__table__.columns.keys()
    differing = [name for name, a, b in zip(columns, old_row, new_row, strict=True) if a != b]
    assert differing == ["sealed_seed"]
    assert seal_version(new_row[columns.index("sealed_seed")]) == 2


def _password_seals(app) -> list[str]:
    """What ``wbs password-seals`` prints, each line cut at its first clause."""
    result = app.test_cli_runner().invoke(args=["wbs", "password-seals"])
    assert result.exit_code == 0, result.output
    return [line.split(";")[0].split(" accounts")[0] for line in result.output.splitlines()]


def test_a_v1_seal_becomes_v2_at_the_next_sign_in(app) -> None:
    budi = make_staff(app, "budi", unit_ids=(make_units(app)["a"],))
    seed = open_seed(_stored_seal(app, budi.id), budi.password, pepper(app))
    with app_database(app).session() as session:  # as a release before the pepper left it
        row = session.get(StaffMember, budi.id)
        row.sealed_seed = seal_seed_v1(seed, budi.password, params(app))
    assert seal_version(_stored_seal(app, budi.id)) == 1
    assert _password_seals(app) == ["budi: sealed under the password alone", "1 active"]

    assert sign_in(app, https_client(app), budi).status_code == 302
    moved = _stored_seal(app, budi.id)
    assert seal_version(moved) == 2
    assert _password_seals(app) == ["0 active"]
    assert open_seed(moved, budi.password, pepper(app)) == seed  # the same identity
    with pytest.raises(DecryptionError):
        open_seed(moved, budi.password, secrets.token_bytes(32))

    assert sign_in(app, https_client(app), budi).status_code == 302
    assert _stored_seal(app, budi.id) == moved, "a v2 seal is not sealed again"


def test_a_wrong_password_leaves_a_v1_seal_as_it_is(app) -> None:
    """Only a complete sign-in re-seals: a guess must not rewrite (or learn from) the row."""
    budi = make_staff(app, "budi", unit_ids=(make_units(app)["a"],))
    seed = open_seed(_stored_seal(app, budi.id), budi.password, pepper(app))
    old = seal_seed_v1(seed, budi.password, params(app))
    with app_database(app).session() as session:
        session.get(StaffMember, budi.id).sealed_seed = old
    typo = budi.__class__(budi.id, budi.username, budi.password + "x", budi.totp_secret)
    assert sign_in(app, https_client(app), typo).status_code == 401
    assert _stored_seal(app, budi.id) == old
