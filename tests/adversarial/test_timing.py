"""No timing oracle: an unknown receipt or staff name costs what a known one costs.

Each test runs 200 trials of each kind, interleaved in a random, balanced
order (so drift in the machine's load falls on both alike), against the app (Flask's
test client: the whole request, form, database and template included, without
network noise) with PRODUCTION-strength Argon2id (t=3, 64 MiB, p=4; about
0.16 s a run on an idle core here, so 400 requests take 70-140 s depending on
the machine's other load).

Tolerance: the ratio of medians, and of the 10%-trimmed means, must lie
within 0.9-1.1. The flaw this guards against is a path that skips the
Argon2id run (ratio about 0.02) or runs it twice (about 2); the rest of a
request is a few milliseconds against the run's ~160, so equal work lands
well inside 10%, while the margin absorbs the noise of a shared 2-core
machine. An attacker who could average away a sub-10% difference still
learns nothing here, because the remaining difference is the answer's own
work (a session row for a known receipt), not a lookup that can be repeated.
"""

from __future__ import annotations

import random
import secrets
import statistics
import time
from collections.abc import Callable

import pytest
from sqlalchemy import delete

import crypto
from config import argon2_settings
from crypto import generate_code
from tests.support.http import https_client
from tests.support.reporter import Report, csrf_from, submit_report
from tests.support.staff import csrf_token, make_staff, make_units
from wbs_app.db import app_database
from wbs_app.models import LoginThrottle, StaffRole

PRODUCTION_ARGON2 = argon2_settings(crypto.PRODUCTION_ARGON2)
TRIALS = 200
TOLERANCE = (0.9, 1.1)


def _trimmed_mean(values: list[float], cut: float = 0.1) -> float:
    ordered = sorted(values)
    k = int(len(ordered) * cut)
    return statistics.fmean(ordered[k : len(ordered) - k])


def _race(
    arms: dict[str, Callable[[], int]],
    expected: dict[str, int],
    between: Callable[[], None] = lambda: None,
) -> dict[str, list[float]]:
    """TRIALS requests of each arm, timed; ``between`` runs untimed after each.

    The order is random but balanced: TRIALS rounds, each running every arm
    once in a shuffled order, so a change in the machine's load (other jobs
    share its two cores) falls on both arms alike.
    """
    times: dict[str, list[float]] = {name: [] for name in arms}
    names = list(arms)
    for _ in range(TRIALS):
        random.shuffle(names)
        for name in names:
            started = time.perf_counter()
            status = arms[name]()
            times[name].append(time.perf_counter() - started)
            assert status == expected[name], name
            between()
    return times


def _compare(times: dict[str, list[float]], known: str, unknown: str) -> None:
    median = statistics.median(times[known]) / statistics.median(times[unknown])
    trimmed = _trimmed_mean(times[known]) / _trimmed_mean(times[unknown])
    print(
        f"{known}: median {statistics.median(times[known]) * 1000:.1f} ms; "
        f"{unknown}: median {statistics.median(times[unknown]) * 1000:.1f} ms; "
        f"ratio of medians {median:.3f}, of trimmed means {trimmed:.3f}"
    )
    low, high = TOLERANCE
    assert low <= median <= high, f"median ratio {median:.3f} outside {TOLERANCE}"
    assert low <= trimmed <= high, f"trimmed-mean ratio {trimmed:.3f} outside {TOLERANCE}"


@pytest.mark.slow
def test_unknown_receipt_costs_what_a_known_one_costs(make_app) -> None:
    app = make_app(**PRODUCTION_ARGON2, CODE_FREE_FAILURES=1_000_000)
    units = make_units(app)
    make_staff(app, "budi", unit_ids=(units["a"],))
    make_staff(app, "rahman", StaffRole.SUPERVISOR, unit_ids=(units["kanwil"],))  # one must receive
    receipt = submit_report(https_client(app), Report(unit=units["a"]))
    client = https_client(app)
    tokens = {"now": ""}

    def fresh_token() -> None:
        """A sign-in starts a new CSRF token (no token outlives it), so fetch one, untimed."""
        tokens["now"] = csrf_from(client.get("/lapor/masuk").get_data(as_text=True))

    def login(code: str) -> int:
        data = {"csrf_token": tokens["now"], "receipt": code}
        return client.post("/lapor/masuk", data=data).status_code

    fresh_token()
    times = _race(
        {
            "known receipt": lambda: login(receipt),
            "unknown receipt": lambda: login(generate_code()),
        },
        {"known receipt": 302, "unknown receipt": 404},
        between=fresh_token,
    )
    _compare(times, "known receipt", "unknown receipt")


@pytest.mark.slow
def test_unknown_staff_name_costs_what_a_wrong_password_costs(make_app) -> None:
    app = make_app(**PRODUCTION_ARGON2)
    units = make_units(app)
    budi = make_staff(app, "budi", unit_ids=(units["a"],))
    client = https_client(app)
    token = csrf_token(client, "/staf/masuk")
    wrong = "Sulawesi-salah-kopi-sore"

    def login(name: str) -> int:
        return client.post(
            "/staf/masuk",
            data={"csrf_token": token, "login": name, "password": wrong, "code": "123456"},
        ).status_code

    def forget_failures() -> None:
        """Untimed, after every trial of both arms: else the fifth failure locks the name
        and later attempts are refused before any Argon2 work (tested elsewhere)."""
        with app_database(app).session() as session:
            session.execute(delete(LoginThrottle))

    times = _race(
        {
            "known user, wrong password": lambda: login(budi.username),
            "unknown user": lambda: login(f"tamu-{secrets.token_hex(4)}"),
        },
        {"known user, wrong password": 401, "unknown user": 401},
        between=forget_failures,
    )
    _compare(times, "known user, wrong password", "unknown user")
