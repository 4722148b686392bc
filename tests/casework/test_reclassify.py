"""Correcting a case's classification (issue 15, item 7), through HTTP.

Handlers re-categorise a case and move it to another unit in their remit:
the keys are wrapped to the new unit's handlers (never to one the reporter
excluded), the old unit's investigators lose it, every step is journaled.
"""

from __future__ import annotations

from sqlalchemy import func, select

from tests.support.casework import journal_kinds, post_on_case
from tests.support.http import https_client
from tests.support.reporter import Report, open_case, submit_report
from tests.support.respondent import investigating_case, invite
from tests.support.staff import signed_in
from wbs_app.db import app_database
from wbs_app.models import AudienceKey, Case, Category, KeyWrap, StaffMember
from wbs_app.services.cases import journal


def _case(app) -> Case:
    with app_database(app).session() as session:
        case = session.scalar(select(Case).order_by(Case.id.desc()))
        session.expunge(case)
        return case


def _holds_every_key(app, case_id: int, staff_id: int) -> bool:
    with app_database(app).session() as session:
        staff = session.get(StaffMember, staff_id)
        keys = session.scalar(
            select(func.count()).select_from(AudienceKey).where(AudienceKey.case_id == case_id)
        )
        wraps = session.scalar(
            select(func.count())
            .select_from(KeyWrap)
            .where(
                KeyWrap.case_id == case_id,
                KeyWrap.staff_id == staff_id,
                KeyWrap.identity_generation == staff.identity_generation,
            )
        )
        return keys == wraps


def test_the_case_page_shows_the_unit_and_the_reporter_sees_the_verification_deadline(
    app, org, reporter
) -> None:
    receipt = submit_report(reporter, Report(unit=org.units["a"]))
    case = _case(app)
    page = signed_in(app, org.budi).get(f"/staf/pengelola/kasus/{case.id}").get_data(as_text=True)
    assert "<dt>Unit</dt><dd>UPT Makassar" in page
    own = https_client(app)
    assert open_case(own, receipt).status_code == 302
    mine = own.get("/lapor/kasus").get_data(as_text=True)
    assert "Batas hasil verifikasi" in mine


def test_a_handler_corrects_the_category_with_a_reason(app, org, reporter) -> None:
    submit_report(reporter, Report(unit=org.units["a"]))
    case = _case(app)
    budi = signed_in(app, org.budi)
    with app_database(app).session() as session:
        gratification = session.scalar(select(Category.id).where(Category.code == "gratifikasi"))
    no_reason = post_on_case(budi, case.id, "kategori", category_id=gratification, reason="")
    assert no_reason.status_code == 400 and _case(app).category_id == case.category_id
    done = post_on_case(budi, case.id, "kategori", category_id=gratification, reason="Salah pilih")
    assert done.status_code == 302 and _case(app).category_id == gratification
    assert journal_kinds(app, case.id) == ["category_changed"]
    page = budi.get(f"/staf/pengelola/kasus/{case.id}").get_data(as_text=True)
    assert "Gratifikasi" in page and "Salah pilih" in page
    # The journal names the categories in the reader's language, as they were named then.
    english = budi.get(f"/staf/pengelola/kasus/{case.id}?lang=en").get_data(as_text=True)
    assert "→ Gratification" in english and "Gratifikasi" not in english


def test_a_supervisor_moves_a_case_and_its_keys_follow(app, org, reporter) -> None:
    budi, case_id = investigating_case(app, org, reporter)
    invite(budi, case_id)  # an invitation's key must follow too
    rahman, sitti = signed_in(app, org.rahman), signed_in(app, org.sitti)
    assert sitti.get(f"/staf/pengelola/kasus/{case_id}").status_code == 404
    moved = post_on_case(
        rahman, case_id, "unit", unit_id=org.units["b"], reason="Lokasi di Parepare"
    )
    assert moved.status_code == 302
    assert _case(app).unit_id == org.units["b"]
    assert sitti.get(f"/staf/pengelola/kasus/{case_id}").status_code == 200
    assert _holds_every_key(app, case_id, org.sitti.id)
    assert budi.get(f"/staf/pengelola/kasus/{case_id}").status_code == 404  # no longer his unit's
    kinds = journal_kinds(app, case_id)
    assert "unit_changed" in kinds and "access_granted" in kinds and "access_revoked" in kinds
    with app_database(app).session() as session:
        assert journal.verify_case(session, session.get(Case, case_id)) is None
    page = sitti.get(f"/staf/pengelola/kasus/{case_id}").get_data(as_text=True)
    assert "<dt>Unit</dt><dd>UPT Parepare" in page and "Lokasi di Parepare" in page


def test_a_move_keeps_the_reporters_exclusions(app, org, reporter) -> None:
    submit_report(reporter, Report(unit=org.units["a"]), exclude=[org.budi.id])
    case = _case(app)
    # Budi was excluded at intake; the case moves to unit b and back to a: never to him.
    rahman = signed_in(app, org.rahman)
    assert (
        post_on_case(rahman, case.id, "unit", unit_id=org.units["b"], reason="x").status_code == 302
    )
    assert (
        post_on_case(rahman, case.id, "unit", unit_id=org.units["a"], reason="y").status_code == 302
    )
    assert signed_in(app, org.budi).get(f"/staf/pengelola/kasus/{case.id}").status_code == 404
    with app_database(app).session() as session:
        assert session.scalar(select(KeyWrap.id).where(KeyWrap.staff_id == org.budi.id)) is None


def test_a_move_outside_the_handlers_remit_is_refused(app, org, reporter) -> None:
    submit_report(reporter, Report(unit=org.units["a"]))
    case = _case(app)
    budi = signed_in(app, org.budi)  # investigator of unit a only
    page = budi.get(f"/staf/pengelola/kasus/{case.id}").get_data(as_text=True)
    assert 'name="unit_id"' not in page  # nowhere else to move it
    refused = post_on_case(budi, case.id, "unit", unit_id=org.units["b"], reason="x")
    assert refused.status_code == 400 and _case(app).unit_id == org.units["a"]
    assert journal_kinds(app, case.id) == []
