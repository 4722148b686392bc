"""Floods of sends (issue 18, "Floods"): a solved puzzle goes first, the open lane is bounded.

Through HTTP as a browser sends the review page: a send without a solved
puzzle (JavaScript off) meets a full open lane and gets the review page
again, kept, with 503 and Retry-After, and goes through once there is room;
a send with a solved puzzle waits its turn and goes; a forged, foreign or
too-cheap solution is no solution. Another send in progress is the lanes'
own slot held by the test, the one object every send of the process takes.
"""

from __future__ import annotations

import re
import threading
import time

import pytest

from config import ConfigError, Settings, lane_threads, validate
from tests.support.reporter import DRAFT_RE, RECEIPT_RE, Report, csrf_from, follow, post_form
from wbs_app.appctx import SEND_LANES
from wbs_app.security.headers import CONTENT_SECURITY_POLICY, PUZZLE_PAGE_CSP
from wbs_app.services.infra import proof_of_work
from wbs_app.services.infra.send_lanes import SendBusy, SendLanes

PUZZLE_RE = re.compile(r'name="puzzle" value="([^"]+)"')
CROWDED = "Banyak laporan sedang masuk"


@pytest.fixture
def app(make_app):
    return make_app(PUZZLE_BITS=8, SEND_OPEN_QUEUE=0, SEND_FIRST_QUEUE=1, SEND_FIRST_WAIT_MS=5000)


def _review(reporter, org) -> str:
    review = post_form(reporter, Report(unit=org.units["a"]))
    assert review.status_code == 200
    return review.get_data(as_text=True)


def _send(reporter, page: str, solution: str | None = None, puzzle: str | None = None):
    data = {"csrf_token": csrf_from(page), "draft": DRAFT_RE.search(page).group(1)}
    found = PUZZLE_RE.search(page)
    if found is not None:
        data["puzzle"] = puzzle if puzzle is not None else found.group(1)
        data["puzzle_solution"] = "" if solution is None else solution
    return reporter.post("/lapor/kirim", data=data)


def _solution(page: str) -> str:
    return proof_of_work.solve(PUZZLE_RE.search(page).group(1))


class _Held:
    """Another send in progress: the process's one send slot, held until ``release``."""

    def __init__(self, app) -> None:
        self.lanes: SendLanes = app.extensions[SEND_LANES]
        self.held, self.done = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self._hold)
        self.thread.start()
        assert self.held.wait(5)

    def _hold(self) -> None:
        with self.lanes.slot(first=False):
            self.held.set()
            self.done.wait(10)

    def release(self) -> None:
        self.done.set()
        self.thread.join(5)


def test_the_review_page_offers_the_puzzle_with_its_own_script_only(app, org, reporter) -> None:
    response = post_form(reporter, Report(unit=org.units["a"]))
    page = response.get_data(as_text=True)
    assert PUZZLE_RE.search(page) and 'name="puzzle_solution" value=""' in page
    assert '<script src="/static/js/puzzle.js"></script>' in page
    assert response.headers["Content-Security-Policy"] == PUZZLE_PAGE_CSP
    assert PUZZLE_PAGE_CSP.endswith("script-src 'self'") and "unsafe" not in PUZZLE_PAGE_CSP
    script = reporter.get("/static/js/puzzle.js")
    script.close()
    assert script.status_code == 200 and "javascript" in script.headers["Content-Type"]
    for path in ("/", "/lapor/", "/lapor/formulir"):  # every other page: no script at all
        other = reporter.get(path)
        assert other.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        assert "<script" not in other.get_data(as_text=True)


def test_without_a_puzzle_setting_the_review_page_has_no_script(make_app, org) -> None:
    from tests.support.http import https_client

    quiet = make_app(PUZZLE_BITS=0)
    reporter = https_client(quiet)
    response = post_form(reporter, Report(unit=org.units["a"]))
    assert "<script" not in response.get_data(as_text=True) and "puzzle" not in response.get_data(
        as_text=True
    )
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_an_open_lane_send_is_refused_at_once_kept_and_goes_once_there_is_room(
    app, org, reporter
) -> None:
    page = _review(reporter, org)
    held = _Held(app)
    try:
        started = time.monotonic()
        refused = _send(reporter, page)  # JavaScript off: no solution
        assert time.monotonic() - started < 2.0, "beyond the open queue, refusal is immediate"
    finally:
        held.release()
    text = refused.get_data(as_text=True)
    assert refused.status_code == 503 and refused.headers["Retry-After"] == "5"
    assert CROWDED in text
    assert DRAFT_RE.search(text).group(1) == DRAFT_RE.search(page).group(1), "the draft is kept"
    assert "Petugas loket meminta uang" in text, "the report is shown again"
    sent = _send(reporter, text)  # sent again from the page that came back
    assert sent.status_code == 303
    assert RECEIPT_RE.search(follow(reporter, sent).get_data(as_text=True))


def test_a_send_with_a_solved_puzzle_waits_its_turn_and_goes(app, org, reporter) -> None:
    page = _review(reporter, org)
    held = _Held(app)
    releaser = threading.Timer(0.5, held.release)
    releaser.start()
    try:
        sent = _send(reporter, page, _solution(page))
    finally:
        releaser.join()
    assert sent.status_code == 303, sent.get_data(as_text=True)[:2000]
    lanes: SendLanes = app.extensions[SEND_LANES]
    assert lanes.admitted[True] == 1 and lanes.refused == {False: 0, True: 0}


@pytest.mark.parametrize("forgery", ["foreign", "wrong", "cheap", "expired", "junk"])
def test_a_forged_solution_is_no_solution(app, org, reporter, forgery) -> None:
    """Another draft's puzzle, a wrong counter, a cheaper or expired puzzle, junk: the open lane."""
    page = _review(reporter, org)
    key, uid = app.secret_key.encode(), _draft_uid(app, page)
    own = PUZZLE_RE.search(page).group(1)
    if forgery == "foreign":  # solved, but drawn for another draft
        puzzle = PUZZLE_RE.search(_review(reporter, org)).group(1)
    elif forgery == "cheap":  # this draft's, signed, but 1 bit where 8 are asked
        puzzle = proof_of_work.challenge(key, uid, 1, 3600)
    elif forgery == "expired":
        puzzle = proof_of_work.challenge(key, uid, 8, -10)
    elif forgery == "junk":
        puzzle = "8.99999999999.x.y"
    else:
        puzzle = own
    solution = proof_of_work.solve(puzzle)
    if forgery == "wrong":  # a counter that does not solve this draft's puzzle
        solution = next(
            str(n) for n in range(1000) if not proof_of_work.solved(key, uid, 8, own, str(n))
        )
    held = _Held(app)
    try:
        refused = _send(reporter, page, solution, puzzle=puzzle)
    finally:
        held.release()
    assert refused.status_code == 503 and CROWDED in refused.get_data(as_text=True)


def _draft_uid(app, page: str) -> str:
    from wbs_app.db import app_database
    from wbs_app.services.cases import intake

    with app_database(app).session() as session:
        return intake.open_draft(session, DRAFT_RE.search(page).group(1)).case_uid


def test_a_waiting_solved_send_goes_before_a_waiting_open_one() -> None:
    """The lanes themselves: whenever the slot frees, the first lane's waiter takes it."""
    lanes = SendLanes(
        bound=1, open_queue=1, open_wait_seconds=5, first_queue=1, first_wait_seconds=5
    )
    order: list[str] = []
    release = threading.Event()

    def holder() -> None:
        with lanes.slot(first=False):
            release.wait(5)

    def sender(first: bool) -> None:
        with lanes.slot(first=first):
            order.append("first" if first else "open")
            time.sleep(0.05)

    threads = [threading.Thread(target=holder)]
    threads[0].start()
    time.sleep(0.1)
    for first in (False, True):  # the open one asks before the solved one
        threads.append(threading.Thread(target=sender, args=(first,)))
        threads[-1].start()
        time.sleep(0.1)
    with pytest.raises(SendBusy), lanes.slot(first=False):
        pass  # the open queue is full: refused at once
    release.set()
    for thread in threads:
        thread.join(5)
    assert order == ["first", "open"]
    assert lanes.high_water == 1 and lanes.refused == {False: 1, True: 0}


@pytest.mark.parametrize(
    "setting",
    [
        {"PUZZLE_BITS": 33},
        {"PUZZLE_BITS": -1},
        {"SEND_CONCURRENCY": 0},
        {"SEND_OPEN_QUEUE": -1},
        {"THREADS": 64},  # the default lanes hold 64 threads: none would be left over
        {"SEND_FIRST_QUEUE": 60},
    ],
)
def test_send_lane_settings_are_checked_at_start(setting) -> None:
    strong = "ab" * 32
    secrets = {"SECRET_KEY": strong, "INSTALLATION_SALT": strong, "PASSWORD_PEPPER": strong}
    with pytest.raises(ConfigError, match=r"PUZZLE_BITS|SEND_|WBS_THREADS"):
        validate(Settings(ENV="test", **secrets, **setting))


def test_the_default_lanes_leave_threads_for_every_other_page() -> None:
    strong = "ab" * 32
    defaults = Settings(
        ENV="test", SECRET_KEY=strong, INSTALLATION_SALT=strong, PASSWORD_PEPPER=strong
    )
    validate(defaults)
    assert lane_threads(defaults) == 64 and defaults.THREADS == 72


def test_a_send_waiting_for_its_turn_keeps_no_other_writer_waiting(make_app, org) -> None:
    """The wait in the lane holds no transaction: on SQLite, no write lock (the CI's 10 s 503s).

    A send that waited with its IMMEDIATE transaction open held SQLite's only
    write lock for the whole wait, so every other writer (a draft, a login)
    ran into the busy timeout and got 503; on PostgreSQL it held a pooled
    connection the while.
    """
    from tests.support.http import https_client

    app = make_app(
        PUZZLE_BITS=0, SEND_OPEN_QUEUE=1, SEND_OPEN_WAIT_MS=8000, SQLITE_BUSY_TIMEOUT_MS=300
    )
    sender, other = https_client(app), https_client(app)
    page = _review(sender, org)
    lanes: SendLanes = app.extensions[SEND_LANES]
    held = _Held(app)
    answers: list = []
    waiting = threading.Thread(target=lambda: answers.append(_send(sender, page)))
    try:
        waiting.start()
        deadline = time.monotonic() + 5
        while lanes.waiting[False] == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert lanes.waiting[False] == 1, "the send waits its turn in the open lane"
        written = post_form(other, Report(unit=org.units["a"], what="Laporan lain"))
        assert written.status_code == 200, "another reporter's draft is written meanwhile"
    finally:
        held.release()
        waiting.join(10)
    assert answers[0].status_code == 303, "and the waiting send goes once its turn comes"
