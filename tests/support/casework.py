"""A handler walking a case through its lifecycle over HTTP, as the case page's forms do.

The walk to "pemeriksaan" (under examination: acknowledged, then verified with
the conclusion to proceed) comes before every invitation, most messages and
every later step, so it is written once here; ``services/cases/lifecycle.py`` says
which step leads where.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from tests.support.reporter import Report, csrf_from, submit_report
from tests.support.staff import signed_in
from wbs_app.db import app_database
from wbs_app.models import Case, CaseStatus


def step(handler: Any, case_id: int, **fields: str) -> None:
    """One lifecycle step from the case page's form; the page redirects back when it is taken."""
    page = handler.get(f"/staf/pengelola/kasus/{case_id}").get_data(as_text=True)
    answer = handler.post(
        f"/staf/pengelola/kasus/{case_id}/langkah", data={"csrf_token": csrf_from(page), **fields}
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)[:3000]


def examine(handler: Any, case_id: int) -> None:
    """Acknowledge and verify: the case is under examination, invitations can be made."""
    step(handler, case_id, kind="acknowledge")
    step(handler, case_id, kind="verification", checked="dokumen", conclusion="proceed")


def to_decision(app: Any, org: Any, reporter: Any) -> tuple[str, int, Any]:
    """A report of unit a taken by Budi up to the finding: status "keputusan"."""
    receipt = submit_report(reporter, Report(unit=org.units["a"], what="Pungli di loket"))
    with app_database(app).session() as session:
        case_id = session.scalars(select(Case.id)).one()
    budi = signed_in(app, org.budi)
    examine(budi, case_id)
    step(budi, case_id, kind="finding", finding="discipline", reasoning="Terbukti.")
    with app_database(app).session() as session:
        assert session.get(Case, case_id).status is CaseStatus.DECISION
    return receipt, case_id, budi


def post_on_case(handler: Any, case_id: int, path: str, **fields: Any) -> Any:
    """A form of the case page posted to ``/staf/pengelola/kasus/<id>/<path>``, with its token."""
    page = handler.get(f"/staf/pengelola/kasus/{case_id}").get_data(as_text=True)
    return handler.post(
        f"/staf/pengelola/kasus/{case_id}/{path}", data={"csrf_token": csrf_from(page), **fields}
    )


def journal_kinds(app: Any, case_id: int) -> list[str]:
    """The kinds of the case's journal entries, oldest first."""
    from wbs_app.models import JournalEntry

    with app_database(app).session() as session:
        return list(
            session.scalars(
                select(JournalEntry.kind)
                .where(JournalEntry.case_id == case_id)
                .order_by(JournalEntry.seq)
            )
        )
