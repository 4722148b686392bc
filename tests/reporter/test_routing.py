"""A route when the only handlers are the accused: the unit above (issue 15, item 4).

If the reporter excludes every handler of a unit (and so every supervisor, who
also receives the reports of every unit below), intake was refused and the
report could not be made at all. Now the review page says beforehand that the
report can go to the unit above, and after such a send offers the nearest
unit above whose own complaint team (less the excluded) can take it, by name
and nothing else; the case is filed there and every exclusion is kept.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tests.support.http import https_client
from tests.support.reporter import DRAFT_RE, Report, csrf_from, follow, post_form, send_review
from tests.support.staff import make_staff
from wbs_app.db import app_database
from wbs_app.models import Case, HandlerExclusion, KeyWrap, SubmissionDraft

OFFER = "Anda dapat mengirimkannya ke tim pengaduan unit di atasnya"
BEFOREHAND = "laporan Anda dapat dikirim ke tim pengaduan unit di atasnya"
KEEP_A_SUPERVISOR = "Sedikitnya satu supervisor"
SEND_UP = "Kirim ke Kanwil Sulawesi Selatan"


def _count(app, model) -> int:
    with app_database(app).session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def kanwil_team(app, org):
    """Two investigators of the Kanwil: the complaint team above UPT Makassar."""
    return (
        make_staff(app, "dewi", unit_ids=(org.units["kanwil"],)),
        make_staff(app, "eko", unit_ids=(org.units["kanwil"],)),
    )


def _send_up(reporter, page: str, exclude: list[int], unit_id: int):
    return reporter.post(
        "/lapor/kirim",
        data={
            "csrf_token": csrf_from(page),
            "draft": DRAFT_RE.search(page).group(1),
            "exclude": [str(staff_id) for staff_id in exclude],
            "route_up": str(unit_id),
        },
    )


def test_excluding_every_handler_offers_the_unit_above_and_files_it_there(
    app, org, kanwil_team, reporter
) -> None:
    dewi, eko = kanwil_team
    review = post_form(reporter, Report(unit=org.units["a"], what="Kepala UPT meminta setoran"))
    page = review.get_data(as_text=True)
    assert BEFOREHAND in page  # said before anything is sent
    # Budi (UPT Makassar) and Rahman (its only supervisor, at the Kanwil) are every handler.
    excluded = [org.budi.id, org.rahman.id]
    refused = send_review(reporter, page, exclude=excluded)
    body = refused.get_data(as_text=True)
    assert refused.status_code == 400 and OFFER in body and SEND_UP in body
    assert body.count(" checked>") == 2  # the reporter's choice, shown as they made it
    # A unit, never a person (as words: a random token may hold the letters "eko").
    assert not re.search(r"\b(dewi|eko)\b", body, re.IGNORECASE)
    assert _count(app, Case) == 0 and _count(app, SubmissionDraft) == 1

    sent = _send_up(reporter, body, excluded, org.units["kanwil"])
    assert sent.status_code == 303
    assert "receipt-code" in follow(reporter, sent).get_data(as_text=True)
    with app_database(app).session() as session:
        case = session.scalars(select(Case)).one()
        assert case.unit_id == org.units["kanwil"]
        wrapped = set(
            session.scalars(
                select(KeyWrap.staff_id).where(
                    KeyWrap.case_id == case.id, KeyWrap.staff_id.is_not(None)
                )
            )
        )
        kept = set(
            session.scalars(
                select(HandlerExclusion.staff_id).where(HandlerExclusion.case_id == case.id)
            )
        )
    assert wrapped == {dewi.id, eko.id}
    assert kept == {org.budi.id, org.rahman.id}  # never to be granted it, there either


def test_no_offer_when_the_team_above_is_one_person(app, org, reporter) -> None:
    make_staff(app, "dewi", unit_ids=(org.units["kanwil"],))
    page = post_form(reporter, Report(unit=org.units["a"])).get_data(as_text=True)
    refused = send_review(reporter, page, exclude=[org.budi.id, org.rahman.id])
    body = refused.get_data(as_text=True)
    assert refused.status_code == 400 and KEEP_A_SUPERVISOR in body and OFFER not in body
    assert _count(app, Case) == 0


def test_a_route_that_is_not_above_the_unit_is_refused(app, org, kanwil_team, reporter) -> None:
    page = post_form(reporter, Report(unit=org.units["a"])).get_data(as_text=True)
    excluded = [org.budi.id, org.rahman.id]
    sideways = _send_up(reporter, page, excluded, org.units["b"])  # a sibling, not above
    assert sideways.status_code == 400
    assert "tidak dapat menerima laporan Anda" in sideways.get_data(as_text=True)
    assert _count(app, Case) == 0 and _count(app, SubmissionDraft) == 1


def test_the_top_unit_has_nothing_above(app, org, kanwil_team, reporter) -> None:
    page = post_form(reporter, Report(unit=org.units["kanwil"])).get_data(as_text=True)
    assert BEFOREHAND not in page
    refused = send_review(reporter, page, exclude=[org.rahman.id])
    body = refused.get_data(as_text=True)
    assert refused.status_code == 400 and OFFER not in body and KEEP_A_SUPERVISOR in body
    assert https_client(app).get("/lapor/formulir").status_code == 200
