"""The investigator inbox with many cases against few, same engine, same page size.

The inbox never decrypts, so the cases are inserted in bulk with the
workflow columns and the wrap rows the query joins on (wrap bytes are
random: they are not opened to draw the list). One handler holds all of them;
the page is rendered through the app (signed-in test client). Run against
SQLite by default, or the database in WBS_BENCH_DATABASE_URL.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import statistics
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import insert, select, text

from bench import profiling
from bench.support import instance_settings, scratch_dir
from config import argon2_settings
from crypto import TEST_ARGON2


def _populate(app, count: int, staff_id: int, generation: int, unit_id: int) -> None:  # type: ignore[no-untyped-def]
    from wbs_app.db import app_database
    from wbs_app.models import (
        Audience,
        AudienceKey,
        Case,
        CaseStatus,
        Category,
        KeyWrap,
        RecipientKind,
    )

    database = app_database(app)
    statuses = list(CaseStatus)
    with database.session() as session:
        category_ids = list(session.scalars(select(Category.id)))
        start = session.scalar(select(Case.id).order_by(Case.id.desc()).limit(1)) or 0
        batch = 5000
        for offset in range(0, count, batch):
            size = min(batch, count - offset)
            received = [date(2026, 1, 1) + timedelta(days=(offset + i) % 300) for i in range(size)]
            session.execute(insert(Case), [
                {"id": start + offset + i + 1, "uid": secrets.token_hex(16),
                 "lookup_hash": secrets.token_bytes(32), "unit_id": unit_id,
                 "category_id": category_ids[(offset + i) % len(category_ids)],
                 "status": statuses[(offset + i) % len(statuses)], "status_changed_on": day,
                 "received_on": day, "acknowledge_due": day + timedelta(days=7),
                 "verification_due": day + timedelta(days=14),
                 "feedback_due": day + timedelta(days=97), "acknowledged_on": None}
                for i, day in enumerate(received)
            ])
            session.execute(insert(AudienceKey), [
                {"id": start + offset + i + 1, "case_id": start + offset + i + 1,
                 "audience": Audience.REPORTER, "label": ""} for i in range(size)
            ])
            session.execute(insert(KeyWrap), [
                {"audience_key_id": start + offset + i + 1, "case_id": start + offset + i + 1,
                 "recipient_kind": RecipientKind.STAFF,
                 "staff_id": staff_id, "identity_generation": generation,
                 "wrapped": os.urandom(1168)} for i in range(size)
            ])
    if database.engine.dialect.name == "postgresql":
        with database.engine.begin() as connection:
            connection.execute(text("ANALYZE"))


def _app_and_client(instance, count: int, database_url: str):  # type: ignore[no-untyped-def]
    from tests.support.http import https_client
    from tests.support.staff import make_staff, make_units, sign_in
    from wbs_app.database import Base
    from wbs_app.db import app_database
    from wbs_app.factory import create_app
    from wbs_app.migrate import upgrade
    from wbs_app.models import StaffMember
    from wbs_app.services.office.catalogue import ensure_default_categories

    env = instance_settings(instance, WBS_DATABASE_URL=database_url)
    config: dict[str, object] = {key.removeprefix("WBS_"): value for key, value in env.items()}
    config.update(argon2_settings(TEST_ARGON2), ENV="test")
    app = create_app(config)
    database = app_database(app)
    if database.engine.dialect.name == "postgresql":
        with database.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    upgrade(database.engine)
    with database.session() as session:
        ensure_default_categories(session)
    units = make_units(app)
    login = make_staff(app, "handler", unit_ids=(units["a"],))
    with database.session() as session:
        generation = session.scalar(
            select(StaffMember.identity_generation).where(StaffMember.id == login.id)
        )
    _populate(app, count, login.id, generation or 0, units["a"])
    client = https_client(app)
    sign_in(app, client, login)
    del Base
    return app, client


def _time_pages(client, rounds: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for index in range(rounds):
        path = (
            "/staf/pengelola/kasus" if index % 2 == 0 else "/staf/pengelola/kasus?overdue=1&hal=3"
        )
        start = time.perf_counter()
        response = client.get(path)
        times.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise RuntimeError(f"inbox answered {response.status_code}")
    return statistics.median(times)


def measure(
    small: int, large: int, rounds: int, database_url: str, profile: Path | None = None
) -> dict[str, float]:
    results = {}
    for label, count in (("small", small), ("large", large)):
        scratch = scratch_dir("lentera-bench-inbox-")
        try:
            app, client = _app_and_client(scratch / "instance", count, database_url)
            _time_pages(client, 3)  # warm up
            engine = database_url.split(":")[0].split("+")[0] or "sqlite"
            with profiling.in_process(profile, f"inbox-{engine}-{count}"):
                results[label] = _time_pages(client, rounds)
            from wbs_app.db import app_database

            app_database(app).dispose()
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return results


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench inbox")
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=20)
    profiling.add_option(parser)
    args = parser.parse_args(argv)
    database_url = os.environ.get("WBS_BENCH_DATABASE_URL", "")
    figures = measure(args.small, args.large, args.rounds, database_url, args.profile)
    engine = "postgresql" if database_url.startswith("postgresql") else "sqlite"
    print(f"engine           {engine}")
    print(f"inbox_{args.small:<10} {figures['small'] * 1000:8.1f} ms (median of {args.rounds})")
    print(f"inbox_{args.large:<10} {figures['large'] * 1000:8.1f} ms")
    print(f"inbox={figures['large'] / figures['small']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(__import__("sys").argv[1:]))
