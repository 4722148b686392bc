"""Reloads, the back button and resubmitting after a report was sent (issue 14, defect 5).

Sending answers with a redirect to a page that shows the receipt once. A
reload of that page, a second post of the send form and a second post of the
report form (the browser's "resubmit" after going back) all say plainly that
the report was sent and that its code is not kept; none of them files the
report again, shows the "unsent report expired" error or offers the form.
"""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlsplit

from sqlalchemy import func, select

from tests.support.reporter import DRAFT_RE, RECEIPT_RE, Report, csrf_from, post_form, send_review
from wbs_app.db import app_database
from wbs_app.models import Case, ReceiptHandover, SentDraft, SubmissionDraft
from wbs_app.services.infra.clock import utcnow

EXPIRED = "kedaluwarsa"  # the "unsent report expired" message
SENT = "Laporan Anda sudah terkirim"
NOT_KEPT = "tidak disimpan"


def _count(app, model) -> int:
    with app_database(app).session() as session:
        return session.scalar(select(func.count()).select_from(model))


def _review(reporter, org) -> str:
    review = post_form(reporter, Report(unit=org.units["a"], files=[("a.txt", b"bukti")]))
    assert review.status_code == 200
    return review.get_data(as_text=True)


def _says_sent_and_not_kept(page: str) -> None:
    assert SENT in page and NOT_KEPT in page, page[:3000]
    assert EXPIRED not in page
    assert RECEIPT_RE.search(page) is None
    assert 'action="/lapor/formulir' not in page and 'href="/lapor/formulir' not in page


def test_sending_redirects_to_a_page_that_shows_the_receipt_once(app, org, reporter) -> None:
    sent = send_review(reporter, _review(reporter, org), follow_redirect=False)
    assert sent.status_code == 303, f"send answered {sent.status_code}, not a redirect"
    location = urlsplit(sent.headers["Location"]).path
    assert location.startswith("/lapor/terkirim/")
    assert reporter.head(location).status_code == 200
    assert _count(app, ReceiptHandover) == 1, "a HEAD request does not use the receipt up"
    first = reporter.get(location)
    assert first.status_code == 200
    receipt = RECEIPT_RE.search(first.get_data(as_text=True)).group(1)
    assert receipt.replace(" ", "") not in sent.headers["Location"]
    assert first.headers["Cache-Control"] == "no-store"
    assert _count(app, ReceiptHandover) == 0  # deleted as it was shown

    reloaded = reporter.get(location)
    assert reloaded.status_code == 200
    _says_sent_and_not_kept(reloaded.get_data(as_text=True))
    assert _count(app, Case) == 1


def test_the_receipt_cookie_is_a_session_cookie_on_the_receipt_page_only(
    app, org, reporter
) -> None:
    sent = send_review(reporter, _review(reporter, org), follow_redirect=False)
    location = urlsplit(sent.headers["Location"]).path
    cookies = [v for v in sent.headers.getlist("Set-Cookie") if v.startswith("lentera_kode=")]
    assert len(cookies) == 1, sent.headers.getlist("Set-Cookie")
    attributes = [part.strip().lower() for part in cookies[0].split(";")]
    assert f"path={location}".lower() in attributes
    assert {"httponly", "secure", "samesite=strict"} <= set(attributes)
    assert not [a for a in attributes if a.startswith(("expires", "max-age"))]
    shown = reporter.get(location)
    cleared = [v for v in shown.headers.getlist("Set-Cookie") if v.startswith("lentera_kode=")]
    assert cleared and ("Max-Age=0" in cleared[0] or "Expires=Thu, 01 Jan 1970" in cleared[0])


def test_resending_the_send_form_never_files_twice(app, org, reporter) -> None:
    review = _review(reporter, org)
    sent = send_review(reporter, review, follow_redirect=False)
    if sent.status_code == 303:
        assert RECEIPT_RE.search(reporter.get(sent.headers["Location"]).get_data(as_text=True))

    again = send_review(
        reporter, review, follow_redirect=False
    )  # a reload, or back to the review page and "Send"
    body = again.get_data(as_text=True)
    assert EXPIRED not in body, f"a second send answered {again.status_code}: the form expired"
    assert again.status_code == 303, f"a second send answered {again.status_code}"
    page = reporter.get(again.headers["Location"]).get_data(as_text=True)
    _says_sent_and_not_kept(page)
    assert _count(app, Case) == 1


def test_resubmitting_the_report_form_after_sending_says_it_was_sent(app, org, reporter) -> None:
    """The browser's back button re-posts the form whose answer was the review page."""
    report = Report(unit=org.units["a"], files=[("a.txt", b"bukti")])
    form_page = reporter.get("/lapor/formulir").get_data(as_text=True)
    review = post_form(reporter, report, page=form_page).get_data(as_text=True)
    draft = DRAFT_RE.search(review).group(1)
    sent = send_review(reporter, review, follow_redirect=False)
    if sent.status_code == 303:
        reporter.get(sent.headers["Location"])

    for label, again in (
        ("the first post", post_form(reporter, report, page=form_page)),
        ("a later post", post_form(reporter, report, draft=draft, page=form_page)),
    ):
        if again.status_code == 200:  # a fresh review page: sending it files the report twice
            send_review(reporter, again.get_data(as_text=True))
            assert _count(app, Case) == 1, f"{label} again: filed {_count(app, Case)} times"
        assert again.status_code == 303, f"{label} again answered {again.status_code}"
        page = reporter.get(again.headers["Location"]).get_data(as_text=True)
        _says_sent_and_not_kept(page)
    assert _count(app, SubmissionDraft) == 0  # no new draft: nothing to send twice
    assert _count(app, Case) == 1
    store = app.extensions["lentera.store"]
    assert list(store.pending.iterdir()) == []  # the file posted again was not kept

    back = reporter.post(
        "/lapor/formulir/ubah", data={"csrf_token": csrf_from(review), "draft": draft}
    )
    assert back.status_code == 303
    _says_sent_and_not_kept(reporter.get(back.headers["Location"]).get_data(as_text=True))


def test_a_form_page_reused_for_another_report_files_that_report_too(app, org, reporter) -> None:
    """The empty form's secret repeats (Firefox restores it on reload, a tab is duplicated).

    Other answers on it are a new report: found in review, the second report
    was answered "already sent" and thrown away with its file, or, while the
    first was unsent, written over it.
    """
    form_page = reporter.get("/lapor/formulir").get_data(as_text=True)
    first = Report(unit=org.units["a"], what="Pungutan liar di loket tiga.")
    second = Report(unit=org.units["a"], what="Gratifikasi dari rekanan.", files=[("b.txt", b"B")])

    unsent = post_form(reporter, first, page=form_page)
    assert unsent.status_code == 200
    other = post_form(reporter, second, page=form_page)  # the first is still a draft
    assert other.status_code == 200
    assert "Gratifikasi dari rekanan." in other.get_data(as_text=True)
    assert _count(app, SubmissionDraft) == 2, "the second report overwrote the first"
    send_review(reporter, unsent.get_data(as_text=True))
    send_review(reporter, other.get_data(as_text=True))
    assert _count(app, Case) == 2

    third = Report(unit=org.units["a"], what="Penyalahgunaan kendaraan dinas.")
    reused = post_form(reporter, third, page=form_page)  # the secret's draft was sent long ago
    assert reused.status_code == 200, f"answered {reused.status_code}: the report was dropped"
    assert "Penyalahgunaan kendaraan dinas." in reused.get_data(as_text=True)
    send_review(reporter, reused.get_data(as_text=True))
    assert _count(app, Case) == 3


def test_the_same_first_post_again_shows_the_draft_as_it_stands(app, org, reporter) -> None:
    """Back to the first post and "resubmit" after editing: the edits are kept, nothing doubles."""
    form_page = reporter.get("/lapor/formulir").get_data(as_text=True)
    report = Report(unit=org.units["a"], files=[("a.txt", b"bukti")])
    review = post_form(reporter, report, page=form_page).get_data(as_text=True)
    draft = DRAFT_RE.search(review).group(1)
    edited = Report(unit=org.units["a"], what="Diperbaiki: pungutan di loket dua.")
    assert post_form(reporter, edited, draft=draft, page=form_page).status_code == 200
    again = post_form(reporter, report, page=form_page)
    assert again.status_code == 200
    page = again.get_data(as_text=True)
    assert "Diperbaiki: pungutan di loket dua." in page and DRAFT_RE.search(page).group(1) == draft
    assert _count(app, SubmissionDraft) == 1
    store = app.extensions["lentera.store"]
    assert len(list(store.pending.iterdir())) == 1  # the file posted again was not kept twice


def test_a_receipt_whose_answer_was_lost_is_shown_when_sent_again(app, org, reporter) -> None:
    """The send committed but its answer never arrived: sending again shows the code, once."""
    review = _review(reporter, org)
    lost = send_review(reporter, review, follow_redirect=False)
    page = urlsplit(lost.headers["Location"]).path
    reporter.delete_cookie("lentera_kode", path=page)  # the answer, and its cookie, never came
    assert reporter.get_cookie("lentera_kode", path=page) is None
    again = send_review(reporter, review, follow_redirect=False)
    assert again.status_code == 303 and urlsplit(again.headers["Location"]).path == page
    shown = reporter.get(page).get_data(as_text=True)
    assert RECEIPT_RE.search(shown), shown[:2000]
    assert _count(app, Case) == 1
    _says_sent_and_not_kept(reporter.get(page).get_data(as_text=True))


def test_a_receipt_never_shown_is_swept_after_minutes(app, org, reporter) -> None:
    sent = send_review(reporter, _review(reporter, org), follow_redirect=False)
    assert _count(app, ReceiptHandover) == 1 and _count(app, SentDraft) == 1
    with app_database(app).session() as session:
        for row in session.scalars(select(ReceiptHandover)):
            # Minutes, not hours, and on a whole ten minutes: no second of the send.
            assert row.expires_at <= utcnow() + timedelta(minutes=20)
            assert row.expires_at.minute % 10 == 0 and row.expires_at.second == 0
            row.expires_at = utcnow()
    result = app.test_cli_runner().invoke(args=["wbs", "sweep"])
    assert result.exit_code == 0, result.output
    assert _count(app, ReceiptHandover) == 0
    assert _count(app, SentDraft) == 1  # the marker outlives the hand-over
    page = reporter.get(sent.headers["Location"]).get_data(as_text=True)
    _says_sent_and_not_kept(page)


def test_the_sent_marker_holds_no_content_and_no_time_of_day(app, org, reporter) -> None:
    send_review(reporter, _review(reporter, org), follow_redirect=False)
    columns = {column.name: column.type.python_type for column in SentDraft.__table__.columns}
    assert columns == {"id_hash": bytes, "expires_on": date, "first_post_tag": bytes}
    with app_database(app).session() as session:
        marker = session.scalar(select(SentDraft))
        assert 1 <= (marker.expires_on - utcnow().date()).days <= 3
        # A keyed tag (the draft's key), not the answers: 32 bytes of HMAC.
        assert marker.first_post_tag is not None and len(marker.first_post_tag) == 32


def test_the_receipt_page_without_a_hand_over_says_what_happened(client) -> None:
    page = client.get("/lapor/terkirim/" + "0" * 20)
    assert page.status_code == 200
    _says_sent_and_not_kept(page.get_data(as_text=True))


def test_a_receipt_page_that_fails_to_draw_keeps_the_receipt_for_the_next_load(
    app, org, reporter
) -> None:
    """The hand-over is used up only by a page drawn whole (found in review: deleted first)."""
    from flask import template_rendered

    sent = send_review(reporter, _review(reporter, org), follow_redirect=False)

    def fail(_sender, template, **_extra) -> None:
        if template.name == "reporter/receipt.html":
            raise RuntimeError("the page could not be drawn")

    template_rendered.connect(fail, app)
    try:
        broken = reporter.get(sent.headers["Location"])
    finally:
        template_rendered.disconnect(fail, app)
    assert broken.status_code == 500
    assert _count(app, ReceiptHandover) == 1
    shown = reporter.get(sent.headers["Location"]).get_data(as_text=True)
    assert RECEIPT_RE.search(shown), "the receipt was lost with the failed page"
