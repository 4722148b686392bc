"""Handlers through HTTP: inbox, case page, identity reveal, steps, messages, unit separation."""

from __future__ import annotations

import re

from sqlalchemy import event, select

from tests.support.http import https_client
from tests.support.reporter import Report, csrf_from, open_case, submit_report
from tests.support.staff import signed_in
from wbs_app.db import app_database
from wbs_app.models import Attachment, Case, CaseStatus, JournalEntry


def _two_cases(app, org, reporter) -> tuple[str, int, int]:
    receipt = submit_report(
        reporter,
        Report(
            unit=org.units["a"],
            what="Kasus di Makassar",
            identity=("Saksi Rahasia", "0812"),
            files=[("bukti.txt", b"bukti A")],
        ),
    )
    submit_report(
        https_client(app),
        Report(unit=org.units["b"], what="Kasus di Parepare", files=[("b.txt", b"bukti B")]),
    )
    with app_database(app).session() as session:
        ids = list(session.scalars(select(Case.id).order_by(Case.id)))
    return receipt, ids[0], ids[1]


def test_unit_a_sees_and_opens_nothing_of_unit_b(app, org, reporter) -> None:
    _, case_a, case_b = _two_cases(app, org, reporter)
    budi = signed_in(app, org.budi)  # investigator of unit a
    inbox = budi.get("/staf/pengelola/kasus").get_data(as_text=True)
    assert (
        f"/staf/pengelola/kasus/{case_a}" in inbox
        and f"/staf/pengelola/kasus/{case_b}" not in inbox
    )
    assert budi.get(f"/staf/pengelola/kasus/{case_b}").status_code == 404
    assert budi.get("/staf/pengelola/kasus/99999").status_code == 404
    with app_database(app).session() as session:
        b_file = session.scalar(select(Attachment.id).where(Attachment.case_id == case_b))
    assert budi.get(f"/staf/pengelola/kasus/{case_b}/berkas/{b_file}").status_code == 404
    assert budi.get(f"/staf/pengelola/kasus/{case_a}/berkas/{b_file}").status_code == 404
    page = budi.get(f"/staf/pengelola/kasus/{case_a}").get_data(as_text=True)
    token = csrf_from(page)
    for path in (
        f"/staf/pengelola/kasus/{case_b}/pesan",
        f"/staf/pengelola/kasus/{case_b}/catatan",
        f"/staf/pengelola/kasus/{case_b}/identitas",
    ):
        assert budi.post(path, data={"csrf_token": token, "text": "x"}).status_code == 404
    supervisor = signed_in(app, org.rahman)  # the Kanwil's supervisor sees both
    both = supervisor.get("/staf/pengelola/kasus").get_data(as_text=True)
    assert f"/staf/pengelola/kasus/{case_a}" in both and f"/staf/pengelola/kasus/{case_b}" in both


def test_case_page_identity_reveal_is_journaled(app, org, reporter) -> None:
    _, case_a, _ = _two_cases(app, org, reporter)
    budi = signed_in(app, org.budi)
    page = budi.get(f"/staf/pengelola/kasus/{case_a}").get_data(as_text=True)
    assert "Kasus di Makassar" in page and "Saksi Rahasia" not in page
    # The evidence's own size, as the reporter's pages give it: not the padded
    # size at rest, which read as a limit ("hingga 65,5 kB", walk 2, finding 11).
    assert "bukti.txt</a> (7 bita)" in page and "hingga" not in page
    file_id = re.search(rf"/staf/pengelola/kasus/{case_a}/berkas/(\d+)", page).group(1)
    with budi.get(f"/staf/pengelola/kasus/{case_a}/berkas/{file_id}") as download:
        assert download.get_data() == b"bukti A"
        assert download.headers["Content-Disposition"].startswith("attachment")
    revealed = budi.post(
        f"/staf/pengelola/kasus/{case_a}/identitas", data={"csrf_token": csrf_from(page)}
    )
    assert "Saksi Rahasia" in revealed.get_data(as_text=True)
    with app_database(app).session() as session:
        kinds = list(
            session.scalars(select(JournalEntry.kind).where(JournalEntry.case_id == case_a))
        )
    assert kinds == ["identity_viewed"]


def test_steps_messages_and_notes_through_http(app, org, reporter) -> None:
    receipt, case_a, _ = _two_cases(app, org, reporter)
    budi = signed_in(app, org.budi)
    page = budi.get(f"/staf/pengelola/kasus/{case_a}").get_data(as_text=True)
    token = csrf_from(page)
    ack = budi.post(
        f"/staf/pengelola/kasus/{case_a}/langkah", data={"csrf_token": token, "kind": "acknowledge"}
    )
    assert ack.status_code == 302
    missing = budi.post(
        f"/staf/pengelola/kasus/{case_a}/langkah",
        data={"csrf_token": token, "kind": "verification", "checked": "dokumen"},
    )
    assert missing.status_code == 400 and "Kolom wajib" in missing.get_data(as_text=True)
    refused = budi.post(
        f"/staf/pengelola/kasus/{case_a}/langkah",
        data={"csrf_token": token, "kind": "finding", "finding": "discipline", "reasoning": "x"},
    )
    assert refused.status_code == 400 and "status kasus saat ini" in refused.get_data(as_text=True)
    budi.post(
        f"/staf/pengelola/kasus/{case_a}/pesan",
        data={"csrf_token": token, "text": "Apakah ada saksi lain?", "question": "y"},
    )
    budi.post(
        f"/staf/pengelola/kasus/{case_a}/catatan",
        data={"csrf_token": token, "text": "Catatan internal: cek daftar hadir."},
    )
    page = budi.get(f"/staf/pengelola/kasus/{case_a}").get_data(as_text=True)
    assert "Catatan internal: cek daftar hadir." in page and "Apakah ada saksi lain?" in page
    with app_database(app).session() as session:
        assert session.get(Case, case_a).status is CaseStatus.VERIFICATION

    visitor = https_client(app)
    open_case(visitor, receipt)
    reporter_page = visitor.get("/lapor/kasus").get_data(as_text=True)
    assert "Apakah ada saksi lain?" in reporter_page and "Pertanyaan untuk Anda" in reporter_page
    # Who and what kind, apart (walk 2, finding 14: "pengaduan· Pertanyaan").
    assert re.search(r"Tim pengelola pengaduan\s+&middot; Pertanyaan untuk Anda", reporter_page)
    assert "cek daftar hadir" not in reporter_page


def test_inbox_query_count_does_not_grow_with_cases(app, org, reporter) -> None:
    for index in range(3):
        submit_report(https_client(app), Report(unit=org.units["a"], what=f"kasus {index}"))
    budi = signed_in(app, org.budi)
    engine = app_database(app).engine

    def count_queries() -> int:
        statements: list[str] = []

        def record(*args) -> None:
            statements.append(args[2])

        event.listen(engine, "before_cursor_execute", record)
        try:
            assert budi.get("/staf/pengelola/kasus").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", record)
        return len(statements)

    few = count_queries()
    for index in range(6):
        submit_report(https_client(app), Report(unit=org.units["a"], what=f"lagi {index}"))
    assert count_queries() == few


def test_overdue_filter(app, org, reporter) -> None:
    _, case_a, case_b = _two_cases(app, org, reporter)
    from datetime import timedelta

    from wbs_app.services.infra.clock import today

    with app_database(app).session() as session:
        session.get(Case, case_a).acknowledge_due = today() - timedelta(days=1)
    supervisor = signed_in(app, org.rahman)
    overdue = supervisor.get("/staf/pengelola/kasus?overdue=1").get_data(as_text=True)
    assert f"/staf/pengelola/kasus/{case_a}" in overdue and "terlambat" in overdue
    assert f'href="/staf/pengelola/kasus/{case_b}"' not in overdue
    everything = supervisor.get("/staf/pengelola/kasus").get_data(as_text=True)
    assert f'href="/staf/pengelola/kasus/{case_b}"' in everything


def test_unread_marker_follows_new_records(app, org, reporter) -> None:
    receipt, case_a, _ = _two_cases(app, org, reporter)
    budi = signed_in(app, org.budi)
    marker = f'href="/staf/pengelola/kasus/{case_a}">#{case_a}</a> <strong class="unread">'
    assert marker in budi.get("/staf/pengelola/kasus").get_data(as_text=True)
    budi.get(f"/staf/pengelola/kasus/{case_a}")
    assert marker not in budi.get("/staf/pengelola/kasus").get_data(as_text=True)
    visitor = https_client(app)
    open_case(visitor, receipt)
    page = visitor.get("/lapor/kasus").get_data(as_text=True)
    visitor.post(
        "/lapor/kasus/pesan",
        data={"csrf_token": csrf_from(page), "message": "Tambahan."},
        content_type="multipart/form-data",
    )
    assert marker in budi.get("/staf/pengelola/kasus").get_data(as_text=True)


def test_large_download_streams_in_constant_memory(app, org, reporter) -> None:
    import io
    import tracemalloc

    from werkzeug.datastructures import FileStorage, MultiDict
    from werkzeug.test import encode_multipart

    from tests.support.reporter import send_review

    big = bytes(range(256)) * (24 * 4096)  # 24 MiB
    page = reporter.get("/lapor/formulir").get_data(as_text=True)
    boundary, body = encode_multipart(
        MultiDict(
            [
                ("draft", ""),
                ("csrf_token", csrf_from(page)),
                ("unit", str(org.units["a"])),
                ("category", "1"),
                ("what", "rekaman"),
                ("evidence", FileStorage(io.BytesIO(big), "rekaman.bin")),
            ]
        )
    )
    # A prepared body: the test client would otherwise spool it to a file it never closes.
    review = reporter.post(
        "/lapor/formulir", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert send_review(reporter, review.get_data(as_text=True)).status_code == 200
    budi = signed_in(app, org.budi)
    with app_database(app).session() as session:
        case_id, file_id = session.execute(select(Attachment.case_id, Attachment.id)).one()
    response = budi.get(f"/staf/pengelola/kasus/{case_id}/berkas/{file_id}", buffered=False)
    assert response.headers["Content-Length"] == str(len(big))
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    tracemalloc.start()
    received = 0
    for chunk in response.response:
        assert chunk == big[received : received + len(chunk)]
        received += len(chunk)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    response.close()
    assert received == len(big)
    assert peak < 4 * 1024 * 1024  # a few chunks, not the file
