"""Triage through HTTP (issue 18, "Floods"): mark spam or duplicate, archive such cases in bulk.

A handler marks cases from the case page (a signed journal step each), finds
the marked open ones with the inbox's "marked only" filter, ticks them and
archives them in one post: all or none, only marked open cases they hold,
each archived with its own journal entry and the "archived" notice in the
reporter's thread; reopening brings a case back without its mark.
"""

from __future__ import annotations

from sqlalchemy import select

from tests.support.http import https_client
from tests.support.reporter import Report, csrf_from, open_case, submit_report
from tests.support.staff import signed_in
from wbs_app.db import app_database
from wbs_app.models import Case, CaseStatus, JournalEntry, TriageMark

INBOX = "/staf/pengelola/kasus"


def _cases(app, org, count: int, unit: str = "a") -> tuple[list[str], list[int]]:
    receipts = [
        submit_report(https_client(app), Report(unit=org.units[unit], what=f"Laporan {n}"))
        for n in range(count)
    ]
    with app_database(app).session() as session:
        ids = list(session.scalars(select(Case.id).order_by(Case.id)))
    return receipts, ids[-count:]


def _mark(handler, case_id: int, mark: str, note: str = ""):
    page = handler.get(f"{INBOX}/{case_id}").get_data(as_text=True)
    return handler.post(
        f"{INBOX}/{case_id}/triase",
        data={"csrf_token": csrf_from(page), "mark": mark, "note": note},
    )


def _archive(handler, case_ids: list[int]):
    page = handler.get(INBOX + "?triage=1").get_data(as_text=True)
    return handler.post(
        INBOX + "/arsipkan",
        data={"csrf_token": csrf_from(page), "case": [str(i) for i in case_ids]},
    )


def _state(app, case_id: int) -> tuple[CaseStatus, TriageMark | None, list[str]]:
    with app_database(app).session() as session:
        case = session.get(Case, case_id)
        kinds = list(
            session.scalars(
                select(JournalEntry.kind)
                .where(JournalEntry.case_id == case_id)
                .order_by(JournalEntry.seq)
            )
        )
        return case.status, case.triage, kinds


def test_marked_cases_are_found_and_archived_together(app, org) -> None:
    receipts, (spam1, spam2, real) = _cases(app, org, 3)
    budi = signed_in(app, org.budi)
    assert _mark(budi, spam1, "spam", "isi acak").status_code == 302
    assert _mark(budi, spam2, "duplikat", f"sama dengan #{spam1}").status_code == 302
    case_page = budi.get(f"{INBOX}/{spam1}").get_data(as_text=True)
    assert '<strong class="flag triage">Spam</strong>' in case_page
    marked = budi.get(INBOX + "?triage=1").get_data(as_text=True)
    assert f'name="case" value="{spam1}"' in marked and f'name="case" value="{spam2}"' in marked
    assert f"{INBOX}/{real}" not in marked, "the filter shows marked cases only"
    everything = budi.get(INBOX).get_data(as_text=True)
    assert f'name="case" value="{real}"' not in everything, "an unmarked case has no checkbox"
    archived = _archive(budi, [spam1, spam2])
    assert archived.status_code == 302
    for case_id, mark in ((spam1, TriageMark.SPAM), (spam2, TriageMark.DUPLICATE)):
        status, triage, kinds = _state(app, case_id)
        assert status is CaseStatus.ARCHIVED and triage is mark
        assert kinds[-2:] == ["triage", "archived"]
    assert _state(app, real)[0] is CaseStatus.RECEIVED
    after = budi.get(INBOX + "?triage=1").get_data(as_text=True)
    assert f"{INBOX}/{spam1}" not in after, "archived cases leave the marked list"
    reporter = https_client(app)
    assert open_case(reporter, receipts[0]).status_code == 302
    page = reporter.get("/lapor/kasus").get_data(as_text=True)
    assert "Tim mengarsipkan laporan Anda" in page and "Diarsipkan" in page


def test_archiving_is_all_or_none_and_only_for_marked_open_cases_one_holds(app, org) -> None:
    _, (marked, unmarked) = _cases(app, org, 2)
    _, (other_unit,) = _cases(app, org, 1, unit="b")
    budi = signed_in(app, org.budi)
    assert _mark(budi, marked, "spam").status_code == 302
    refused = _archive(budi, [marked, unmarked])
    assert refused.status_code == 302
    assert _state(app, marked)[0] is CaseStatus.RECEIVED, "nothing archived"
    assert "Hanya kasus" in budi.get(refused.headers["Location"]).get_data(as_text=True)
    sitti = signed_in(app, org.sitti)
    assert _mark(sitti, other_unit, "spam").status_code == 302
    assert _archive(budi, [marked, other_unit]).status_code == 404, "another unit's case"
    assert _archive(budi, [marked, 999_999]).status_code == 404
    assert _mark(budi, other_unit, "spam").status_code == 404
    assert _state(app, other_unit)[0] is CaseStatus.RECEIVED
    nothing = _archive(budi, [])
    assert nothing.status_code == 302
    assert _mark(budi, marked, "bogus").status_code == 302
    assert _state(app, marked)[1] is TriageMark.SPAM, "a bad mark changes nothing"
    assert _archive(budi, [marked]).status_code == 302
    assert _state(app, marked)[0] is CaseStatus.ARCHIVED
    assert _mark(budi, marked, "").status_code == 302  # closed: refused, flashed
    assert _state(app, marked)[1] is TriageMark.SPAM


def test_a_mark_can_be_cleared_and_reopening_clears_it(app, org) -> None:
    _, (case_id,) = _cases(app, org, 1)
    budi = signed_in(app, org.budi)
    _mark(budi, case_id, "spam")
    _mark(budi, case_id, "")
    assert _state(app, case_id)[1] is None
    journal = budi.get(f"{INBOX}/{case_id}").get_data(as_text=True)
    assert "Tanda triase diubah" in journal and "Tanpa tanda" in journal and "Spam" in journal
    _mark(budi, case_id, "duplikat")
    _archive(budi, [case_id])
    page = budi.get(f"{INBOX}/{case_id}").get_data(as_text=True)
    reopened = budi.post(
        f"{INBOX}/{case_id}/langkah",
        data={"csrf_token": csrf_from(page), "kind": "reopen", "reason": "Bukan duplikat."},
    )
    assert reopened.status_code == 302, reopened.get_data(as_text=True)[:2000]
    status, triage, kinds = _state(app, case_id)
    assert status is CaseStatus.VERIFICATION and triage is None
    assert kinds[-5:] == ["triage", "triage", "triage", "archived", "reopen"]
