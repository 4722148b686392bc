"""A page that is read (GET) never writes inside its read transaction.

Reading pages do write a little: the idle clock of a session (at most once a
minute, in every guard) and a handler's read marker on the case page. On
SQLite a deferred transaction that has read and then writes fails at once
("database is locked") when another request committed in between, and waits
out the busy timeout behind a writer; so these writes go in a short write
transaction of their own, after the page's reads, and a write that cannot be
had costs the page nothing. The marker records what the page showed, not
what arrived while it was drawn.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, func, select, update

from tests.support import faults
from tests.support.access_matrix import ROLES, request_as, route_methods
from tests.support.reporter import csrf_from
from tests.support.world import World, build_world, multipart
from wbs_app.database import BEGIN_IMMEDIATE
from wbs_app.db import app_database
from wbs_app.models import (
    CaseRead,
    CaseRecord,
    ReporterSession,
    RespondentInvitation,
    RespondentSession,
    StaffSession,
)
from wbs_app.services.infra.clock import utcnow

SESSION_TABLES = (StaffSession, ReporterSession, RespondentSession)
REPLY = "PESAN-BARU-DARI-PELAPOR"


@pytest.fixture
def app(make_app: Any) -> Flask:
    built: Flask = make_app(SQLITE_BUSY_TIMEOUT_MS=50)
    return built


@pytest.fixture
def world(app: Flask, org: Any) -> World:
    return build_world(app, org)


def _age_sessions(world: World, moved_clock: Any) -> list[Any]:
    """Every session was last seen two minutes ago: the next request touches its idle clock.

    The clock moves on rather than a column being edited: a code holder's row
    keeps only the day, its exact idle clock is sealed in the row (issue 18).
    """
    moved_clock.advance(minutes=2)
    return _idle_clocks(world)


def _idle_clocks(world: World) -> list[Any]:
    """What a touch rewrites, per session the world's clients hold (B's respondent has none):
    a staff row's last-seen time, a code holder's sealed seed (its exact clocks inside)."""
    with app_database(world.app).session() as session:
        clocks: list[Any] = list(session.scalars(select(StaffSession.last_seen_at)))
        clocks += session.scalars(select(ReporterSession.sealed_seed))
        clocks += session.scalars(
            select(RespondentSession.sealed_seed)
            .join(RespondentInvitation)
            .where(RespondentInvitation.uid == world.invitation_a1)
        )
        return clocks


def _touched(world: World, aged: list[Any]) -> bool:
    return all(now != then for now, then in zip(_idle_clocks(world), aged, strict=True))


def _untouched(world: World, aged: list[Any]) -> bool:
    return _idle_clocks(world) == aged


@contextmanager
def _writes_outside_a_write_transaction(app: Flask) -> Iterator[list[str]]:
    found: list[str] = []

    def on_statement(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if faults.first_write(statement) and not conn.get_execution_options().get(BEGIN_IMMEDIATE):
            found.append(" ".join(statement.split()[:3]))

    engine = faults.engine_of(app)
    event.listen(engine, "before_cursor_execute", on_statement)
    try:
        yield found
    finally:
        event.remove(engine, "before_cursor_execute", on_statement)


def _get_every_page(world: World) -> list[str]:
    answers = []
    for endpoint, methods in route_methods(world.app).items():
        if "GET" in methods:
            for role in ROLES:
                response = request_as(world, role, endpoint, "GET")
                answers.append(f"{endpoint} {role} {response.status_code}")
    return answers


def test_no_page_writes_inside_its_read_transaction(world: World, moved_clock: Any) -> None:
    aged = _age_sessions(world, moved_clock)
    with _writes_outside_a_write_transaction(world.app) as found:
        answers = _get_every_page(world)
    assert not [a for a in answers if a.endswith(" 500") or a.endswith(" 503")], answers
    assert found == [], f"written inside a read transaction: {sorted(set(found))}"
    assert _touched(world, aged), "every idle clock was touched"


def test_pages_are_read_while_another_writer_holds_the_lock(world: World, moved_clock: Any) -> None:
    if not faults.is_sqlite(world.app):
        pytest.skip("SQLite's single writer")
    assert _reporter_replies(world) == 302  # something new on case A
    marker = _marker(world)
    assert marker is not None and marker < _newest_record(world)
    aged = _age_sessions(world, moved_clock)
    pages = (
        ("reporter", "/lapor/kasus", "MAKASSAR-RAHASIA"),
        ("respondent", "/klarifikasi/", "TUDUHAN-A-RINGKAS"),
        ("inv_a", f"/staf/pengelola/kasus/{world.case_a}", REPLY),
        ("inv_a", "/staf/pengelola/kasus", f"#{world.case_a}"),
        ("inv_b", "/staf/pengelola/kasus", f"#{world.case_b}"),
        ("supervisor", "/staf/kata-sandi", "Rahman"),
        ("admin", "/staf/admin/", "Admin"),
    )
    with faults.write_lock_held(world.app):
        for role, path, shown in pages:
            response = world.clients[role].get(path)
            assert response.status_code == 200, (path, response.status_code)
            assert shown in response.get_data(as_text=True), path
    assert _untouched(world, aged), "no touch got through the lock"
    assert _marker(world) == marker, "the marker could not be written"
    for role, path, _ in pages:
        assert world.clients[role].get(path).status_code == 200
    assert _touched(world, aged), "written at the next visit"
    assert _marker(world) == _newest_record(world)


def _marker(world: World) -> int | None:
    with app_database(world.app).session() as session:
        row = session.get(CaseRead, (world.org.budi.id, world.case_a))
        return None if row is None else row.last_seen_seq


def _newest_record(world: World) -> int:
    with app_database(world.app).session() as session:
        newest = session.scalar(
            select(func.max(CaseRecord.seq)).where(CaseRecord.case_id == world.case_a)
        )
        assert newest is not None
        return newest


def _reporter_replies(world: World) -> int:
    client = world.clients["reporter"]
    token = csrf_from(client.get("/lapor/kasus").get_data(as_text=True))
    data = {"csrf_token": token, "message": REPLY}
    return client.post("/lapor/kasus/pesan", **multipart(data)).status_code


def test_a_writer_committing_between_the_case_page_read_and_its_marker(world: World) -> None:
    seen = _newest_record(world)
    page_thread = threading.get_ident()
    replies: list[int] = []

    def between(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        # The page has read everything; before its first write (or write
        # transaction) the reporter's reply commits, from another thread.
        starts_writing = faults.first_write(statement) or statement.startswith("BEGIN IMMEDIATE")
        if threading.get_ident() == page_thread and starts_writing and not replies:
            writer = threading.Thread(target=lambda: replies.append(_reporter_replies(world)))
            writer.start()
            writer.join(30)

    engine = faults.engine_of(world.app)
    event.listen(engine, "before_cursor_execute", between)
    try:
        page = world.clients["inv_a"].get(f"/staf/pengelola/kasus/{world.case_a}")
    finally:
        event.remove(engine, "before_cursor_execute", between)
    assert replies == [302], "the reporter's reply went through while the page was drawn"
    assert page.status_code == 200, page.status_code
    body = page.get_data(as_text=True)
    assert "MAKASSAR-RAHASIA" in body and REPLY not in body
    assert _marker(world) == seen, "the marker is what the page showed"
    inbox = world.clients["inv_a"].get("/staf/pengelola/kasus").get_data(as_text=True)
    assert f'#{world.case_a}</a> <strong class="unread">' in inbox, "the reply is still new"
    assert REPLY in world.clients["inv_a"].get(f"/staf/pengelola/kasus/{world.case_a}").get_data(
        as_text=True
    )
    assert _marker(world) == _newest_record(world)


def test_an_idle_session_is_deleted_beside_the_read(app: Flask, org: Any) -> None:
    from tests.support.http import https_client
    from tests.support.staff import sign_in

    client = https_client(app)
    assert sign_in(app, client, org.budi).status_code == 302
    with app_database(app).session() as session:
        session.execute(update(StaffSession).values(last_seen_at=utcnow() - timedelta(hours=2)))
    with _writes_outside_a_write_transaction(app) as found:
        response = client.get("/staf/pengelola/kasus")
    assert response.status_code == 302 and response.headers["Location"].endswith("/staf/masuk")
    assert found == [], found
    with app_database(app).session() as session:
        assert session.scalar(select(func.count()).select_from(StaffSession)) == 0
