"""Argon2 work is bounded per process, and over-long input never reaches Argon2 at all.

Every Argon2id run on a request holds a slot of the app's gate
(``services.infra.argon2_gate``): the first test proves it by counting the real
Argon2 calls (argon2-cffi's ``hash_secret_raw``, wrapped to count and still
run) beside the gate's own count on every path that derives a key, and shows
that over-long passwords, receipts and invitation codes cost zero runs, and
tries SQLite's write lock at every run: no run is made inside a write
transaction. The floods are in ``test_argon2_flood.py``.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from werkzeug.serving import make_server

import crypto.kdf
from crypto import generate_code
from tests.support.casework import examine
from tests.support.http import QuietHandler, https_client
from tests.support.reporter import RECEIPT_RE, Report, csrf_from, follow, submit_report
from tests.support.respondent import ONCE_RE
from tests.support.staff import (
    activation_fields,
    csrf_token,
    enrolment_fields,
    make_staff,
    make_units,
    sign_in,
)
from wbs_app.appctx import ARGON2_GATE
from wbs_app.db import app_database
from wbs_app.models import StaffRole
from wbs_app.services.infra.argon2_gate import Argon2Gate
from wbs_app.services.staff import accounts

PASSWORD = "Tanjung-Bira-pasir-putih"


class Argon2Counter:
    """Counts argon2-cffi's raw hash calls (they still run) beside the gate's count.

    On SQLite it also tries the database's write lock at each call: a run made
    inside a write transaction keeps every other writer waiting for it (and
    for its wait in the gate's queue), which the services must never do.
    """

    def __init__(self, app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        self.gate: Argon2Gate = app.extensions[ARGON2_GATE]
        self.calls = 0
        self.under_lock = 0
        real = crypto.kdf.hash_secret_raw
        engine = app_database(app).engine
        database = engine.url.database if engine.dialect.name == "sqlite" else None

        def counted(*args: Any, **kwargs: Any) -> bytes:
            self.calls += 1
            if database is not None and _write_lock_taken(database):
                self.under_lock += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(crypto.kdf, "hash_secret_raw", counted)

    @contextmanager
    def expect(self, runs: int, what: str) -> Iterator[None]:
        calls, gated, locked = self.calls, self.gate.runs, self.under_lock
        yield
        assert (self.calls - calls, self.gate.runs - gated) == (runs, runs), (
            f"{what}: {self.calls - calls} Argon2 runs, {self.gate.runs - gated} through the gate,"
            f" expected {runs}"
        )
        assert self.under_lock == locked, f"{what}: Argon2 ran inside a write transaction"


def _write_lock_taken(database: str) -> bool:
    """Whether another connection holds SQLite's write lock (tried without waiting)."""
    probe = sqlite3.connect(database, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        probe.close()


def _login(client, name: str, password: str, code: str = "123456"):
    token = csrf_token(client, "/staf/masuk")
    return client.post(
        "/staf/masuk",
        data={"csrf_token": token, "login": name, "password": password, "code": code},
    )


def _code_login(client, path: str, field: str, code: str):
    page = client.get(path).get_data(as_text=True)
    return client.post(path, data={"csrf_token": csrf_from(page), field: code})


def _invitation_token(app, unit: int) -> str:
    with app_database(app).session() as session:
        _, token = accounts.invite(
            session, None, "andi@kanwil.example", "Andi", StaffRole.INVESTIGATOR, [unit]
        )
    return token


def _activation(client, token: str, password: str):
    page = client.get(f"/staf/aktivasi?kode={token}").get_data(as_text=True)
    data = enrolment_fields(page) | activation_fields(token, "andi", password)
    return client.post("/staf/aktivasi", data=data)


def _change_password(client, current: str, new: str):
    token = csrf_token(client, "/staf/kata-sandi")
    return client.post(
        "/staf/kata-sandi",
        data={"csrf_token": token, "current": current, "password": new, "password_confirm": new},
    )


def _invite(client, case_id: int) -> str:
    examine(client, case_id)
    form_page = client.get(f"/staf/pengelola/kasus/{case_id}").get_data(
        as_text=True
    )  # under examination
    token = csrf_from(form_page)
    created = client.post(
        f"/staf/pengelola/kasus/{case_id}/undangan",
        data={
            "csrf_token": token,
            "once": ONCE_RE.search(form_page).group(1),
            "name": "Pejabat",
            "allegation": "Diduga meminta biaya.",
            "role": "accused",
            "days": "14",
        },
    )
    assert created.status_code == 303
    letter = follow(client, created)
    return RECEIPT_RE.search(letter.get_data(as_text=True)).group(1)


def test_every_argon2_run_on_a_request_holds_a_gate_slot_and_overlong_input_costs_none(
    app, org, monkeypatch
) -> None:
    counter = Argon2Counter(app, monkeypatch)
    long_password = "k" * 257  # one over password_policy.MAX_LENGTH
    huge = "9" * 100_000

    reporter = https_client(app)
    with counter.expect(1, "intake: the receipt's derivation"):
        receipt = submit_report(reporter, Report(unit=org.units["a"], what="laporan"))
    for text in ("1" * 65, "1234 " * 30, huge):
        with counter.expect(0, f"over-long receipt of {len(text)} characters"):
            assert (
                _code_login(https_client(app), "/lapor/masuk", "receipt", text).status_code == 400
            )
    with counter.expect(0, "mistyped receipt"):
        digits = receipt.replace(" ", "")
        typo = digits[:-1] + str((int(digits[-1]) + 1) % 10)
        assert _code_login(https_client(app), "/lapor/masuk", "receipt", typo).status_code == 400
    with counter.expect(1, "unknown receipt"):
        unknown = _code_login(https_client(app), "/lapor/masuk", "receipt", generate_code())
        assert unknown.status_code == 404
    with counter.expect(1, "known receipt"):
        assert _code_login(https_client(app), "/lapor/masuk", "receipt", receipt).status_code == 302

    budi = https_client(app)
    for name, password in (("budi", long_password), ("budi", huge), ("nobody", long_password)):
        with counter.expect(0, f"staff login with a {len(password)}-character password"):
            assert _login(https_client(app), name, password).status_code == 400
    with counter.expect(0, "staff login with an over-long name"):
        assert _login(https_client(app), "b" * 300, "x" * 20).status_code == 400
    with counter.expect(1, "unknown staff user"):
        assert _login(https_client(app), "nobody", "Sulawesi-0000-kopi-pagi").status_code == 401
    with counter.expect(1, "known staff user, wrong password"):
        assert _login(https_client(app), "budi", "Sulawesi-0000-kopi-pagi").status_code == 401
    with counter.expect(1, "staff login"):
        assert sign_in(app, budi, org.budi).status_code == 302

    with app_database(app).session() as session:
        from sqlalchemy import select

        from wbs_app.models import Case

        case_id = session.scalar(select(Case.id))
    with counter.expect(1, "invitation: the code's derivation"):
        code = _invite(budi, case_id)
    for text in ("2" * 65, huge):
        with counter.expect(0, "over-long invitation code"):
            response = _code_login(https_client(app), "/klarifikasi/masuk", "code", text)
            assert response.status_code == 400
    with counter.expect(1, "unknown invitation code"):
        response = _code_login(https_client(app), "/klarifikasi/masuk", "code", generate_code())
        assert response.status_code == 404
    # The first sign-in with the printed code also derives the new code (issue 15, item 5).
    with counter.expect(2, "first sign-in with the printed code, and the new code's derivation"):
        assert _code_login(https_client(app), "/klarifikasi/masuk", "code", code).status_code == 302

    for current, new in ((long_password, PASSWORD), (org.budi.password, long_password)):
        with counter.expect(0, "password change with an over-long password"):
            assert _change_password(budi, current, new).status_code == 400
    with counter.expect(2, "password change: open with the old, seal with the new"):
        assert _change_password(budi, org.budi.password, PASSWORD).status_code == 302

    token = _invitation_token(app, org.units["a"])
    with counter.expect(0, "activation with an over-long password"):
        assert _activation(https_client(app), token, long_password).status_code == 400
    with counter.expect(1, "activation"):
        assert _activation(https_client(app), token, PASSWORD).status_code == 302
    for _ in range(5):
        with counter.expect(1, "failed login"):
            _login(https_client(app), "andi", "Sulawesi-0000-kopi-pagi")
    with counter.expect(0, "staff login by a throttled name"):
        assert _login(https_client(app), "andi", PASSWORD).status_code == 429


def test_the_guessing_brake_refuses_at_once_and_costs_no_argon2(make_app) -> None:
    """A browser whose codes failed gets 429 with Retry-After at once; others get their run.

    First the brake slept outside any bound (a guessing flood put every server
    thread to sleep); then it slept inside an Argon2 slot, which let a few
    guessers keep staff sign-ins and new reports out of the gate; then it
    refused every code login of the installation. Now it refuses the guessing
    browser only (``services.codes.guessing``), before any work: no thread
    sleeps, no slot is taken, and another browser and a staff sign-in still
    get their Argon2 run.
    """
    app = make_app(ARGON2_CONCURRENCY=1, ARGON2_QUEUE=0, ARGON2_WAIT_MS=0, CODE_FREE_FAILURES=1)
    gate = app.extensions[ARGON2_GATE]
    units = make_units(app)
    budi = make_staff(app, "budi", unit_ids=(units["a"],))
    for path, field in (("/lapor/masuk", "receipt"), ("/klarifikasi/masuk", "code")):
        guesser = https_client(app)
        for _ in range(2):  # one free failure, then one that starts a 2 s wait
            token = csrf_from(guesser.get(path).get_data(as_text=True))
            assert (
                guesser.post(path, data={"csrf_token": token, field: generate_code()}).status_code
                == 404
            )
        runs = gate.runs
        token = csrf_from(guesser.get(path).get_data(as_text=True))
        started = time.monotonic()
        response = guesser.post(path, data={"csrf_token": token, field: generate_code()})
        assert time.monotonic() - started < 0.5, "refused at once, not slept"
        assert response.status_code == 429 and response.headers["Retry-After"] == "2"
        assert "tunggu 2 detik" in response.get_data(as_text=True)
        assert gate.runs == runs, "the brake costs no Argon2 run"
        other = https_client(app)
        token = csrf_from(other.get(path).get_data(as_text=True))
        assert (
            other.post(path, data={"csrf_token": token, field: generate_code()}).status_code == 404
        )
        assert gate.runs == runs + 1, "another browser's code is checked"
    assert sign_in(app, https_client(app), budi).status_code == 302, "staff still get in"


@pytest.mark.parametrize(
    "setting", [{"ARGON2_CONCURRENCY": 0}, {"ARGON2_QUEUE": -1}, {"ARGON2_WAIT_MS": -5}]
)
def test_a_gate_without_a_bound_is_refused(make_app, setting) -> None:
    from config import ConfigError

    with pytest.raises(ConfigError, match="ARGON2_"):
        make_app(**setting)


def test_two_sign_ins_racing_with_one_totp_code_let_one_in(make_app) -> None:
    """The TOTP step is re-read, locked, after the Argon2 run: a code works once, even at once."""
    from tests.support.live_client import LiveClient
    from tests.support.staff import make_staff, make_units, next_code

    app = make_app(ARGON2_TIME_COST=2, ARGON2_MEMORY_KIB=16_384, ARGON2_CONCURRENCY=2)
    budi = make_staff(app, "budi", unit_ids=(make_units(app)["a"],))
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    serving = threading.Thread(target=server.serve_forever)
    serving.start()
    try:
        clients = [LiveClient("127.0.0.1", server.server_port) for _ in range(2)]
        tokens = [csrf_token(client, "/staf/masuk") for client in clients]
        code = next_code(app, budi)
        start = threading.Barrier(2)
        statuses: list[int] = []

        def sign_in_at_once(client: LiveClient, token: str) -> None:
            fields = {"csrf_token": token, "login": "budi", "password": budi.password}
            start.wait()
            statuses.append(client.post("/staf/masuk", data=fields | {"code": code}).status_code)

        threads = [
            threading.Thread(target=sign_in_at_once, args=pair)
            for pair in zip(clients, tokens, strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        server.shutdown()
        serving.join()
    assert sorted(statuses) == [302, 401]
    assert app.extensions[ARGON2_GATE].high_water == 2, "both runs overlapped"


def test_setup_and_a_renewed_seal_run_argon2_outside_any_write_transaction(
    make_app, monkeypatch
) -> None:
    """The paths the test above cannot reach: the first administrator, and raised parameters."""
    from sqlalchemy import select

    from crypto.passwords import stored_params
    from tests.support.staff import setup_form, setup_link
    from wbs_app.models import StaffMember

    app = make_app()
    counter = Argon2Counter(app, monkeypatch)
    link = setup_link(app)
    with counter.expect(1, "set-up"):
        client = https_client(app)
        assert client.post("/staf/penyiapan", data=setup_form(client, link)).status_code == 302

    budi = make_staff(app, "budi", unit_ids=(make_units(app)["a"],))
    stronger = make_app(ARGON2_TIME_COST=2)  # the same installation after a raise
    renewals = Argon2Counter(stronger, monkeypatch)
    with renewals.expect(2, "sign-in that renews the seal: open, then seal again"):
        assert sign_in(stronger, https_client(stronger), budi).status_code == 302
    with app_database(stronger).session() as session:
        sealed = session.scalar(select(StaffMember.sealed_seed).where(StaffMember.id == budi.id))
        assert stored_params(sealed).time_cost == 2
    with renewals.expect(1, "the next sign-in: the seal is current"):
        assert sign_in(stronger, https_client(stronger), budi).status_code == 302
