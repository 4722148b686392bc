"""A database writer without ``instance/`` cannot make a root, a certificate or undo a revocation.

The attacker writes plain SQL (through the session's connection, never the
services) and holds no installation key; reports come in through the
reporter's HTTP intake, the verifier and the start-up check through the CLI
and the app factory as an operator runs them.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text

from config import ConfigError
from crypto import Identity
from crypto.certificates import root_issuer, sign_statement
from tests.support.reporter import Report, submit_report
from tests.support.staff import make_staff
from tests.support.trust import CUSTODIANS, ceremony_shares, open_test_root
from wbs_app.db import app_database
from wbs_app.models import (
    AudienceKey,
    Case,
    HandlerCertificate,
    KeyWrap,
    RecipientKind,
    StaffMember,
    StaffRole,
    TrustRoot,
)
from wbs_app.services.cases import case_keys
from wbs_app.services.infra.clock import utcnow
from wbs_app.services.trust import certificates, root, rotation
from wbs_app.services.trust.statements import statement_of

SUP = StaffRole.SUPERVISOR


def _verify(app):
    return app.test_cli_runner().invoke(args=["wbs", "verify-journals"])


def _latest_case(session) -> Case:
    return session.scalars(select(Case).order_by(Case.id.desc())).first()


def _wraps_of_latest(session, **where) -> list[KeyWrap]:
    case = _latest_case(session)
    query = select(KeyWrap).where(KeyWrap.case_id == case.id)
    for name, value in where.items():
        query = query.where(getattr(KeyWrap, name) == value)
    return list(session.scalars(query))


def _insert_root(session, generation: int, public: bytes, retire: bool = True) -> None:
    now = utcnow()
    if retire:
        session.execute(
            text("UPDATE trust_roots SET retired_at = :now WHERE retired_at IS NULL"),
            {"now": now},
        )
    session.execute(
        text(
            "INSERT INTO trust_roots (generation, public, share_count, threshold, created_at)"
            " VALUES (:g, :p, 3, 2, :now)"
        ),
        {"g": generation, "p": public, "now": now},
    )
    session.commit()


def _insert_certificate(
    session, staff: StaffMember, signer: Identity, generation: int, issued_at=None
) -> None:
    """A certificate row as the service would write it, signed by ``signer``, in plain SQL."""
    row = HandlerCertificate(
        staff_id=staff.id,
        generation=staff.identity_generation,
        role=staff.role.value,
        unit_ids=",".join(str(u.id) for u in sorted(staff.units, key=lambda u: u.id)),
        subject_public=staff.identity_public,
        issuer_kind="root",
        issuer_root_generation=generation,
        issued_at=(issued_at or utcnow()).replace(microsecond=0),
        signature=b"",
    )
    assert statement_of(row).issuer == root_issuer(generation)
    session.execute(
        text(
            "INSERT INTO handler_certificates (staff_id, generation, role, unit_ids,"
            " subject_public, issuer_kind, issuer_root_generation, issued_at, signature)"
            " VALUES (:s, :g, :r, :u, :p, 'root', :rg, :at, :sig)"
        ),
        {
            "s": row.staff_id,
            "g": row.generation,
            "r": row.role,
            "u": row.unit_ids,
            "p": row.subject_public,
            "rg": generation,
            "at": row.issued_at,
            "sig": sign_statement(statement_of(row), signer),
        },
    )
    session.commit()


def test_a_root_inserted_in_sql_gets_no_wrap_and_the_app_refuses_to_start(
    app, make_app, org, reporter
) -> None:
    ceremony_shares(app)
    attacker = Identity.generate()
    with app_database(app).session() as session:
        _insert_root(session, 2, attacker.public().to_bytes())
        assert root.current_root(session).generation == 1  # the row alone is no root
    submit_report(reporter, Report(unit=org.units["a"]))
    with app_database(app).session() as session:
        recovery = _wraps_of_latest(session, recipient_kind=RecipientKind.RECOVERY)
        assert recovery and {w.identity_generation for w in recovery} == {1}
        case = _latest_case(session)
        key_row = session.scalars(select(AudienceKey).where(AudienceKey.case_id == case.id)).first()
        with pytest.raises(case_keys.NoAccess):
            case_keys.unwrap_for_recovery(session, case, key_row, 2, attacker)
        with pytest.raises(root.NoRoot):  # "root 2" is no root: nothing opens it
            root.open_root(session, ceremony_shares(app)[:2], generation=2)
    checked = _verify(app)
    assert checked.exit_code == 1 and "root 2: not in the head log" in checked.output
    with pytest.raises(ConfigError, match="trust_roots"):
        make_app()


def test_a_root_row_with_its_key_swapped_is_refused_at_start(app, make_app, org) -> None:
    ceremony_shares(app)
    with app_database(app).session() as session:
        session.execute(
            text("UPDATE trust_roots SET public = :p"),
            {"p": Identity.generate().public().to_bytes()},
        )
        session.commit()
        assert root.current_root(session) is None  # gen 1 no longer matches its link
    with pytest.raises(ConfigError, match="trust_roots"):
        make_app()


def test_a_certificate_inserted_in_sql_gives_the_puppet_no_wrap(app, org, reporter) -> None:
    puppet = make_staff(app, "boneka", SUP, (org.units["a"],), certified=False)
    real_root = open_test_root(app).identity
    with app_database(app).session() as session:
        staff = session.get(StaffMember, puppet.id)
        # Signed by a key of the attacker's own, and by the real root (old shares kept).
        _insert_certificate(session, staff, Identity.generate(), 1)
        _insert_certificate(session, staff, real_root, 1)
        assert not certificates.is_certified(session, staff)
    submit_report(reporter, Report(unit=org.units["a"]))
    with app_database(app).session() as session:
        assert _wraps_of_latest(session, staff_id=puppet.id) == []
        assert _wraps_of_latest(session, staff_id=org.budi.id)  # the honest handler has one
    checked = _verify(app)
    assert checked.exit_code == 1
    assert "not in the head log (added outside the application)" in checked.output


def test_clearing_revoked_at_brings_nothing_back(app, org, reporter) -> None:
    with app_database(app).session() as session:
        staff = session.get(StaffMember, org.budi.id)
        assert certificates.revoke(session, staff, "deactivated") == 1
        session.commit()
        session.execute(
            text("UPDATE handler_certificates SET revoked_at = NULL, revoked_reason = NULL")
        )
        session.commit()
        assert not certificates.is_certified(session, staff)
        # Nor for the journal: revoked since its issue, as the row no longer matches.
        later = utcnow() + timedelta(days=1)
        assert not certificates.certificate_valid_at(
            session, staff.id, staff.identity_generation, later
        )
    submit_report(reporter, Report(unit=org.units["a"]))
    with app_database(app).session() as session:
        assert _wraps_of_latest(session, staff_id=org.budi.id) == []
    checked = _verify(app)
    assert checked.exit_code == 1 and "its revocation was cleared or edited" in checked.output


def test_a_back_dated_old_root_certificate_after_a_rotation_is_refused(app, org, reporter) -> None:
    opened = open_test_root(app)
    puppet = make_staff(app, "boneka", SUP, (org.units["a"],), certified=False)
    with app_database(app).session() as session:
        rotation.start(session, opened, list(CUSTODIANS))
        session.commit()
        assert root.current_root(session).generation == 2
        first = session.get(TrustRoot, 1)
        staff = session.get(StaffMember, puppet.id)
        before = first.created_at + timedelta(seconds=0)
        _insert_certificate(session, staff, opened.identity, 1, issued_at=before)
        assert not certificates.is_certified(session, staff)
        # Honest certificates of root 1 still count after the rotation.
        assert certificates.is_certified(session, session.get(StaffMember, org.budi.id))
    submit_report(reporter, Report(unit=org.units["a"]))
    with app_database(app).session() as session:
        assert _wraps_of_latest(session, staff_id=puppet.id) == []
        recovery = _wraps_of_latest(session, recipient_kind=RecipientKind.RECOVERY)
        assert {w.identity_generation for w in recovery} == {2}  # the endorsed new root


def test_a_rotation_endorses_the_new_root_and_the_app_still_starts(app, make_app, org) -> None:
    opened = open_test_root(app)
    with app_database(app).session() as session:
        rotation.start(session, opened, list(CUSTODIANS))
        session.commit()
        endorsement = session.get(TrustRoot, 2).endorsement
        assert endorsement is not None
        # An endorsement that does not verify unanchors the generation.
        session.execute(
            text("UPDATE trust_roots SET endorsement = :e WHERE generation = 2"),
            {"e": bytes(64)},
        )
        session.commit()
        session.expire_all()  # as a new request would read it
        assert root.current_root(session).generation == 1
        session.execute(
            text("UPDATE trust_roots SET endorsement = :e WHERE generation = 2"),
            {"e": endorsement},
        )
        session.commit()
    make_app()  # the honest state starts
    assert _verify(app).exit_code == 0


def test_db_upgrade_anchors_trust_made_before_links_once(app, org, reporter) -> None:
    """Trust on upgrade: the first upgrade links what exists; a later row is never linked."""
    submit_report(reporter, Report(unit=org.units["a"]))
    with app_database(app).session() as session:  # as a database from before trust links
        session.execute(text("DELETE FROM head_log"))
        session.execute(text("DELETE FROM case_heads"))
        session.commit()
        assert root.current_root(session) is None
    runner = app.test_cli_runner()
    upgraded = runner.invoke(args=["wbs", "db-upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    assert "trust on upgrade: 1 custodian roots" in upgraded.output
    with app_database(app).session() as session:
        assert root.current_root(session).generation == 1
        assert certificates.is_certified(session, session.get(StaffMember, org.budi.id))
    assert _verify(app).exit_code == 0
    puppet = make_staff(app, "boneka", SUP, (org.units["a"],), certified=False)
    with app_database(app).session() as session:
        staff = session.get(StaffMember, puppet.id)
        _insert_certificate(session, staff, open_test_root(app).identity, 1)
    again = runner.invoke(args=["wbs", "db-upgrade"])
    assert again.exit_code == 0 and "trust on upgrade" not in again.output
    with app_database(app).session() as session:
        assert not certificates.is_certified(session, session.get(StaffMember, puppet.id))
