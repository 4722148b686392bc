"""Bad input and interrupted submissions: clear 4xx pages, no rows, no files, nothing lost."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from tests.support.http import https_client
from tests.support.reporter import DRAFT_RE, Report, csrf_from, open_case, post_form, send_review
from wbs_app.db import app_database
from wbs_app.models import Attachment, Case, CaseRecord, KeyWrap, PendingFile, SubmissionDraft
from wbs_app.services.cases import case_records, intake


def _counts(app) -> dict[str, int]:
    with app_database(app).session() as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Case, CaseRecord, KeyWrap, Attachment, PendingFile, SubmissionDraft)
        }


def _files(instance_path) -> list[str]:
    root = instance_path / "attachments"
    return sorted(p.name for p in root.rglob("*") if p.is_file())


def _form_body(
    page: str, unit: int, evidence: bytes = b"x" * 300_000, **extra
) -> tuple[bytes, str]:
    fields = [
        ("draft", ""),
        ("csrf_token", csrf_from(page)),
        ("unit", str(unit)),
        ("category", "1"),
        ("what", "laporan"),
        *extra.items(),
        ("evidence", FileStorage(io.BytesIO(evidence), "a.bin")),
    ]
    boundary, body = encode_multipart(MultiDict(fields))
    return body, f"multipart/form-data; boundary={boundary}"


def test_truncated_upload_leaves_nothing(app, org, reporter, instance_path) -> None:
    page = reporter.get("/lapor/formulir").get_data(as_text=True)
    body, content_type = _form_body(page, org.units["a"])
    cut = body[: len(body) // 2]
    response = reporter.post("/lapor/formulir", data=cut, content_type=content_type)
    assert response.status_code == 400
    assert "Permintaan tidak dapat dipahami" in response.get_data(as_text=True)
    assert _files(instance_path) == [] and _counts(app)["pending_files"] == 0
    assert _counts(app)["submission_drafts"] == 0


def test_bad_csrf_token_discards_the_upload(app, org, reporter, instance_path) -> None:
    body, content_type = _form_body('name="csrf_token" value="forged"', org.units["a"])
    response = reporter.post("/lapor/formulir", data=body, content_type=content_type)
    assert response.status_code == 400
    assert "Formulir sudah kedaluwarsa" in response.get_data(as_text=True)
    assert _files(instance_path) == [] and _counts(app)["submission_drafts"] == 0


def test_file_over_the_limit_is_413(make_app, org, instance_path) -> None:
    app = make_app(MAX_UPLOAD_BYTES=100_000)
    reporter = https_client(app)
    page = reporter.get("/lapor/formulir").get_data(as_text=True)
    body, content_type = _form_body(page, org.units["a"], evidence=b"y" * 150_000)
    response = reporter.post("/lapor/formulir", data=body, content_type=content_type)
    assert response.status_code == 413
    assert "Unggahan terlalu besar" in response.get_data(as_text=True)
    assert _files(instance_path) == []


def test_upload_request_over_its_limit_is_413(make_app, org) -> None:
    app = make_app(MAX_UPLOAD_REQUEST_BYTES=50_000)
    reporter = https_client(app)
    page = reporter.get("/lapor/formulir").get_data(as_text=True)
    body, content_type = _form_body(page, org.units["a"])
    assert reporter.post("/lapor/formulir", data=body, content_type=content_type).status_code == 413


@pytest.mark.parametrize(
    "content_type",
    ["application/x-www-form-urlencoded", "text/plain", "multipart/form-data", "application/json"],
)
def test_wrong_content_types_are_400(app, org, reporter, content_type) -> None:
    response = reporter.post("/lapor/formulir", data=b"what=x", content_type=content_type)
    assert response.status_code == 400
    assert "Traceback" not in response.get_data(as_text=True)


def test_overlong_field_is_refused_clearly(app, org, reporter) -> None:
    too_long = Report(unit=org.units["a"], what="a" * (intake.MAX_FIELD_CHARS + 1))
    response = post_form(reporter, too_long)
    assert response.status_code == 400
    assert DRAFT_RE.search(response.get_data(as_text=True)).group(1)  # kept as a draft
    huge = Report(unit=org.units["a"], what="a" * 70_000)  # beyond the parser's field limit
    assert post_form(reporter, huge).status_code == 413


def test_failure_inside_the_submission_leaves_no_case_and_keeps_the_draft(
    app, org, reporter, instance_path, monkeypatch
) -> None:
    review = post_form(reporter, Report(unit=org.units["a"], files=[("a.txt", b"bukti")]))
    page = review.get_data(as_text=True)
    before = _files(instance_path)
    assert len(before) == 1

    def fail(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(case_records, "attach_files", fail)  # the last step before commit fails
    failed = send_review(reporter, page)
    assert failed.status_code == 500
    counts = _counts(app)
    assert (
        counts["cases"]
        == counts["case_records"]
        == counts["key_wraps"]
        == counts["attachments"]
        == 0
    )
    assert counts["submission_drafts"] == 1 and _files(instance_path) == before
    monkeypatch.undo()
    sent = send_review(reporter, page)  # the reporter can simply send again
    assert sent.status_code == 200
    assert _counts(app)["attachments"] == 1 and _counts(app)["pending_files"] == 0


def test_crash_between_commit_and_file_move_is_finished_by_the_sweep(
    app, org, reporter, instance_path, monkeypatch
) -> None:
    from wbs_app.services.infra.store import AttachmentStore

    review = post_form(reporter, Report(unit=org.units["a"], files=[("a.txt", b"bukti penting")]))
    monkeypatch.setattr(AttachmentStore, "promote", lambda self, name: None)  # "crash" after commit
    sent = send_review(reporter, review.get_data(as_text=True))
    monkeypatch.undo()
    store = app.extensions["lentera.store"]
    assert list(store.files.iterdir()) == [] and len(list(store.pending.iterdir())) == 1
    result = app.test_cli_runner().invoke(args=["wbs", "sweep"])
    assert "1 files moved into place" in result.output
    visitor = https_client(app)
    receipt = (
        __import__("tests.support.reporter", fromlist=["RECEIPT_RE"])
        .RECEIPT_RE.search(sent.get_data(as_text=True))
        .group(1)
    )
    open_case(visitor, receipt)
    page = visitor.get("/lapor/kasus").get_data(as_text=True)
    import re

    file_id = re.search(r"/lapor/kasus/berkas/(\d+)", page).group(1)
    with visitor.get(f"/lapor/kasus/berkas/{file_id}") as download:
        assert download.get_data() == b"bukti penting"


def test_sweep_quarantines_orphans_and_removes_expired_drafts(
    app, org, reporter, instance_path
) -> None:
    post_form(reporter, Report(unit=org.units["a"], what="", files=[("a.txt", b"bukti")]))
    store = app.extensions["lentera.store"]
    orphan = store.pending / store.new_name()
    orphan.write_bytes(b"ciphertext of an upload that crashed")
    from wbs_app.services.infra.clock import utcnow

    with app_database(app).session() as session:
        for draft in session.scalars(select(SubmissionDraft)):
            draft.expires_at = utcnow()
    result = app.test_cli_runner().invoke(args=["wbs", "sweep"])
    assert result.exit_code == 0
    assert "1 unknown files quarantined, 1 files of expired drafts removed" in result.output
    # The database knew the draft's file was abandoned; the orphan it did not know is kept.
    assert _files(instance_path) == [orphan.name]
    kept = store.quarantine / "pending" / orphan.name
    assert kept.read_bytes() == b"ciphertext of an upload that crashed"
    assert _counts(app)["submission_drafts"] == 0 and _counts(app)["pending_files"] == 0


def test_expired_draft_is_said_plainly(app, org, reporter) -> None:
    page = reporter.get("/lapor/formulir").get_data(as_text=True)
    response = reporter.post(
        "/lapor/kirim", data={"csrf_token": csrf_from(page), "draft": "A" * 86}
    )
    assert response.status_code == 400
    assert "kedaluwarsa" in response.get_data(as_text=True)
