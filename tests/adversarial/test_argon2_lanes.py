"""Code logins, staff work and submissions each have an Argon2 lane of their own.

Issue 18 ("No lock-outs"): eight staff logins with random names took every
Argon2 slot a receipt login needed, and a flood of receipts took those of
staff and of new reports. Here each lane's only slot is taken (bound 1, no
queue, no wait) as a flood would take it, and the other kinds of work still
get their run through HTTP, while the work of the full lane is refused with
the busy page (503, Retry-After) at once.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from crypto import generate_code
from tests.support.http import https_client
from tests.support.reporter import Report, csrf_from, submit_report
from tests.support.staff import make_staff, make_units, sign_in
from wbs_app.appctx import ARGON2_GATE
from wbs_app.models import StaffRole
from wbs_app.services.infra.argon2_gate import CODES, LANES, STAFF, SUBMIT, Argon2Lanes


@contextmanager
def lane_taken(lanes: Argon2Lanes, name: str) -> Iterator[None]:
    """Hold the lane's one slot from another thread, as a request in its Argon2 run does."""
    held, done = threading.Event(), threading.Event()

    def hold() -> None:
        with lanes.lane(name).slot():
            held.set()
            done.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    assert held.wait(10)
    try:
        yield
    finally:
        done.set()
        holder.join()


def _receipt_login(app) -> int:
    client = https_client(app)
    token = csrf_from(client.get("/lapor/masuk").get_data(as_text=True))
    response = client.post("/lapor/masuk", data={"csrf_token": token, "receipt": generate_code()})
    return response.status_code


def test_a_full_lane_refuses_its_own_work_only(make_app) -> None:
    app = make_app(ARGON2_QUEUE=0, ARGON2_WAIT_MS=0, ARGON2_SUBMIT_WAIT_MS=0)
    lanes: Argon2Lanes = app.extensions[ARGON2_GATE]
    assert set(lanes.gates) == set(LANES) == {CODES, STAFF, SUBMIT}
    units = make_units(app)
    budi = make_staff(app, "budi", unit_ids=(units["a"],))
    make_staff(app, "rahman", StaffRole.SUPERVISOR, unit_ids=(units["kanwil"],))

    with lane_taken(lanes, CODES):  # receipts are being guessed
        assert _receipt_login(app) == 503
        assert sign_in(app, https_client(app), budi).status_code == 302, "staff get in"
        assert submit_report(https_client(app), Report(unit=units["a"], what="laporan"))

    with lane_taken(lanes, STAFF):  # random staff names are being tried
        assert sign_in(app, https_client(app), budi).status_code == 503
        assert _receipt_login(app) == 404, "a receipt login gets its run (and its answer)"
        assert submit_report(https_client(app), Report(unit=units["a"], what="laporan"))

    with lane_taken(lanes, SUBMIT):  # a flood of reports
        assert _receipt_login(app) == 404
        assert sign_in(app, https_client(app), budi).status_code == 302
    assert lanes.lane(CODES).refused == 1 and lanes.lane(STAFF).refused == 1
    assert lanes.refused == 2 and lanes.high_water == 1


def test_the_owners_browser_waits_its_turn_in_a_full_staff_lane(make_app) -> None:
    """Random staff names fill the staff lane: a browser without the account's device
    cookie is refused at once, the owner's own browser waits for the slot and gets in."""
    app = make_app(ARGON2_QUEUE=0, ARGON2_WAIT_MS=0, ARGON2_SUBMIT_WAIT_MS=10_000)
    lanes: Argon2Lanes = app.extensions[ARGON2_GATE]
    budi = make_staff(app, "budi", unit_ids=(make_units(app)["a"],))
    owner = https_client(app)
    assert sign_in(app, owner, budi).status_code == 302  # the device cookie
    held, release = threading.Event(), threading.Event()

    def flood() -> None:
        with lanes.lane(STAFF).slot():
            held.set()
            release.wait(30)  # held until the stranger was refused, however slow the machine

    flooder = threading.Thread(target=flood)
    flooder.start()
    assert held.wait(10)
    try:
        assert sign_in(app, https_client(app), budi).status_code == 503
    finally:
        # The slot frees while the owner's sign-in is waiting for it.
        threading.Timer(0.3, release.set).start()
    assert sign_in(app, owner, budi).status_code == 302, "waited for the slot"
    flooder.join()
