"""``kill -9`` of a real gunicorn (master and workers) at random moments of 50 uploads.

One reporter after another files a report with evidence of a few hundred KiB
to a few MiB; during some of the uploads a timer kills the whole server
process group with SIGKILL, at a random moment. The server is started again
the normal way (gunicorn's start-up sweep included) and the reporter whose
send died presses "send" again, as a person would: a send that had committed
hands over its receipt then (unless the page that shows it once had already
used it up and its own answer died), a send that had not makes the case. The seed is printed
(``-s``) and can be replayed with ``WBS_CRASH_SEED``.

Afterwards every receipt a client received opens its complete case (the
report and the file, byte for byte), every case in the database is whole
(report, wraps, its one file on disk), SQLite's integrity check passes and
nothing is left over: the only pending files are those of drafts whose form
post was cut off, whose key the reporter never received, and which expire;
uploads cut off before the database knew them are in quarantine/pending/.
"""

from __future__ import annotations

import os
import random
import threading
import time
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from tests.support.durability import (
    census,
    file_report,
    integrity_check,
    live_settings,
    open_with_receipt,
    receipt_in,
    send,
    server_failures,
    sha256,
)
from tests.support.live import CONNECTION_LOST, Browser, LiveServer
from tests.support.reporter import RECEIPT_RE
from wbs_app.db import app_database
from wbs_app.models import Attachment, Case

UPLOADS = 50
SENT = "Laporan Anda sudah terkirim dan diterima"
KILL_CHANCE = 0.2
KiB = 1024


@dataclass
class Upload:
    what: str
    digest: str
    receipt: str | None = None
    form_lost: bool = False  # the form post died: the reporter never saw its draft
    retried: bool = False  # the send died and was pressed again after the restart
    shown_and_lost: bool = False  # the receipt page's own answer died after it used the receipt up


def _attempt(
    server: LiveServer,
    rng: random.Random,
    number: int,
    unit_id: int,
    timer: threading.Timer | None,
) -> Upload:
    evidence = rng.randbytes(rng.randint(200 * KiB, 3 * 1024 * KiB))
    upload = Upload(f"Laporan {number} sebelum pemadaman", sha256(evidence))
    browser = Browser(server.url)
    review = None
    try:
        status, review = file_report(browser, unit_id, upload.what, [("bukti.bin", evidence)])
        assert status == 200, f"form answered {status}"
        status, page = send(browser, review)
        assert status == 200, f"send answered {status}"
        upload.receipt = receipt_in(page)
        return upload
    except CONNECTION_LOST:
        if timer is not None:
            timer.join()  # the kill is still waiting for the workers to die
    if review is None:
        upload.form_lost = True
        return upload
    # The reporter presses "send" again once the server is back.
    upload.retried = True
    _ensure_running(server)
    browser.base = server.url
    status, page = send(browser, review)
    assert status == 200, f"second send answered {status}"
    if RECEIPT_RE.search(page):  # a first send that committed hands its receipt over now
        upload.receipt = receipt_in(page)
    else:  # its receipt page had shown it once, and that answer died with the server
        assert SENT in page, page[:2000]
        upload.shown_and_lost = True
    return upload


def _ensure_running(server: LiveServer) -> None:
    if server.process is None:
        server.start()


@pytest.mark.slow
@pytest.mark.postgres
def test_kill_9_at_random_moments_of_fifty_uploads(app, org, instance_path, capsys) -> None:
    seed = int(os.environ.get("WBS_CRASH_SEED") or random.SystemRandom().randrange(2**32))
    with capsys.disabled():  # shown even without -s, so that a failure can be replayed
        print(f"\nkill -9 test seed: {seed} (replay with WBS_CRASH_SEED={seed})")
    rng = random.Random(seed)
    server = LiveServer(instance_path, live_settings(app)).start()
    uploads: list[Upload] = []
    kills: list[str] = []
    typical = 0.3  # seconds an upload takes here, learnt as they run: kills land inside one
    try:
        for number in range(UPLOADS):
            timer = None
            fired = threading.Event()
            if rng.random() < KILL_CHANCE:

                def kill(fired: threading.Event = fired) -> None:
                    fired.set()
                    server.kill()

                timer = threading.Timer(rng.uniform(0.0, 1.2 * typical), kill)
                timer.start()
            started = time.monotonic()
            upload = _attempt(server, rng, number, org.units["a"], timer)
            uploads.append(upload)
            if timer is not None:
                timer.cancel()
                timer.join()
            if fired.is_set():
                kills.append(
                    "form" if upload.form_lost else "send" if upload.retried else "between"
                )
            else:
                typical = 0.7 * typical + 0.3 * (time.monotonic() - started)
            _ensure_running(server)
        server.stop()
        server.start()  # one more normal start: its sweep sees the final state
        _check_afterwards(app, instance_path, server, uploads, seed)
    finally:
        server.stop()
    received = sum(1 for upload in uploads if upload.receipt)
    lost = sum(1 for upload in uploads if upload.shown_and_lost)
    where = ", ".join(f"{kills.count(k)} {k}" for k in ("form", "send", "between"))
    with capsys.disabled():
        print(
            f"kill -9 test: {len(kills)} kills ({where}); {received}/{UPLOADS} receipts received,"
            f" {lost} shown by a page whose answer died"
        )


def _check_afterwards(app, instance_path, server: LiveServer, uploads: list[Upload], seed: int):
    context = f"seed {seed}"
    assert integrity_check(app) == "ok", context
    after = census(app, instance_path / "attachments")
    assert after.leftovers.empty(), (context, after.leftovers)
    # Cut-off uploads the database never knew are quarantined; no stored file ever is.
    assert not any((instance_path / "attachments" / "quarantine" / "files").iterdir()), context
    received = [upload for upload in uploads if upload.receipt]
    assert received, context
    for upload in received:
        assert upload.receipt is not None
        page, files = open_with_receipt(server.url, upload.receipt)
        assert upload.what in page, context
        assert [sha256(data) for data in files] == [upload.digest], context
    # Cases whose receipt was lost with the connection are whole too: one file each.
    with app_database(app).session() as session:
        per_case = dict(
            session.execute(
                select(Case.id, func.count(Attachment.id))
                .outerjoin(Attachment, Attachment.case_id == Case.id)
                .group_by(Case.id)
            ).all()
        )
    assert set(per_case.values()) <= {1}, context
    assert len(received) <= after.cases <= len(uploads), context
    # A draft survives only where the form's answer (and so its key) never arrived.
    assert after.drafts <= sum(1 for upload in uploads if upload.form_lost), context
    failures = [line for line in server_failures(server.log()) if "WORKER TIMEOUT" not in line]
    assert failures == [], context
