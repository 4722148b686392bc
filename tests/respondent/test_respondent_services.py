"""The right of reply at the service level, and what a respondent can never read."""

from __future__ import annotations

import contextlib
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from crypto import (
    TEST_ARGON2,
    CodeKind,
    DecryptionError,
    Identity,
    WrapContext,
    derive_code_secrets,
    open_record,
    open_seed,
    parse_code,
    unwrap_key,
)
from tests.support.reporter import Report, submit_report
from tests.support.staff import pepper
from wbs_app.db import app_database
from wbs_app.models import (
    AudienceKey,
    Case,
    CaseRecord,
    InvitationRole,
    JournalEntry,
    KeyWrap,
    RespondentInvitation,
    StaffMember,
)
from wbs_app.services.cases import case_keys, journal, lifecycle
from wbs_app.services.codes import respondent_access
from wbs_app.services.infra.clock import today
from wbs_app.services.infra.sessions import SessionPolicy
from wbs_app.services.office.deadlines import Deadlines
from wbs_app.services.respondents import respondent, right_of_reply
from wbs_app.services.respondents.respondent import RespondentError

POLICY = SessionPolicy(idle=timedelta(minutes=15), absolute=timedelta(hours=2))
CALENDAR_DAYS = Deadlines(
    acknowledge_days=7, verification_days=14, feedback_days=90, respondent_days=14
)


def in_14_days() -> date:
    return today() + timedelta(days=14)


DETAILS = {
    "name": "Petugas Loket 2",
    "position": "Pengadministrasi",
    "allegation": "Diduga meminta uang di luar tarif resmi.",
    "period": "Oktober 2026",
    "rules": "PP 94/2021 Pasal 5",
}


@pytest.fixture
def invited(app, org, reporter):
    submit_report(
        reporter,
        Report(
            unit=org.units["a"],
            what="RAHASIA-LAPORAN isi laporan",
            identity=("RAHASIA-NAMA", "0812"),
        ),
    )
    with app_database(app).session() as session:
        staff = session.get(StaffMember, org.budi.id)
        identity = Identity.from_seed(open_seed(staff.sealed_seed, org.budi.password, pepper(app)))
        case = session.scalar(select(Case))
        for kind, fields in (
            ("acknowledge", {}),
            ("verification", {"checked": "x", "conclusion": "proceed"}),
        ):
            lifecycle.record_step(session, case, staff, identity, kind, fields)
        from wbs_app.services.cases import casefile

        casefile.add_note(session, case, staff, identity, "RAHASIA-CATATAN internal")
        salt = bytes.fromhex(app.config["INSTALLATION_SALT"])
        invitation, code = respondent.create_invitation(
            session,
            case,
            staff,
            identity,
            DETAILS,
            InvitationRole.ACCUSED,
            in_14_days(),
            salt,
            TEST_ARGON2,
        )
        second, _ = respondent.create_invitation(
            session,
            case,
            staff,
            identity,
            {**DETAILS, "name": "Saksi Lain"},
            InvitationRole.WITNESS,
            in_14_days(),
            salt,
            TEST_ARGON2,
        )
        return code, identity, invitation.id, second.id


def _context(app, code):
    salt = bytes.fromhex(app.config["INSTALLATION_SALT"])
    with app_database(app).session() as session:
        cookie = respondent_access.login(session, code, salt, TEST_ARGON2, POLICY)
    session = app_database(app).sessionmaker()
    return session, respondent_access.resume(session, cookie, POLICY)


def test_respondent_reads_only_the_allegation_and_own_thread(app, org, invited) -> None:
    code, _, invitation_id, _ = invited
    session, context = _context(app, code)
    assert context is not None and context.invitation.id == invitation_id
    allegation, thread = respondent.read_thread(
        session, context.case, context.invitation, context.key
    )
    assert allegation["name"] == "Petugas Loket 2" and thread == []
    respondent.submit_statement(session, context, "Saya tidak pernah meminta uang.", [])
    right_of_reply.request_extension(session, context, 10, "Perlu mengumpulkan dokumen.")
    session.commit()
    _, thread = respondent.read_thread(session, context.case, context.invitation, context.key)
    assert [entry.kind for entry in thread] == ["statement", "extension_request"]
    assert journal.verify_case(session, context.case) is None
    kinds = list(session.scalars(select(JournalEntry.kind).order_by(JournalEntry.seq)))
    assert kinds[-5:] == [
        "invitation_created",
        "invitation_created",
        "invitation_taken_over",  # the first sign-in with the printed code (issue 15, item 5)
        "statement_received",
        "extension_requested",
    ]
    session.close()


def test_with_code_session_and_whole_database_nothing_else_decrypts(app, org, invited) -> None:
    """Try the respondent's identity on every wrap and its key on every record of the case."""
    code, _, invitation_id, second_id = invited
    salt = bytes.fromhex(app.config["INSTALLATION_SALT"])
    secrets_ = derive_code_secrets(parse_code(code), CodeKind.INVITATION, salt, TEST_ARGON2)
    identity = Identity.from_seed(secrets_.identity_seed)
    with app_database(app).session() as session:
        case = session.scalar(select(Case))
        own = session.get(RespondentInvitation, invitation_id)
        opened_keys = []
        for wrap, key_row in session.execute(
            select(KeyWrap, AudienceKey).join(
                AudienceKey, AudienceKey.id == KeyWrap.audience_key_id
            )
        ):
            for recipient in ("respondent", "reporter", f"staff:{org.budi.id}:1", "staff"):
                context = WrapContext(
                    case_keys.PURPOSE, case.uid, case_keys.audience_name(key_row), recipient
                )
                with contextlib.suppress(DecryptionError):
                    opened_keys.append((key_row.id, unwrap_key(wrap.wrapped, identity, context)))
        assert [key_id for key_id, _ in opened_keys] == [own.audience_key_id]
        key = opened_keys[0][1]
        readable = []
        for record in session.scalars(select(CaseRecord)):
            with contextlib.suppress(DecryptionError):
                readable.append(
                    (
                        record.kind,
                        open_record(key, record.ciphertext, case_keys.record_context(case, record)),
                    )
                )
        assert [kind for kind, _ in readable] == ["allegation"]
        assert b"RAHASIA" not in readable[0][1]
        assert session.get(RespondentInvitation, second_id).audience_key_id != own.audience_key_id


def test_deadline_closes_submissions_but_not_reading(app, org, invited) -> None:
    code, _identity, invitation_id, _ = invited
    with app_database(app).session() as session:
        session.get(RespondentInvitation, invitation_id).answer_due -= timedelta(days=15)
    session, context = _context(app, code)
    with pytest.raises(RespondentError):
        respondent.submit_statement(session, context, "Terlambat.", [])
    allegation, _ = respondent.read_thread(session, context.case, context.invitation, context.key)
    assert allegation["allegation"].startswith("Diduga")
    session.close()


def test_extension_decided_by_a_handler(app, org, invited) -> None:
    code, identity, invitation_id, _ = invited
    session, context = _context(app, code)
    before = context.invitation.answer_due
    right_of_reply.request_extension(session, context, 7, "Sakit.")
    session.commit()
    session.close()
    with app_database(app).session() as db:
        invitation = db.get(RespondentInvitation, invitation_id)
        case = db.get(Case, invitation.case_id)
        budi = db.get(StaffMember, org.budi.id)
        with pytest.raises(RespondentError):  # a grant says how long
            right_of_reply.decide_extension(
                db, case, invitation, budi, identity, True, 0, "Ya.", CALENDAR_DAYS
            )
        with pytest.raises(RespondentError):  # and why
            right_of_reply.decide_extension(
                db, case, invitation, budi, identity, True, 7, " ", CALENDAR_DAYS
            )
        right_of_reply.decide_extension(
                db, case, invitation, budi, identity, True, 7, "Wajar.", CALENDAR_DAYS
            )
        assert invitation.answer_due == before + timedelta(days=7)
        with pytest.raises(RespondentError):
            right_of_reply.decide_extension(
                db, case, invitation, budi, identity, True, 7, "Ya.", CALENDAR_DAYS
            )


def test_invitation_needs_a_case_under_examination(app, org, reporter) -> None:
    submit_report(reporter, Report(unit=org.units["a"]))
    with app_database(app).session() as session:
        staff = session.get(StaffMember, org.budi.id)
        identity = Identity.from_seed(open_seed(staff.sealed_seed, org.budi.password, pepper(app)))
        with pytest.raises(RespondentError):
            respondent.create_invitation(
                session,
                session.scalar(select(Case)),
                staff,
                identity,
                DETAILS,
                InvitationRole.ACCUSED,
                in_14_days(),
                b"s" * 32,
                TEST_ARGON2,
            )


def test_outcome_notice_reaches_every_respondent(app, org, invited) -> None:
    code, identity, _, _ = invited
    with app_database(app).session() as session:
        case = session.scalar(select(Case))
        lifecycle.record_step(
            session,
            case,
            session.get(StaffMember, org.budi.id),
            identity,
            "finding",
            {
                "finding": "not_proven",
                "reasoning": "RAHASIA-ALASAN",
                "ahead_reason": "Terlapor pindah tugas.",
            },
        )
    session, context = _context(app, code)
    _, thread = respondent.read_thread(session, context.case, context.invitation, context.key)
    assert [(item.entry.kind, item.reason) for item in right_of_reply.worded(thread)] == [
        ("outcome", "Terlapor pindah tugas.")
    ]
    assert "RAHASIA" not in thread[0].text and not respondent.can_submit(
        context.invitation, context.case
    )
    session.close()
