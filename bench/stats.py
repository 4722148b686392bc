"""The supervision board and the quarterly report over many cases against few, same engine.

DESIGN.md section 6a: within 1.5x at 100,000 cases of 1,000, on SQLite and
PostgreSQL. A Kanwil and 33 UPTs; the cases are spread over four years and
the units, almost all ended (with their milestones and outcomes), and the
same 300 open ones in both runs: an office's open workload does not grow
with its history. Rows are inserted in bulk, so the running counts are then
rebuilt once (``tallies.rebuild``, the repair a restore would run), in a
process of its own; the pages are timed in a fresh app on that database,
through the app as a supervisor of the Kanwil: the board of 2026-Q4 and its
PDF report. The queries one board request makes are counted for one unit
and for all 34: the same number whatever the units shown (a chosen unit
adds one, the tree below it).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import secrets
import shutil
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, insert, select, text

from bench import profiling
from bench.support import instance_settings, scratch_dir
from config import argon2_settings
from crypto import TEST_ARGON2

OPEN = 300
FIRST_DAY, DAYS = date(2022, 12, 1), 1460
LEVELS = ("light", "medium", "heavy")
PATHS = ("/staf/statistik?periode=2026-Q4", "/staf/statistik/laporan.pdf?periode=2026-Q4")


def _facts(number: int, units: list[int], categories: list[int], open_case: bool) -> dict:  # type: ignore[type-arg]
    from wbs_app.models import CaseStatus, Channel

    received = FIRST_DAY + timedelta(days=(number * 7919) % DAYS)
    if open_case:
        received = date(2026, 10, 1) + timedelta(days=number % 60)
    ended = (CaseStatus.CLOSED, CaseStatus.REFERRED, CaseStatus.NOT_COMPETENT, CaseStatus.ARCHIVED)
    status = CaseStatus.VERIFICATION if open_case else ended[number % len(ended)]
    closed = None if open_case else received + timedelta(days=5 + number % 60)
    return {
        "uid": secrets.token_hex(16), "lookup_hash": secrets.token_bytes(32),
        "unit_id": units[number % len(units)], "category_id": categories[number % len(categories)],
        "channel": list(Channel)[number % len(Channel)], "status": status,
        "status_changed_on": closed or received, "received_on": received,
        "acknowledge_due": received + timedelta(days=3),
        "verification_due": received + timedelta(days=14),
        "feedback_due": received + timedelta(days=30),
        "acknowledged_on": received + timedelta(days=number % 5),
        "acknowledged_days": number % 5, "verified_on": closed, "answered_on": closed,
        "closed_on": closed, "closed_days": None if closed is None else 4 + number % 45,
        "finding": None if open_case else ("ethics", "discipline", "not_proven")[number % 3],
        "sanction_level": None if open_case or number % 4 else LEVELS[number % 3],
        "sanctioned_on": closed if not open_case and number % 4 == 0 else None,
    }  # fmt: skip


def _populate(app, count: int, units: list[int]) -> None:  # type: ignore[no-untyped-def]
    from wbs_app.db import app_database
    from wbs_app.models import Case, Category
    from wbs_app.services.stats import tallies

    database = app_database(app)
    with database.session() as session:
        categories = list(session.scalars(select(Category.id)))
        for offset in range(0, count, 5000):
            rows = [
                _facts(n, units, categories, open_case=n < OPEN)
                for n in range(offset, min(count, offset + 5000))
            ]
            session.execute(insert(Case), rows)
        tallies.rebuild(session)
    if database.engine.dialect.name == "postgresql":
        with database.engine.begin() as connection:
            connection.execute(text("ANALYZE"))


def _app(env: dict[str, str]):  # type: ignore[no-untyped-def]
    from wbs_app.factory import create_app

    config: dict[str, object] = {key.removeprefix("WBS_"): value for key, value in env.items()}
    config.update(argon2_settings(TEST_ARGON2), ENV="test")
    return create_app(config)


def _build(env: dict[str, str], count: int):  # type: ignore[no-untyped-def]
    """The installation with ``count`` cases; its supervisor's login and the unit ids.

    Run in a process of its own: the 100,000 rows built and inserted would
    otherwise leave the timed process a heap no serving worker has.
    """
    from tests.support.staff import make_staff
    from wbs_app.db import app_database
    from wbs_app.migrate import upgrade
    from wbs_app.models import StaffRole
    from wbs_app.services.office import organisation
    from wbs_app.services.office.catalogue import ensure_default_categories

    url = env["WBS_DATABASE_URL"]
    if url.startswith("postgresql"):
        # Emptied before the app starts: the last run's database holds its own secrets' marks.
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    app = _app(env)
    database = app_database(app)
    upgrade(database.engine)
    with database.session() as session:
        ensure_default_categories(session)
        kanwil = organisation.create_unit(session, None, "Kanwil", None)
        upts = [
            organisation.create_unit(session, None, f"UPT {n:02d}", kanwil.id).id
            for n in range(1, 34)
        ]
        units = [kanwil.id, *upts]
    login = make_staff(app, "pengawas", StaffRole.SUPERVISOR, unit_ids=(units[0],))
    _populate(app, count, units)
    database.dispose()
    return login, units


def _app_and_client(instance: Path, count: int, database_url: str):  # type: ignore[no-untyped-def]
    from tests.support.http import https_client
    from tests.support.staff import sign_in

    env = instance_settings(instance, WBS_DATABASE_URL=database_url)
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        login, units = pool.submit(_build, env, count).result()
    app = _app(env)
    client = https_client(app)
    sign_in(app, client, login)
    return app, client, units


def _time(client, rounds: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    found = {}
    for path in PATHS:
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            response = client.get(path)
            times.append(time.perf_counter() - start)
            if response.status_code != 200:
                raise RuntimeError(f"{path} answered {response.status_code}")
        found[path] = statistics.median(times)
    return found


def _queries(app, client, path: str) -> int:  # type: ignore[no-untyped-def]
    from wbs_app.db import app_database

    seen: list[str] = []

    def count(*_args: object) -> None:
        seen.append("q")

    engine = app_database(app).engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        client.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def measure(
    small: int, large: int, rounds: int, database_url: str, profile: Path | None
) -> dict[str, Any]:
    """Median seconds per path for each size ("small", "large"), and the query counts."""
    results: dict[str, Any] = {}
    for label, count in (("small", small), ("large", large)):
        scratch = scratch_dir("lentera-bench-stats-")
        try:
            app, client, units = _app_and_client(scratch / "instance", count, database_url)
            _time(client, 2)
            engine = database_url.split(":")[0].split("+")[0] or "sqlite"
            with profiling.in_process(profile, f"stats-{engine}-{count}"):
                results[label] = _time(client, rounds)
            if label == "large":
                results["queries_one"] = _queries(app, client, f"{PATHS[0]}&unit={units[1]}")
                results["queries_all"] = _queries(app, client, PATHS[0])
            from wbs_app.db import app_database

            app_database(app).dispose()
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return results


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench stats")
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=10)
    profiling.add_option(parser)
    args = parser.parse_args(argv)
    database_url = os.environ.get("WBS_BENCH_DATABASE_URL", "")
    found = measure(args.small, args.large, args.rounds, database_url, args.profile)
    small, large = found["small"], found["large"]
    engine = "postgresql" if database_url.startswith("postgresql") else "sqlite"
    print(f"engine           {engine}")
    for path, name in zip(PATHS, ("board", "report"), strict=True):
        print(f"{name}_{args.small:<10} {small[path] * 1000:8.1f} ms (median of {args.rounds})")
        print(f"{name}_{args.large:<10} {large[path] * 1000:8.1f} ms")
    print(f"queries one unit {found['queries_one']}, all 34 units {found['queries_all']}")
    board = large[PATHS[0]] / small[PATHS[0]]
    report = large[PATHS[1]] / small[PATHS[1]]
    print(f"stats_board={board:.3f}")
    print(f"stats_report={report:.3f}")
    print(f"stats={max(board, report):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(__import__("sys").argv[1:]))
