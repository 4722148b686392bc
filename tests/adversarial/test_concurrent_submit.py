"""Twenty reporters at once against a real gunicorn: no lock error, no 5xx, no lost case.

Each submitter is a thread with its own connections and cookies, released
together by a barrier, filing reports with evidence over HTTP. Afterwards
every receipt a client received must open its own case with its own file,
the number of cases must equal the number of receipts, and neither the
clients nor the server log may show a 5xx or "database is locked". Runs on
SQLite, and on PostgreSQL when ``WBS_TEST_DATABASE_URL`` names one (the
fixtures then put the app and the server there).

Two more keep one upload trickling, and one 24 MiB download read slowly,
for longer than SQLite's busy timeout while others submit: no transaction
may stay open while a file streams in or out, or it would hold SQLite's only
write lock (requests begin IMMEDIATE) and the others would fail.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field

import pytest
from sqlalchemy import event, text

from tests.support.durability import (
    FILE_LINK_RE,
    census,
    file_report,
    file_report_slowly,
    integrity_check,
    live_settings,
    open_with_receipt,
    receipt_in,
    send,
    server_failures,
    sha256,
)
from tests.support.live import Browser, LiveServer
from tests.support.reporter import csrf_from
from wbs_app.db import app_database

SUBMITTERS = 20
ROUNDS = 2


@dataclass
class Outcome:
    what: str
    digest: str
    statuses: list[int] = field(default_factory=list)
    receipt: str | None = None
    error: str | None = None


def _submit(base: str, unit_id: int, seed: int, barrier: threading.Barrier) -> list[Outcome]:
    rng = random.Random(seed)
    browser = Browser(base)
    outcomes = []
    barrier.wait(timeout=60)
    for round_ in range(ROUNDS):
        evidence = rng.randbytes(rng.randint(32, 256) * 1024)
        outcome = Outcome(f"Laporan serentak {seed}-{round_}", sha256(evidence))
        outcomes.append(outcome)
        try:
            status, review = file_report(browser, unit_id, outcome.what, [("b.bin", evidence)])
            outcome.statuses.append(status)
            if status == 200:
                status, page = send(browser, review)
                outcome.statuses.append(status)
                if status == 200:
                    outcome.receipt = receipt_in(page)
        except Exception as error:  # every failure is reported by the test
            outcome.error = repr(error)
    return outcomes


@pytest.mark.slow
@pytest.mark.postgres
def test_twenty_concurrent_submitters_lose_nothing(app, org, instance_path) -> None:
    server = LiveServer(instance_path, live_settings(app)).start()
    try:
        barrier = threading.Barrier(SUBMITTERS)
        results: dict[int, list[Outcome]] = {}

        def run(seed: int) -> None:
            results[seed] = _submit(server.url, org.units["a"], seed, barrier)

        threads = [threading.Thread(target=run, args=(seed,)) for seed in range(SUBMITTERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        outcomes = [outcome for seed in sorted(results) for outcome in results[seed]]
        assert len(outcomes) == SUBMITTERS * ROUNDS
        problems = [o for o in outcomes if o.error or o.receipt is None]
        assert not problems, (len(problems), problems[:3], server_failures(server.log())[:20])
        assert all(status == 200 for o in outcomes for status in o.statuses)

        for outcome in outcomes:
            assert outcome.receipt is not None
            page, files = open_with_receipt(server.url, outcome.receipt)
            assert outcome.what in page
            assert [sha256(data) for data in files] == [outcome.digest]
        after = census(app, instance_path / "attachments")
        assert after.cases == len(outcomes)
        assert (after.drafts, after.pending_files) == (0, 0)
        assert after.leftovers.empty(), after.leftovers
        assert integrity_check(app) == "ok"
        assert server_failures(server.log()) == []
    finally:
        server.stop()


@pytest.mark.slow
@pytest.mark.postgres
def test_a_slow_upload_does_not_block_other_reporters(app, org, instance_path) -> None:
    busy_timeout_s = int(app.config["SQLITE_BUSY_TIMEOUT_MS"]) / 1000
    server = LiveServer(instance_path, live_settings(app)).start()
    try:
        slow: dict[str, tuple[int, str]] = {}
        evidence = random.Random(7).randbytes(512 * 1024)
        slow_browser = Browser(server.url)

        def trickle() -> None:
            slow["form"] = file_report_slowly(
                slow_browser, org.units["a"], "Unggahan lambat", evidence, busy_timeout_s + 4
            )

        thread = threading.Thread(target=trickle)
        thread.start()
        receipts = []
        browser = Browser(server.url)
        for n in range(3):
            status, review = file_report(browser, org.units["a"], f"Cepat {n}", [("c.bin", b"c")])
            assert status == 200
            status, page = send(browser, review)
            assert status == 200, page[:300]
            receipts.append(receipt_in(page))
        assert thread.is_alive(), "the slow upload ended before the others were done"
        thread.join(timeout=120)
        assert slow["form"][0] == 200
        status, page = send(slow_browser, slow["form"][1])
        assert status == 200, page[:300]
        receipts.append(receipt_in(page))
        page, files = open_with_receipt(server.url, receipts[-1])
        assert [sha256(data) for data in files] == [sha256(evidence)]
        assert server_failures(server.log()) == []
        assert census(app, instance_path / "attachments").cases == 4
    finally:
        server.stop()


def test_posts_begin_immediate_on_sqlite_and_reads_do_not(app, client) -> None:
    engine = app_database(app).engine
    if engine.dialect.name != "sqlite":
        pytest.skip("BEGIN IMMEDIATE is SQLite's")
    begun: list[str] = []

    def record(_conn, _cursor, statement, *_rest) -> None:
        if statement.startswith("BEGIN"):
            begun.append(statement)

    from crypto import generate_code

    event.listen(engine, "before_cursor_execute", record)
    try:
        page = client.get("/lapor/masuk").get_data(as_text=True)
        assert set(begun) <= {"BEGIN"}
        begun.clear()
        # A well-formed code no case has (a malformed one is refused before any query).
        login = {"csrf_token": csrf_from(page), "receipt": generate_code()}
        assert client.post("/lapor/masuk", data=login).status_code in (400, 404)
        assert begun and set(begun) == {"BEGIN IMMEDIATE"}
        begun.clear()
        with app_database(app).session() as session:
            session.execute(text("SELECT 1"))
        assert begun == ["BEGIN"]
    finally:
        event.remove(engine, "before_cursor_execute", record)


@pytest.mark.slow
@pytest.mark.postgres
def test_a_slow_download_does_not_block_other_reporters(app, org, instance_path) -> None:
    busy_timeout_s = int(app.config["SQLITE_BUSY_TIMEOUT_MS"]) / 1000
    evidence = random.Random(11).randbytes(24 * 1024 * 1024)  # more than the socket buffers
    server = LiveServer(instance_path, live_settings(app)).start()
    try:
        browser = Browser(server.url)
        status, review = file_report(browser, org.units["a"], "Berkas besar", [("b.bin", evidence)])
        assert status == 200
        status, page = send(browser, review)
        assert status == 200
        reader = Browser(server.url)
        login = reader.get("/lapor/masuk")
        case_page = reader.post(
            "/lapor/masuk", {"csrf_token": csrf_from(login), "receipt": receipt_in(page)}
        )
        link = FILE_LINK_RE.search(case_page)
        assert link is not None
        streaming = threading.Event()
        received: list[bytes] = []

        def read_slowly() -> None:
            with reader.opener.open(f"{server.url}/lapor/kasus/berkas/{link.group(1)}") as answer:
                received.append(answer.read(64 * 1024))
                streaming.set()
                until = time.monotonic() + busy_timeout_s + 4
                while time.monotonic() < until:
                    received.append(answer.read(16 * 1024))
                    time.sleep(0.05)
                received.append(answer.read())

        thread = threading.Thread(target=read_slowly)
        thread.start()
        assert streaming.wait(timeout=30)
        for n in range(3):
            status, review = file_report(browser, org.units["a"], f"Cepat {n}", [("c.bin", b"c")])
            assert status == 200
            status, page = send(browser, review)
            assert status == 200, page[:300]
        assert thread.is_alive(), "the download ended before the others were done"
        thread.join(timeout=120)
        assert sha256(b"".join(received)) == sha256(evidence)
        assert server_failures(server.log()) == []
    finally:
        server.stop()
