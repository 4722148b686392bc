"""The reporter's journey through HTTP: report, receipt, return, reply, withdraw, finish."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from crypto import Identity, PublicIdentity, open_seed
from tests.support.http import https_client
from tests.support.reporter import (
    DRAFT_RE,
    Report,
    csrf_from,
    open_case,
    post_form,
    send_review,
    submit_report,
)
from tests.support.staff import pepper
from wbs_app.db import app_database
from wbs_app.models import (
    Attachment,
    Case,
    CaseStatus,
    HandlerExclusion,
    KeyWrap,
    ReporterSession,
    StaffMember,
    SubmissionDraft,
)
from wbs_app.security.reporter_auth import COOKIE
from wbs_app.services.cases import casefile


def _staff_identity(app, login) -> tuple[StaffMember, Identity]:
    with app_database(app).session() as session:
        staff = session.get(StaffMember, login.id)
        seed = open_seed(staff.sealed_seed, login.password, pepper(app))
        session.expunge(staff)
    return staff, Identity.from_seed(seed)


def test_report_with_file_then_return_and_read_it(app, org, reporter) -> None:
    evidence = b"%PDF-1.4 kwitansi pungli " * 5000
    report = Report(
        unit=org.units["a"],
        files=[("kwitansi.pdf", evidence)],
        identity=("Andi Saksi", "andi@example.org"),
    )
    receipt = submit_report(reporter, report)
    assert re.fullmatch(r"\d{4}( \d{4}){4}", receipt)
    assert "Set-Cookie" not in reporter.get("/lapor/").headers  # no cookie before login

    visitor = https_client(app)
    response = open_case(visitor, receipt)
    assert response.status_code == 302 and response.headers["Location"].endswith("/lapor/kasus")
    page = visitor.get("/lapor/kasus").get_data(as_text=True)
    assert report.what in page and "kwitansi.pdf" in page
    assert "Andi Saksi" not in page  # identity never shown back, even to the code holder
    file_id = re.search(r"/lapor/kasus/berkas/(\d+)", page).group(1)
    with visitor.get(f"/lapor/kasus/berkas/{file_id}") as download:
        assert download.status_code == 200
        assert download.get_data() == evidence
        assert download.headers["Content-Disposition"].startswith(
            'attachment; filename="kwitansi.pdf"'
        )
        assert download.headers["Content-Type"] == "application/octet-stream"
        assert "sandbox" in download.headers["Content-Security-Policy"]


def test_receipt_in_spaced_dashed_form_and_handlers_can_read(app, org, reporter) -> None:
    receipt = submit_report(reporter, Report(unit=org.units["a"], identity=("Andi", "08123")))
    assert open_case(https_client(app), receipt.replace(" ", "-")).status_code == 302
    with app_database(app).session() as session:
        case = session.scalar(select(Case))
        wrapped_to = set(
            session.scalars(select(KeyWrap.staff_id).where(KeyWrap.staff_id.is_not(None)))
        )
    # The unit's investigator and the Kanwil's supervisor; not the other unit's investigator.
    assert wrapped_to == {org.budi.id, org.rahman.id}
    staff, identity = _staff_identity(app, org.budi)
    with app_database(app).session() as session:
        case = session.get(Case, case.id)
        hidden = casefile.staff_file(session, case, staff, identity, reveal_identity=False)
        shown = casefile.staff_file(session, case, staff, identity, reveal_identity=True)
    assert hidden.identity is None and hidden.identity_given
    assert shown.identity == {"name": "Andi", "contact": "08123"}
    outsider, outsider_identity = _staff_identity(app, org.sitti)
    with app_database(app).session() as session:
        case = session.get(Case, case.id)
        try:
            casefile.staff_file(session, case, outsider, outsider_identity, reveal_identity=False)
        except casefile.NoAccess:
            pass
        else:
            raise AssertionError("an investigator of another unit read the case")


def test_reply_question_answer_and_withdraw(app, org, reporter) -> None:
    receipt = submit_report(reporter, Report(unit=org.units["a"]))
    staff, identity = _staff_identity(app, org.budi)
    with app_database(app).session() as session:
        case = session.scalar(select(Case))
        casefile.add_staff_message(
            session,
            case,
            session.get(StaffMember, staff.id),
            identity,
            "Kapan tepatnya kejadian itu?",
            kind="question",
        )
    visitor = https_client(app)
    open_case(visitor, receipt)
    page = visitor.get("/lapor/kasus").get_data(as_text=True)
    assert "Kapan tepatnya kejadian itu?" in page and "Pertanyaan untuk Anda" in page
    import io

    answer = visitor.post(
        "/lapor/kasus/pesan",
        data={
            "csrf_token": csrf_from(page),
            "message": "Senin, 3 November, jam 9 pagi.",
            "evidence": (io.BytesIO(b"foto loket"), "loket.jpg"),
        },
        content_type="multipart/form-data",
    )
    assert answer.status_code == 302
    page = visitor.get("/lapor/kasus").get_data(as_text=True)
    assert "Senin, 3 November" in page and "loket.jpg" in page
    with app_database(app).session() as session:
        case = session.scalar(select(Case))
        thread = casefile.staff_file(
            session, case, session.get(StaffMember, staff.id), identity, reveal_identity=False
        ).thread
    assert [entry.kind for entry in thread] == ["question", "message"]
    assert thread[1].files[0].filename == "loket.jpg"

    withdrawn = visitor.post(
        "/lapor/kasus/cabut", data={"csrf_token": csrf_from(page), "reason": "Sudah diselesaikan."}
    )
    assert withdrawn.status_code == 302
    page = visitor.get("/lapor/kasus").get_data(as_text=True)
    assert "Dicabut" in page and 'action="/lapor/kasus/cabut"' not in page
    # The thread stays open after a withdrawal (pressure to withdraw is retaliation too).
    assert 'action="/lapor/kasus/pesan"' in page
    with app_database(app).session() as session:
        assert session.scalar(select(Case.status)) is CaseStatus.WITHDRAWN


def test_finish_clears_the_session(app, org, reporter) -> None:
    receipt = submit_report(reporter, Report(unit=org.units["a"]))
    visitor = https_client(app)
    open_case(visitor, receipt)
    cookie = visitor.get_cookie(COOKIE, path="/lapor")
    assert cookie is not None and cookie.expires is None  # a browser-session cookie
    page = visitor.get("/lapor/kasus").get_data(as_text=True)
    done = visitor.post("/lapor/selesai", data={"csrf_token": csrf_from(page)})
    assert done.status_code == 302 and '"cookies"' in done.headers["Clear-Site-Data"]
    thief = https_client(app)
    thief.set_cookie(COOKIE, cookie.value, path="/lapor")
    assert thief.get("/lapor/kasus").status_code == 302
    with app_database(app).session() as session:
        assert session.scalar(select(func.count()).select_from(ReporterSession)) == 0


def test_validation_errors_keep_text_and_files(app, org, reporter) -> None:
    report = Report(
        unit=org.units["a"],
        what="",
        who="Kepala seksi X",
        files=[("bukti1.txt", b"satu"), ("bukti2.txt", b"dua")],
    )
    response = post_form(reporter, report)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Mohon jelaskan apa yang terjadi." in page
    assert "Kepala seksi X" in page and "bukti1.txt" in page and "bukti2.txt" in page
    draft = DRAFT_RE.search(page).group(1)
    assert draft
    # Fix the mistake, remove one file, add another: the draft carries the rest.
    fixed = Report(unit=org.units["a"], files=[("bukti3.txt", b"tiga")])
    with app_database(app).session() as session:
        from wbs_app.models import PendingFile

        names = list(session.scalars(select(PendingFile.storage_name)))
    assert len(names) == 2
    import io as _io

    from werkzeug.datastructures import MultiDict

    data = MultiDict(
        [
            ("draft", draft),
            ("csrf_token", csrf_from(page)),
            ("unit", str(fixed.unit)),
            ("category", "1"),
            ("what", fixed.what),
            ("who", "Kepala seksi X"),
            ("where", ""),
            ("when", ""),
            ("how", ""),
            ("remove_file", names[0]),
            ("evidence", (_io.BytesIO(b"tiga"), "bukti3.txt")),
        ]
    )
    review = reporter.post("/lapor/formulir", data=data, content_type="multipart/form-data")
    assert review.status_code == 200
    body = review.get_data(as_text=True)
    assert body.count(".txt") == 2 and "bukti3.txt" in body
    sent = send_review(reporter, body)
    assert sent.status_code == 200
    with app_database(app).session() as session:
        assert session.scalar(select(func.count()).select_from(Attachment)) == 2
        assert session.scalar(select(func.count()).select_from(SubmissionDraft)) == 0


def test_back_to_edit_keeps_everything(app, org, reporter) -> None:
    review = post_form(reporter, Report(unit=org.units["a"], identity=("Nama Saya", "08")))
    page = review.get_data(as_text=True)
    edit = reporter.post(
        "/lapor/formulir/ubah",
        data={"csrf_token": csrf_from(page), "draft": DRAFT_RE.search(page).group(1)},
    )
    body = edit.get_data(as_text=True)
    assert edit.status_code == 200 and "Petugas loket 3" in body and "Nama Saya" in body


def test_excluding_a_handler_and_refusing_to_exclude_all(app, org, reporter) -> None:
    review = post_form(reporter, Report(unit=org.units["a"]))
    page = review.get_data(as_text=True)
    assert "Budi" in page and "Rahman" in page and "Sitti" not in page
    refused = send_review(reporter, page, exclude=[org.budi.id, org.rahman.id])
    assert refused.status_code == 400
    assert "Sedikitnya satu supervisor" in refused.get_data(as_text=True)
    with app_database(app).session() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 0
    sent = send_review(reporter, refused.get_data(as_text=True), exclude=[org.budi.id])
    assert sent.status_code == 200
    with app_database(app).session() as session:
        wrapped = set(
            session.scalars(select(KeyWrap.staff_id).where(KeyWrap.staff_id.is_not(None)))
        )
        excluded = list(session.scalars(select(HandlerExclusion.staff_id)))
    assert wrapped == {org.rahman.id} and excluded == [org.budi.id]


def test_not_sure_goes_to_the_top_unit(app, org, reporter) -> None:
    submit_report(reporter, Report(unit=0))
    with app_database(app).session() as session:
        assert session.scalar(select(Case.unit_id)) == org.units["kanwil"]


def test_wrong_and_unknown_receipts(app, org, reporter) -> None:
    receipt = submit_report(reporter, Report(unit=org.units["a"]))
    digits = receipt.replace(" ", "")
    typo = digits[:5] + str((int(digits[5]) + 1) % 10) + digits[6:]
    visitor = https_client(app)
    mistyped = open_case(visitor, typo)
    assert mistyped.status_code == 400 and "20 angka" in mistyped.get_data(as_text=True)
    from crypto import generate_code

    unknown = open_case(visitor, generate_code())
    assert unknown.status_code == 404
    assert "Tidak ada laporan" in unknown.get_data(as_text=True)
    assert visitor.get_cookie(COOKIE, path="/lapor") is None
    for junk in ("", "x" * 65, "1234 5678"):
        assert open_case(visitor, junk).status_code == 400


def test_receipt_never_in_a_url_and_reporter_pages_load_nothing_foreign(app, org, reporter) -> None:
    receipt = submit_report(reporter, Report(unit=org.units["a"]))
    visitor = https_client(app)
    response = open_case(visitor, receipt)
    assert receipt.replace(" ", "") not in response.headers.get("Location", "")
    for path in ("/lapor/", "/lapor/formulir", "/lapor/masuk", "/lapor/kasus", "/"):
        page = visitor.get(path).get_data(as_text=True)
        for url in re.findall(r'(?:src|href|action)="([^"]*)"', page):
            assert url.startswith(("/", "#")) and not url.startswith("//"), (path, url)
        assert "<script" not in page


def test_identity_is_sealed_to_the_internal_audience(app, org, reporter) -> None:
    submit_report(reporter, Report(unit=org.units["a"], identity=("Rahasia Nama", "0812")))
    with app_database(app).session() as session:
        case = session.scalar(select(Case))
        public = [
            PublicIdentity.from_bytes(s.identity_public)
            for s in session.scalars(select(StaffMember))
        ]
    assert case is not None and public
