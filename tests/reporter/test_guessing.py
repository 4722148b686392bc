"""Failed codes slow the browser that typed them, never every reporter; nothing is stored.

Issue 18: 61 unknown receipts armed an installation-wide brake that refused
every reporter for about two minutes. Now (``services.codes.guessing``) the
count travels in the guessing browser's own signed session cookie: after
``CODE_FREE_FAILURES`` that browser alone waits (429 with Retry-After, before
any Argon2 work), 2 s doubling per further failure up to 15 minutes, while
another browser's code is checked at once and a real receipt opens its case.
"""

from __future__ import annotations

from sqlalchemy import inspect, text

from crypto import generate_code
from tests.support.http import https_client
from tests.support.reporter import Report, csrf_from, open_case, submit_report
from wbs_app.appctx import ARGON2_GATE
from wbs_app.db import app_database
from wbs_app.services.codes import guessing


def _try(client, receipt: str | None = None):
    token = csrf_from(client.get("/lapor/masuk").get_data(as_text=True))
    return client.post(
        "/lapor/masuk", data={"csrf_token": token, "receipt": receipt or generate_code()}
    )


def test_failed_receipts_slow_only_the_browser_that_typed_them(app, org, moved_clock) -> None:
    receipt = submit_report(https_client(app), Report(unit=org.units["a"], what="laporan"))
    free = int(app.config["CODE_FREE_FAILURES"])
    guesser = https_client(app)
    statuses = [_try(guesser).status_code for _ in range(free + 1)]
    assert statuses == [404] * (free + 1), "the free failures, then the first counted one"
    runs = app.extensions[ARGON2_GATE].runs
    braked = _try(guesser)
    assert braked.status_code == 429 and braked.headers["Retry-After"] == "2"
    assert "Periksa kode itu angka demi angka" in braked.get_data(as_text=True)
    assert app.extensions[ARGON2_GATE].runs == runs, "refused before any Argon2 work"
    # Even the guesser's own real receipt waits its turn.
    assert open_case(guesser, receipt).status_code == 429
    # Far more than 61 failures in all, from many browsers: nobody else waits.
    for _ in range(70):
        assert _try(https_client(app)).status_code == 404
    reporter = https_client(app)
    assert open_case(reporter, receipt).status_code == 302, "a real receipt opens its case"
    # After its wait the guesser is checked again, the next wait has doubled,
    # and then its real receipt opens the case (a browser that signed in starts afresh).
    moved_clock.advance(seconds=2)
    assert _try(guesser).status_code == 404
    assert _try(guesser).headers["Retry-After"] == "4"
    moved_clock.advance(seconds=4)
    assert open_case(guesser, receipt).status_code == 302


def test_the_wait_is_bounded_and_doubles(app) -> None:
    count, now = guessing.GuessCount(), 1_000_000.0
    waits = []
    for _ in range(20):
        count = count.failed(now, free=5)
        waits.append(count.wait_seconds(now))
    assert waits[:5] == [0] * 5 and waits[5:9] == [2, 4, 8, 16]
    assert max(waits) == guessing.MAX_WAIT_SECONDS == waits[-1]
    assert guessing.GuessCount.from_cookie(["x", -1]) == guessing.GuessCount()


def test_a_guesser_keeping_its_cookie_gets_few_checks_an_hour_and_nothing_is_stored(
    app, moved_clock
) -> None:
    guesser = https_client(app)
    checked, elapsed = 0, 0
    while elapsed < 3600:
        response = _try(guesser)
        if response.status_code == 404:
            checked += 1
            step = 1
        else:
            assert response.status_code == 429
            step = int(response.headers["Retry-After"])
        moved_clock.advance(seconds=step)
        elapsed += step
    print(f"one browser keeping its cookie: {checked} receipts checked in an hour")
    assert checked <= guessing.CHECKS_PER_HOUR
    with app_database(app).engine.connect() as connection:
        assert "failure_windows" not in inspect(connection).get_table_names()
        assert connection.execute(text("SELECT count(*) FROM login_throttles")).scalar() == 0
