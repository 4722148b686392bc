"""A bounded flood of report sends against gunicorn as deployed (issue 18, "Floods", measured).

Slow: gunicorn with the project's gunicorn.conf.py, production Argon2 and the
default send lanes and puzzle. The flood is open-loop: complete reports (form,
then send, no JavaScript, no puzzle) start on a fixed schedule of 450 a minute
from loopback, each on the first of many client threads that is free, however
slowly the site answers the ones before (a client that waits for its answer
before sending again would let a slow site slow its own flood); meanwhile
the landing page is timed, and a real reporter with JavaScript off writes a
report and sends it, sending again after the
``Retry-After`` the page gives each time it comes back. The figures are
printed and reported, not asserted (the issue's targets, the landing page's
median within 2x of its quiet median and the real report sent within 60 s,
depend on the machine's speed and load: no timed assertion in a test); what
is asserted is what must hold on any machine: no traceback, every answer a
filed report or the review page again, and the real report filed.
"""

from __future__ import annotations

import http.client
import re
import statistics
import threading
import time

import pytest

import crypto
from config import argon2_settings
from tests.support.durability import live_settings
from tests.support.live import Browser, LiveServer
from tests.support.reporter import DRAFT_RE, NEW_DRAFT_RE, RECEIPT_RE, csrf_from

PRODUCTION_ARGON2 = argon2_settings(crypto.PRODUCTION_ARGON2)
SENDS_PER_MINUTE = 450
FLOOD_SECONDS = 40
FLOOD_CLIENTS = 48  # enough that the schedule holds while answers take up to ~6 s
RETRY_RE = re.compile(r"Banyak laporan sedang masuk|Saat ini banyak orang")


def _form_fields(page: str, unit: int, what: str) -> list[tuple[str, str]]:
    fields = [("draft", "")]
    new_draft = NEW_DRAFT_RE.search(page)
    if new_draft:
        fields.append(("new_draft", new_draft.group(1)))
    return [
        *fields,
        ("csrf_token", csrf_from(page)),
        ("unit", str(unit)),
        ("category", "1"),
        ("what", what),
        ("who", "Petugas"),
        ("where", "Kantor"),
        ("when", "Kemarin"),
        ("how", "Melihat sendiri"),
    ]


class FormRefused(Exception):
    """The report form itself was not answered with the review page."""


def _review(browser: Browser, unit: int, what: str) -> str:
    form = browser.get("/lapor/formulir")
    status, body = browser.send("/lapor/formulir", _form_fields(form, unit, what), multipart=True)
    if status != 200:
        raise FormRefused(f"form {status}: {body.decode()[:300]}")
    return body.decode()


def _send(browser: Browser, review: str) -> tuple[int, str]:
    fields = {"csrf_token": csrf_from(review), "draft": DRAFT_RE.search(review).group(1)}
    status, body = browser.send("/lapor/kirim", fields)
    return status, body.decode()


def _landing_time(host: str, port: int) -> float:
    started = time.monotonic()
    connection = http.client.HTTPConnection(host, port, timeout=60)
    connection.request("GET", "/")
    response = connection.getresponse()
    response.read()
    connection.close()
    assert response.status == 200
    return time.monotonic() - started


def _quiet_landing(host: str, port: int, count: int = 60) -> list[float]:
    times = []
    for _ in range(count):
        times.append(_landing_time(host, port))
        time.sleep(0.1)
    return times


@pytest.mark.slow
def test_a_flood_of_sends_keeps_the_landing_page_and_lets_a_real_report_in(
    app, org, instance_path
) -> None:
    settings = live_settings(app) | {key: str(v) for key, v in PRODUCTION_ARGON2.items()}
    server = LiveServer(instance_path, settings).start()
    base = server.url
    outcomes: dict[int | str, int] = {}
    problems: list[str] = []
    landing: list[float] = []
    real: dict[str, float | int] = {}
    lock = threading.Lock()
    try:
        _landing_time(server.host, server.port)  # warm both workers' first request
        quiet = _quiet_landing(server.host, server.port)
        stop = time.monotonic() + FLOOD_SECONDS
        interval = 60.0 / SENDS_PER_MINUTE
        scheduled = int(FLOOD_SECONDS / interval)
        tickets = iter(range(scheduled))
        late: list[float] = []  # how far behind its schedule each send started

        def flood(number: int) -> None:
            browser = Browser(base)
            while True:
                with lock:
                    ticket = next(tickets, None)
                if ticket is None:
                    return
                due = flood_started + ticket * interval
                now = time.monotonic()
                if now < due:
                    time.sleep(due - now)
                late.append(max(0.0, now - due))
                try:
                    review = _review(browser, org.units["a"], f"Banjir {number}")
                    status: int | str = _send(browser, review)[0]
                except FormRefused as refused:
                    status = str(refused)[:8]
                    problems.append(str(refused))
                except Exception as error:
                    status = type(error).__name__
                    problems.append(repr(error))
                with lock:
                    outcomes[status] = outcomes.get(status, 0) + 1

        def probe() -> None:
            time.sleep(3)  # let the flood build up first
            while time.monotonic() < stop - 1:
                landing.append(_landing_time(server.host, server.port))
                time.sleep(0.2)

        def reporter() -> None:
            time.sleep(8)
            browser = Browser(base)
            started = time.monotonic()
            attempts = busy_pages = 0
            while True:  # the form itself may meet the site's busy page: back, and again
                try:
                    review = _review(browser, org.units["a"], "Laporan sungguhan: pungli loket")
                    break
                except FormRefused:
                    busy_pages += 1
                    time.sleep(5)
            while time.monotonic() - started < 120:
                attempts += 1
                status, page = _send(browser, review)
                if status == 200 and RECEIPT_RE.search(page):
                    real.update(
                        seconds=time.monotonic() - started, attempts=attempts, busy=busy_pages
                    )
                    return
                assert status == 503, (status, page[:500])
                if RETRY_RE.search(page):
                    review = page  # the review page came back, kept
                else:  # the site's busy page (the database's lock): back, and again
                    busy_pages += 1
                time.sleep(5)  # the Retry-After it names
            real.update(seconds=float("inf"), attempts=attempts, busy=busy_pages)

        threads = [threading.Thread(target=flood, args=(n,)) for n in range(FLOOD_CLIENTS)]
        threads += [threading.Thread(target=probe), threading.Thread(target=reporter)]
        flood_started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - flood_started
    finally:
        server.stop()
    log = server.log()
    assert "Traceback" not in log, log[-3000:]
    sent = sum(outcomes.values())
    quiet_median, flood_median = statistics.median(quiet), statistics.median(landing)
    print(
        f"\nsend flood: {sent} of {scheduled} scheduled sends in {elapsed:.0f} s "
        f"({sent * 60 / elapsed:.0f}/min; schedule {SENDS_PER_MINUTE}/min, open loop over "
        f"{FLOOD_CLIENTS} clients, median start {statistics.median(late) * 1000:.0f} ms and "
        f"at most {max(late):.1f} s behind it); outcomes {outcomes} "
        f"(200 = filed, 503 = review page again)\n"
        f"landing page: quiet median {quiet_median * 1000:.1f} ms, under the flood median "
        f"{flood_median * 1000:.1f} ms (x{flood_median / quiet_median:.2f}), "
        f"max {max(landing) * 1000:.0f} ms over {len(landing)}\n"
        f"real report (JavaScript off): receipt {real['seconds']:.1f} s after the form, "
        f"{real['attempts']} attempt(s), {real['busy']} of them the site's busy page"
    )
    assert set(outcomes) <= {200, 503, "form 503"}, (outcomes, problems[:3])
    assert real["seconds"] != float("inf"), real  # the real report got its receipt
