"""Every new case reaches a supervisor of its unit or of a unit above it, besides its investigators.

So no case starts in one person's hands. Where no such supervisor exists, or
the reporter excluded them all, nothing is sent and nothing is lost: the
draft with every field and file stays, the review page says what to do, and
the administrator's overview names the units whose reports cannot be
delivered, so that the office can fix it before a reporter meets it.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.support.http import https_client
from tests.support.reporter import DRAFT_RE, Report, csrf_from, post_form, send_review
from tests.support.staff import make_staff, make_units, sign_in
from wbs_app.db import app_database
from wbs_app.models import Case, KeyWrap, PendingFile, StaffRole, SubmissionDraft

NO_SUPERVISOR = "belum ada supervisor"
KEEP_A_SUPERVISOR = "Sedikitnya satu supervisor"
UNDELIVERABLE = "belum dapat menerima laporan"


def _count(app, model) -> int:
    with app_database(app).session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def bare(app) -> dict[str, int]:
    """Units and one investigator of UPT Makassar, no supervisor anywhere."""
    units = make_units(app)
    make_staff(app, "budi", unit_ids=(units["a"],))
    return units


def test_without_a_supervisor_the_report_waits_with_everything_in_it(app, bare, reporter) -> None:
    report = Report(unit=bare["a"], what="ISI-TETAP ada", files=[("bukti.txt", b"berkas")])
    review = post_form(reporter, report)
    page = review.get_data(as_text=True)
    assert review.status_code == 200 and NO_SUPERVISOR in page
    assert "Tidak yakin" in page.split(NO_SUPERVISOR)[1]  # what to do: another unit, "not sure"
    refused = send_review(reporter, page)
    body = refused.get_data(as_text=True)
    assert refused.status_code == 400 and NO_SUPERVISOR in body and "ISI-TETAP" in body
    assert _count(app, Case) == 0
    assert _count(app, SubmissionDraft) == 1 and _count(app, PendingFile) == 1
    # The office appoints a supervisor; the same page sends the same report, file and all.
    make_staff(app, "rahman", StaffRole.SUPERVISOR, unit_ids=(bare["kanwil"],))
    sent = send_review(reporter, body)
    assert sent.status_code == 200 and "receipt-code" in sent.get_data(as_text=True)
    assert _count(app, Case) == 1 and _count(app, PendingFile) == 0


def test_back_to_edit_from_the_warning_keeps_the_typing(app, bare, reporter) -> None:
    page = post_form(reporter, Report(unit=bare["a"], what="ISI-TETAP ada")).get_data(as_text=True)
    edit = reporter.post(
        "/lapor/formulir/ubah",
        data={"csrf_token": csrf_from(page), "draft": DRAFT_RE.search(page).group(1)},
    )
    assert edit.status_code == 200 and "ISI-TETAP ada" in edit.get_data(as_text=True)


def test_excluding_every_supervisor_is_refused_and_keeps_the_draft(app, org, reporter) -> None:
    page = post_form(reporter, Report(unit=org.units["a"])).get_data(as_text=True)
    # Who else can ever give the report to someone: the custodians, together,
    # and never to a person excluded here (walk 2, finding 10).
    assert (
        "para kustodian kantor" in page and "tidak pernah kepada orang yang Anda kecualikan" in page
    )
    refused = send_review(reporter, page, exclude=[org.rahman.id])
    body = refused.get_data(as_text=True)
    assert refused.status_code == 400 and KEEP_A_SUPERVISOR in body
    assert _count(app, Case) == 0 and _count(app, SubmissionDraft) == 1
    sent = send_review(reporter, body, exclude=[org.budi.id])
    assert sent.status_code == 200
    with app_database(app).session() as session:
        wrapped = set(
            session.scalars(select(KeyWrap.staff_id).where(KeyWrap.staff_id.is_not(None)))
        )
    assert wrapped == {org.rahman.id}


def test_the_overview_names_the_units_that_cannot_receive_reports(app, bare) -> None:
    admin = https_client(app)
    assert sign_in(app, admin, make_staff(app, "admin", StaffRole.ADMIN)).status_code == 302
    page = admin.get("/staf/admin/").get_data(as_text=True)
    assert UNDELIVERABLE in page
    for name in ("Kanwil Sulawesi Selatan", "UPT Makassar", "UPT Parepare"):
        assert name in page.split(UNDELIVERABLE)[1], name
    assert UNDELIVERABLE in admin.get("/staf/admin/unit").get_data(as_text=True)
    make_staff(app, "dewi", StaffRole.SUPERVISOR, unit_ids=(bare["a"],))
    page = admin.get("/staf/admin/").get_data(as_text=True)
    warned = page.split(UNDELIVERABLE)[1].split("</section>")[0]
    assert "UPT Makassar" not in warned and "UPT Parepare" in warned
    make_staff(app, "rahman", StaffRole.SUPERVISOR, unit_ids=(bare["kanwil"],))
    assert UNDELIVERABLE not in admin.get("/staf/admin/").get_data(as_text=True)
    assert UNDELIVERABLE not in admin.get("/staf/admin/unit").get_data(as_text=True)


def test_a_supervisor_deactivated_while_the_report_is_sealed_is_not_its_only_holder(
    app, org, reporter, monkeypatch
) -> None:
    """Intake reads its recipients again, under the holders' lock, after the Argon2 run.

    Found in review: it read them before the run and wrapped the case to
    whoever they were then, so a deactivation (or a reset) meanwhile could
    leave a new case with nobody able to open it.
    """
    import crypto.kdf
    from wbs_app.services.staff import staff_admin

    admin = make_staff(app, "andi", StaffRole.ADMIN)
    page = post_form(reporter, Report(unit=org.units["a"], what="ISI-TETAP")).get_data(as_text=True)
    real = crypto.kdf.hash_secret_raw
    done: list[bool] = []

    def deactivate_meanwhile(*args, **kwargs):
        if not done:
            done.append(True)
            with app_database(app).session(immediate=True) as session:
                from wbs_app.models import StaffMember

                staff_admin.deactivate(session, session.get(StaffMember, admin.id), org.rahman.id)
        return real(*args, **kwargs)

    monkeypatch.setattr(crypto.kdf, "hash_secret_raw", deactivate_meanwhile)
    refused = send_review(reporter, page, exclude=[org.budi.id])
    assert done, "the receipt's Argon2 run did not happen"
    body = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "ISI-TETAP" in body
    assert _count(app, Case) == 0 and _count(app, SubmissionDraft) == 1
