"""What the stored evidence files tell without being decrypted: the day, and the size bucket.

Issue 18: an evidence file kept its real modification and access times (the
minute a reporter uploaded it, the minute it was last read), and its
ciphertext length gave its exact size while the database showed a rounded
one. Through the reporter's pages (an upload, the sending, a download of
the reporter's own file), every file and folder of the attachment store must
carry times at midnight UTC, and every file a length that only its size
bucket decides. A change time (ctime) cannot be set by a process: that one
remains (docs/threat-model.md, "Metadata at rest").
"""

from __future__ import annotations

import itertools
import os
import re
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from crypto import encrypted_size
from tests.support.http import https_client
from tests.support.reporter import Report, csrf_from, open_case, submit_report
from tests.support.world import build_world, multipart
from wbs_app.db import app_database
from wbs_app.models import Attachment, CaseRecord, JournalEntry, ReporterSession
from wbs_app.services.infra.clock import DAY as DAY_STEP
from wbs_app.services.infra.clock import floor_to

DAY = 86_400


def _store_root(app) -> Path:
    return app.extensions["lentera.store"].root


def _stored(root: Path) -> list[Path]:
    return [root, *root.rglob("*")]


def test_stored_files_carry_the_day_and_their_bucket_only(app, org) -> None:
    sizes = (10, 40_000)  # one bucket (64 KiB): the two files must look alike
    reporter = https_client(app)
    receipt = submit_report(
        reporter,
        Report(
            unit=org.units["a"],
            files=[(f"bukti-{size}.bin", os.urandom(size)) for size in sizes],
        ),
    )
    assert open_case(reporter, receipt).status_code == 302
    page = reporter.get("/lapor/kasus").get_data(as_text=True)
    for file_id in set(re.findall(r"/lapor/kasus/berkas/(\d+)", page)):
        assert reporter.get(f"/lapor/kasus/berkas/{file_id}").status_code == 200

    root = _store_root(app)
    files = [path for path in root.rglob("*") if path.is_file()]
    assert len(files) == len(sizes)
    assert {path.stat().st_size for path in files} == {encrypted_size(sizes[0])}
    # A folder's access time is its last listing (this test's, the sweep's), no reporter's.
    finer = [
        f"{path} {what}={getattr(path.stat(), what)}"
        for path in _stored(root)
        for what in (("st_mtime", "st_atime") if path.is_file() else ("st_mtime",))
        if getattr(path.stat(), what) % DAY
    ]
    assert not finer, "\n".join(finer)


def _at_midnight(moment: datetime) -> bool:
    return moment == floor_to(moment, DAY_STEP)


def test_a_reporter_session_row_keeps_days_and_the_cookie_the_minute(app, org, moved_clock) -> None:
    """The row shows the day; the sealed clocks still end the visit on the minute."""
    reporter = https_client(app)
    receipt = submit_report(reporter, Report(unit=org.units["a"]))
    visitor = https_client(app)
    assert open_case(visitor, receipt).status_code == 302
    idle = timedelta(minutes=int(app.config["REPORTER_SESSION_IDLE_MINUTES"]))

    def rows() -> list[ReporterSession]:
        with app_database(app).session() as session:
            return list(session.scalars(select(ReporterSession)))

    for _visit in range(3):  # each visit within the idle time re-seals the last-seen minute
        moved_clock.advance(seconds=(idle - timedelta(minutes=1)).total_seconds())
        assert visitor.get("/lapor/kasus").status_code == 200
        (row,) = rows()
        assert _at_midnight(row.last_seen_at) and _at_midnight(row.expires_at)
    moved_clock.advance(seconds=(idle + timedelta(minutes=1)).total_seconds())
    assert visitor.get("/lapor/kasus").status_code == 302
    assert rows() == []


def test_records_are_ordered_per_case_and_their_ids_tell_no_order(app, org) -> None:
    """A reporter's replies take their place in their case (``seq``), and random ids.

    Two cases, a reply in each, then a second reply in the first: the pages
    show each thread in writing order, each case's numbers run 1, 2, 3 ...,
    and no two ids of records, files or journal entries are near each other
    (a global sequence would be: consecutive writes, consecutive ids).
    """
    world = build_world(app, org)
    reporter = world.clients["reporter"]

    def reply(text_: str) -> None:
        token = csrf_from(reporter.get("/lapor/kasus").get_data(as_text=True))
        data = {"csrf_token": token, "message": text_}
        assert reporter.post("/lapor/kasus/pesan", **multipart(data)).status_code == 302

    reply("BALASAN-PERTAMA")
    reply("BALASAN-KEDUA")
    page = reporter.get("/lapor/kasus").get_data(as_text=True)
    assert page.index("BALASAN-PERTAMA") < page.index("BALASAN-KEDUA")
    staff_page = world.clients["inv_a"].get(f"/staf/pengelola/kasus/{world.case_a}")
    text_ = staff_page.get_data(as_text=True)
    assert text_.index("BALASAN-PERTAMA") < text_.index("BALASAN-KEDUA")

    with app_database(app).session() as session:
        records = session.execute(select(CaseRecord.case_id, CaseRecord.seq, CaseRecord.id)).all()
        ids = [row.id for row in records]
        ids += session.scalars(select(Attachment.id))
        ids += session.scalars(select(JournalEntry.id))
    by_case: dict[int, list[int]] = {}
    for case_id, seq, _id in records:
        by_case.setdefault(case_id, []).append(seq)
    assert all(sorted(seqs) == list(range(1, len(seqs) + 1)) for seqs in by_case.values())
    ordered = sorted(ids)
    assert len(ordered) > 10
    assert min(b - a for a, b in itertools.pairwise(ordered)) > 1 << 32
