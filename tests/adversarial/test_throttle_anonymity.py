"""Guessing is slowed per target, never per address, and the brakes record no address.

tests/staff/test_login.py shows a locked account leaves others usable and an
unknown name locks the same way; tests/reporter/test_guessing.py shows the
receipt brake is the guessing browser's own. What is added here, against the real
gunicorn server with clients on two distinctive loopback addresses: the lock
follows the account name to another address (so it is not an address block,
and switching addresses does not escape it), the attacker's address can still
sign in to another account, the receipt brake holds back the guessing browser
and no other (on no address), and afterwards no table, the brakes' own included, holds either
address, a forwarded address or the user agent.
"""

from __future__ import annotations

import time

from sqlalchemy import inspect, select, text

from crypto import generate_code
from tests.support.live import LiveServer
from tests.support.live_client import LiveClient
from tests.support.reporter import csrf_from
from tests.support.settings import FAST_ARGON2
from tests.support.staff import StaffLogin, make_staff, make_units, sign_in
from wbs_app.database import Base
from wbs_app.db import app_database
from wbs_app.models import LoginThrottle
from wbs_app.services.staff import throttle

ATTACKER, OTHER = "127.0.0.3", "127.0.0.4"
HEADERS = {
    "X-Forwarded-For": "198.51.100.91",
    "Forwarded": "for=198.51.100.92",
    "User-Agent": "ThrottleMarkerAgent/1.0",
}


def test_login_throttle_holds_no_address_column() -> None:
    """(Failed codes are counted in the guesser's cookie: tests/reporter/test_guessing.py.)"""
    assert {c.key for c in inspect(LoginThrottle).columns} == {
        "key_hash",
        "failures",
        "window_started_at",
        "locked_until",
    }


def _receipt_login_seconds(client: LiveClient) -> tuple[int, float]:
    page = client.get("/lapor/masuk").get_data(as_text=True)
    started = time.monotonic()
    response = client.post(
        "/lapor/masuk", data={"csrf_token": csrf_from(page), "receipt": generate_code()}
    )
    return response.status_code, time.monotonic() - started


def test_locks_follow_the_target_not_the_address_and_record_none(app, instance_path) -> None:
    units = make_units(app)
    budi = make_staff(app, "budi", unit_ids=(units["a"],))
    sitti = make_staff(app, "sitti", unit_ids=(units["b"],))
    settings = {
        key: str(app.config[key]) for key in ("SECRET_KEY", "INSTALLATION_SALT", "PASSWORD_PEPPER")
    }
    settings |= {key: str(value) for key, value in FAST_ARGON2.items()}
    settings["DATABASE_URL"] = str(app.config["DATABASE_URL"])
    settings["CODE_FREE_FAILURES"] = "1"  # the guessing browser waits after 2 failures
    server = LiveServer(instance_path, settings).start()
    try:

        def client(address: str) -> LiveClient:
            return LiveClient(server.host, server.port, source_address=address, headers=HEADERS)

        wrong = StaffLogin(budi.id, budi.username, "salah-sandi-sekali-lagi", budi.totp_secret)
        statuses = [sign_in(app, client(ATTACKER), wrong).status_code for _ in range(6)]
        assert statuses == [401] * 5 + [429]
        # The lock is on the account (for browsers that never signed in to it,
        # services/staff/login_guard.py): the right password from elsewhere waits too ...
        assert sign_in(app, client(OTHER), budi).status_code == 429
        # ... and it is not an address block: the same address reaches another account.
        assert sign_in(app, client(ATTACKER), sitti).status_code == 302

        guesser = client(ATTACKER)  # one browser, keeping its cookies
        for _ in range(2):  # one free failure, then one that starts its wait
            status, _ = _receipt_login_seconds(guesser)
            assert status == 404
        # The guessing browser waits (429 with Retry-After, services/codes/guessing.py) ...
        status, _seconds = _receipt_login_seconds(guesser)
        assert status == 429
        # ... and nobody else does, whatever the address: the count is in the
        # guesser's cookie, so a new browser on the guesser's address is not braked either.
        assert _receipt_login_seconds(client(OTHER))[0] == 404
        assert _receipt_login_seconds(client(ATTACKER))[0] == 404
    finally:
        server.stop()

    with app_database(app).session() as session:
        keys = set(session.scalars(select(LoginThrottle.key_hash)))
    # The lock's key is the hash of the account alone: nothing of the client goes in.
    assert throttle.throttle_key("staff-password", str(budi.id)) in keys
    with app_database(app).engine.connect() as connection:
        rows = "\n".join(
            repr(tuple(row))
            for table in Base.metadata.sorted_tables
            for row in connection.execute(text(f'SELECT * FROM "{table.name}"'))
        )
    log = server.log()
    for needle in (ATTACKER, OTHER, "198.51.100.", "ThrottleMarkerAgent"):
        assert needle not in rows, f"{needle} stored"
        assert needle not in log, f"{needle} logged"
