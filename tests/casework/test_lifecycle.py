"""Lifecycle steps: required fields, refused transitions, journal entries, reporter notices."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crypto import Identity, open_seed
from tests.support.http import https_client
from tests.support.reporter import Report, open_case, submit_report
from tests.support.staff import pepper
from wbs_app.db import app_database
from wbs_app.models import Case, CaseStatus, JournalEntry, StaffMember
from wbs_app.services.cases import journal, lifecycle
from wbs_app.services.cases.lifecycle import StepRefused


@pytest.fixture
def case_setup(app, org, reporter):
    receipt = submit_report(reporter, Report(unit=org.units["a"]))
    with app_database(app).session() as session:
        staff = session.get(StaffMember, org.budi.id)
        identity = Identity.from_seed(open_seed(staff.sealed_seed, org.budi.password, pepper(app)))
    return receipt, identity


def _step(app, org, identity, kind, **fields):
    with app_database(app).session() as session:
        case = session.scalar(select(Case))
        return lifecycle.record_step(
            session, case, session.get(StaffMember, org.budi.id), identity, kind, fields
        )


def _refused(app, org, identity, kind, **fields) -> StepRefused:
    with pytest.raises(StepRefused) as refused:
        _step(app, org, identity, kind, **fields)
    return refused.value


def test_full_lifecycle_with_required_fields(app, org, case_setup) -> None:
    receipt, identity = case_setup
    assert (
        _refused(app, org, identity, "finding", finding="discipline", reasoning="x").code
        == "wrong_status"
    )
    _step(app, org, identity, "acknowledge")
    refused = _refused(app, org, identity, "verification", checked="dokumen")
    assert (refused.code, refused.field) == ("missing_field", "conclusion")
    assert (
        _refused(app, org, identity, "verification", checked="d", conclusion="maybe").field
        == "conclusion"
    )
    # A referral is its own step now, with the body, the day and the reference (issue 20).
    assert (
        _refused(app, org, identity, "verification", checked="d", conclusion="referred").field
        == "conclusion"
    )
    _step(
        app,
        org,
        identity,
        "verification",
        checked="Daftar hadir dan kuitansi",
        conclusion="proceed",
    )
    assert (
        _refused(app, org, identity, "investigation", activity="interview").field == "description"
    )
    _step(
        app,
        org,
        identity,
        "investigation",
        activity="interview",
        description="Wawancara saksi",
        record_number="BAP-12/XI/2026",
    )
    _step(app, org, identity, "finding", finding="discipline", reasoning="Terbukti meminta uang.")
    refused = _refused(
        app,
        org,
        identity,
        "sanction",
        level="medium",
        sanction_type="penundaan",
        decree_number="",
        decided_on="2026-11-20",
    )
    assert refused.field == "decree_number"
    assert (
        _refused(
            app,
            org,
            identity,
            "sanction",
            level="medium",
            sanction_type="x",
            decree_number="SK-1",
            decided_on="kemarin",
        ).code
        == "bad_date"
    )
    _step(
        app,
        org,
        identity,
        "sanction",
        level="medium",
        sanction_type="penundaan kenaikan pangkat",
        decree_number="SK-45/2026",
        decided_on="2026-11-20",
    )
    assert (
        _refused(app, org, identity, "status", to="investigasi", reason="x").code == "wrong_status"
    )
    _step(app, org, identity, "status", to="selesai", reason="Sanksi telah dilaksanakan.")
    _step(app, org, identity, "reopen", reason="Ada bukti baru.")
    with app_database(app).session() as session:
        case = session.scalar(select(Case))
        assert case.status is CaseStatus.VERIFICATION and case.acknowledged_on is not None
        kinds = list(session.scalars(select(JournalEntry.kind).order_by(JournalEntry.seq)))
        assert journal.verify_case(session, case) is None
    assert kinds == [
        "acknowledge",
        "verification",
        "investigation",
        "finding",
        "sanction",
        "status",
        "reopen",
    ]

    visitor = https_client(app)
    open_case(visitor, receipt)
    page = visitor.get("/lapor/kasus").get_data(as_text=True)
    assert "diterima dan dikonfirmasi" in page  # the acknowledgement notice, in Indonesian
    assert "Wawancara saksi" not in page and "SK-45" not in page  # internal detail stays internal


def test_criminal_finding_is_referred(app, org, case_setup) -> None:
    """A criminal offence found is referred to law enforcement by the referral step."""
    _, identity = case_setup
    _step(app, org, identity, "acknowledge")
    _step(app, org, identity, "verification", checked="d", conclusion="proceed")
    result = _step(app, org, identity, "finding", finding="criminal", reasoning="Tindak pidana.")
    assert result.status is CaseStatus.DECISION
    referred = _step(
        app,
        org,
        identity,
        "referral",
        outside_body="polri",
        referred_on="2026-12-01",
        referral_reference="B/12/XII/2026",
        reason="Tindak pidana.",
    )
    assert referred.status is CaseStatus.REFERRED


def test_withdrawn_case_takes_no_steps_but_can_be_reopened(app, org, case_setup) -> None:
    _, identity = case_setup
    with app_database(app).session() as session:
        session.scalar(select(Case)).status = CaseStatus.WITHDRAWN
    assert _refused(app, org, identity, "acknowledge").code == "wrong_status"
    assert _refused(app, org, identity, "reopen").field == "reason"
