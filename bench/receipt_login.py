"""A receipt login through HTTP against one bare Argon2id run with the same parameters.

DESIGN.md section 6: a login may cost one Argon2id run plus at most 10%. The
login goes through the whole app (CSRF, parsing, Argon2id, lookup, HPKE
unwrap, session row, redirect) in the Flask test client; the bare runs use
the same production parameters. Rounds alternate between the two.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import time
from pathlib import Path

from bench import profiling
from bench.support import instance_settings, scratch_dir
from crypto import PRODUCTION_ARGON2, TEST_ARGON2, argon2id, generate_code


def _installation(env: dict[str, str]):  # type: ignore[no-untyped-def]
    """An app with one real case made through the reporter form; returns (app, receipt)."""
    from tests.support.http import https_client
    from tests.support.reporter import Report, submit_report
    from wbs_app.db import app_database
    from wbs_app.factory import create_app
    from wbs_app.migrate import upgrade
    from wbs_app.services.office.catalogue import ensure_default_categories

    config = {key.removeprefix("WBS_"): value for key, value in env.items()}
    app = create_app(config)
    upgrade(app_database(app).engine)
    with app_database(app).session() as session:
        ensure_default_categories(session)
    from tests.support.staff import make_staff, make_units
    from wbs_app.models import StaffRole

    units = make_units(app)
    # A supervisor: every report must reach one (wbs_app.services.cases.delivery).
    make_staff(app, "handler", StaffRole.SUPERVISOR, unit_ids=(units["a"],))
    receipt = submit_report(https_client(app), Report(unit=units["a"]))
    return app, receipt


def measure(rounds: int, profile: Path | None = None) -> dict[str, list[float]]:
    scratch = scratch_dir("lentera-bench-login-")
    try:
        app, receipt = _installation(instance_settings(scratch / "instance"))
        from tests.support.http import https_client

        client = https_client(app)
        times: dict[str, list[float]] = {"login": [], "unknown": [], "argon2": []}
        with profiling.in_process(profile, "receipt_login"):
            _rounds(app, client, receipt, rounds, times)
        return times
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _rounds(app, client, receipt: str, rounds: int, times: dict[str, list[float]]  # type: ignore[no-untyped-def]
) -> None:
    """Alternate unknown receipt, known receipt and bare Argon2id, appending each time."""
    from wbs_app.settings import settings

    salt = settings(app).installation_salt
    for _ in range(rounds):
        # A sign-in starts a new CSRF token, so each round fetches one, untimed.
        page = client.get("/lapor/masuk").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        unknown = generate_code()
        start = time.perf_counter()
        response = client.post("/lapor/masuk", data={"csrf_token": token, "receipt": unknown})
        times["unknown"].append(time.perf_counter() - start)
        if response.status_code != 404:
            raise RuntimeError(f"unknown receipt answered {response.status_code}")
        start = time.perf_counter()
        response = client.post("/lapor/masuk", data={"csrf_token": token, "receipt": receipt})
        times["login"].append(time.perf_counter() - start)
        if response.status_code != 302:
            raise RuntimeError(f"login answered {response.status_code}")
        start = time.perf_counter()
        argon2id(receipt.replace(" ", "").encode(), salt[:16], PRODUCTION_ARGON2)
        times["argon2"].append(time.perf_counter() - start)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench receipt_login")
    parser.add_argument("--rounds", type=int, default=30)
    profiling.add_option(parser)
    args = parser.parse_args(argv)
    assert TEST_ARGON2 != PRODUCTION_ARGON2
    times = measure(args.rounds, args.profile)
    median = {name: statistics.median(values) for name, values in times.items()}
    print(f"login_known      {median['login'] * 1000:8.1f} ms (median of {args.rounds})")
    print(f"login_unknown    {median['unknown'] * 1000:8.1f} ms")
    print(f"argon2id_bare    {median['argon2'] * 1000:8.1f} ms (t=3, m=64 MiB, p=4)")
    print(f"unknown_vs_known {median['unknown'] / median['login']:8.3f}")
    print(f"receipt_login={median['login'] / median['argon2']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(__import__("sys").argv[1:]))
