"""Handler certificates through the service: who may vouch for whom, and what breaks a chain."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from crypto import DecryptionError, Identity
from crypto.certificates import (
    CertificateStatement,
    certificate_fingerprint,
    fingerprint_matches,
    sign_statement,
    verify_statement,
)
from tests.support.staff import identity_of, make_staff, make_units
from tests.support.trust import CUSTODIANS, open_test_root
from wbs_app.db import app_database
from wbs_app.models import HandlerCertificate, StaffMember, StaffRole, TrustRoot
from wbs_app.services.infra.clock import utcnow
from wbs_app.services.trust import anchors, root, rotation
from wbs_app.services.trust import certificates as certs

INV = StaffRole.INVESTIGATOR
SUP = StaffRole.SUPERVISOR


def _statement(**changes: object) -> CertificateStatement:
    base = CertificateStatement(
        subject_public=Identity(bytes(32)).public().to_bytes(),
        account_id=7,
        role="investigator",
        unit_ids=(3, 1),
        generation=1,
        issued_at="2026-12-02T07:00:00Z",
        issuer="root:1",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_a_statement_verifies_and_any_changed_field_breaks_it() -> None:
    signer = Identity.generate()
    statement = _statement()
    signature = sign_statement(statement, signer)
    verify_statement(statement, signature, signer.public())
    assert _statement(unit_ids=(1, 3)) == statement  # units are a sorted set
    changed = [
        {"subject_public": Identity.generate().public().to_bytes()},
        {"account_id": 8},
        {"role": "supervisor"},
        {"unit_ids": (1, 3, 4)},
        {"unit_ids": (1,)},
        {"generation": 2},
        {"issued_at": "2026-12-02T07:00:01Z"},
        {"issuer": "staff:1:1"},
    ]
    for change in changed:
        with pytest.raises(DecryptionError):
            verify_statement(_statement(**change), signature, signer.public())
    with pytest.raises(DecryptionError):
        verify_statement(statement, signature, Identity.generate().public())


def test_the_fingerprint_is_24_digits_to_read_out_and_is_typed_loosely() -> None:
    public = Identity(bytes(32)).public()
    printed = certificate_fingerprint(public)
    groups = printed.split(" ")
    assert len(groups) == 6 and all(len(g) == 4 and g.isdigit() for g in groups)
    assert certificate_fingerprint(public.to_bytes()) == printed
    assert certificate_fingerprint(Identity(bytes([1]) * 32).public()) != printed
    assert fingerprint_matches(public, printed)
    assert fingerprint_matches(public, printed.replace(" ", "-"))
    assert fingerprint_matches(public, " " + printed.replace(" ", "") + " ")
    wrong = ("1" if printed[0] != "1" else "2") + printed[1:]
    assert not fingerprint_matches(public, wrong)
    assert not fingerprint_matches(public, printed[:-1])
    assert not fingerprint_matches(public, "")
    assert not fingerprint_matches(public, "٠" * 24)  # Arabic-Indic digits are not ours


def _heard(session, staff_id: int) -> tuple[StaffMember, str]:
    staff = session.get(StaffMember, staff_id)
    return staff, certificate_fingerprint(staff.identity_public)


@pytest.fixture
def org(app):
    """Kanwil with UPT a and b; a certified supervisor of the Kanwil and investigator of a."""
    units = make_units(app)
    boss = make_staff(app, "kepala", SUP, (units["kanwil"],))
    inv_a = make_staff(app, "pemeriksa.a", INV, (units["a"],))
    return units, boss, inv_a


def test_root_certifies_and_a_mistyped_fingerprint_is_refused(app, org) -> None:
    units, _boss, _ = org
    waiting = make_staff(app, "baru", INV, (units["b"],), certified=False)
    opened = open_test_root(app)
    with app_database(app).session() as session:
        staff, heard = _heard(session, waiting.id)
        assert not certs.is_certified(session, staff)
        assert certs.certificate_view(session, staff).certified is False
        with pytest.raises(certs.CertificationRefused) as refused:
            certs.certify_by_root(
                session, staff, opened, heard[:-1] + "0" if heard[-1] != "0" else heard[:-1] + "1"
            )
        assert refused.value.code == "fingerprint_mismatch"
        certs.certify_by_root(session, staff, opened, heard)
        session.commit()
        assert certs.is_certified(session, staff)
        view = certs.certificate_view(session, staff)
        assert view.by_custodians and view.fingerprint == heard and view.certified_at is not None
        with pytest.raises(certs.CertificationRefused) as again:
            certs.certify_by_root(session, staff, opened, heard)
        assert again.value.code == "already_certified"


@pytest.mark.parametrize(
    ("issuer_name", "role", "unit", "outcome"),
    [
        ("boss", INV, "a", None),  # a supervisor of the Kanwil covers its UPTs
        ("boss", SUP, "b", None),  # and supervisors below it
        ("boss", SUP, "kanwil", None),  # and its own unit, same role
        ("inv_a", INV, "a", None),  # an investigator: investigators of its own unit
        ("inv_a", INV, "b", "certifier_out_of_reach"),  # not another unit
        ("inv_a", SUP, "a", "certifier_out_of_reach"),  # never a wider role
        ("sup_a", SUP, "kanwil", "certifier_out_of_reach"),  # not a higher unit
        ("sup_a", INV, "b", "certifier_out_of_reach"),  # not a sibling unit
    ],
)
def test_who_may_certify_whom(app, org, issuer_name, role, unit, outcome) -> None:
    units, boss, inv_a = org
    sup_a = make_staff(app, "kepala.a", SUP, (units["a"],))
    issuer = {"boss": boss, "inv_a": inv_a, "sup_a": sup_a}[issuer_name]
    subject = make_staff(app, "baru", role, (units[unit],), certified=False)
    identity = identity_of(app, issuer)
    with app_database(app).session() as session:
        staff, heard = _heard(session, subject.id)
        signer = session.get(StaffMember, issuer.id)
        assert certs.may_certify(session, signer, staff) is (outcome is None)
        if outcome is None:
            certs.certify_by_handler(session, staff, signer, identity, heard)
            session.commit()
            assert certs.is_certified(session, staff)
            view = certs.certificate_view(session, staff)
            assert view.certified_by == signer.display_name and not view.by_custodians
        else:
            with pytest.raises(certs.CertificationRefused) as refused:
                certs.certify_by_handler(session, staff, signer, identity, heard)
            assert refused.value.code == outcome
            assert not certs.is_certified(session, staff)


def test_administrators_and_uncertified_handlers_cannot_certify(app, org) -> None:
    units, _boss, _ = org
    admin = make_staff(app, "admin", StaffRole.ADMIN)
    uncertified = make_staff(app, "tunggu", SUP, (units["kanwil"],), certified=False)
    subject = make_staff(app, "baru", INV, (units["a"],), certified=False)
    with app_database(app).session() as session:
        staff, heard = _heard(session, subject.id)
        for signer_login, code in (
            (admin, "certifier_admin"),
            (uncertified, "certifier_not_certified"),
        ):
            signer = session.get(StaffMember, signer_login.id)
            with pytest.raises(certs.CertificationRefused) as refused:
                certs.certify_by_handler(
                    session, staff, signer, identity_of(app, signer_login), heard
                )
            assert refused.value.code == code
        admin_row = session.get(StaffMember, admin.id)
        with pytest.raises(certs.CertificationRefused) as refused:
            certs.certify_by_root(session, admin_row, open_test_root(app), "0" * 24)
        assert refused.value.code == "subject_not_handler"


def _forge(session, subject: StaffMember, signer: Identity, **issuer) -> HandlerCertificate:
    """A certificate row written straight into the database, as a database-level attacker would."""
    row = HandlerCertificate(
        staff_id=subject.id,
        generation=subject.identity_generation,
        role=subject.role.value,
        unit_ids=",".join(str(u.id) for u in sorted(subject.units, key=lambda u: u.id)),
        subject_public=subject.identity_public,
        issued_at=utcnow().replace(microsecond=0),
        signature=b"",
        **issuer,
    )
    row.signature = sign_statement(certs.statement_of(row), signer)
    session.add(row)
    session.flush()
    return row


def test_forged_certificates_are_refused(app, org) -> None:
    units, boss, inv_a = org
    admin = make_staff(app, "admin", StaffRole.ADMIN)
    puppet = make_staff(app, "boneka", SUP, (units["kanwil"],), certified=False)
    with app_database(app).session() as session:
        staff = session.get(StaffMember, puppet.id)
        # Signed by a key of the attacker's own, claiming to be the root.
        _forge(session, staff, Identity.generate(), issuer_kind="root", issuer_root_generation=1)
        assert not certs.is_certified(session, staff)
        # Signed by the administrator's identity (which holds no certificate).
        admin_row = session.get(StaffMember, admin.id)
        if admin_row.identity_public is not None:
            _forge(
                session,
                staff,
                identity_of(app, admin),
                issuer_kind="staff",
                issuer_staff_id=admin.id,
                issuer_generation=admin_row.identity_generation,
            )
            assert not certs.is_certified(session, staff)
        # Signed by a real investigator of a lower unit: out of its reach.
        inv = session.get(StaffMember, inv_a.id)
        _forge(
            session,
            staff,
            identity_of(app, inv_a),
            issuer_kind="staff",
            issuer_staff_id=inv.id,
            issuer_generation=inv.identity_generation,
        )
        assert not certs.is_certified(session, staff)
        # The puppet signing for itself.
        _forge(
            session,
            staff,
            identity_of(app, puppet),
            issuer_kind="staff",
            issuer_staff_id=staff.id,
            issuer_generation=staff.identity_generation,
        )
        assert not certs.is_certified(session, staff)
        # Signed by the real root, but inserted in SQL: no head-log link covers it.
        real = _forge(
            session,
            staff,
            open_test_root(app).identity,
            issuer_kind="root",
            issuer_root_generation=1,
        )
        assert not certs.is_certified(session, staff)
        # The same row with its link (as the application issues): it counts,
        anchors.record_certificate(session, real)
        assert certs.is_certified(session, staff)
        # until one byte of its signature changes.
        real.signature = bytes([real.signature[0] ^ 1]) + real.signature[1:]
        session.flush()
        assert not certs.is_certified(session, staff)
        session.rollback()
    del boss


def test_a_revoked_handler_certifies_nothing_after_revocation(app, org) -> None:
    units, boss, _ = org
    subject = make_staff(app, "baru", INV, (units["a"],), certified=False)
    identity = identity_of(app, boss)
    with app_database(app).session() as session:
        signer = session.get(StaffMember, boss.id)
        staff, heard = _heard(session, subject.id)
        assert certs.revoke(session, signer, "role_changed") == 1
        assert not certs.is_certified(session, signer)
        with pytest.raises(certs.CertificationRefused) as refused:
            certs.certify_by_handler(session, staff, signer, identity, heard)
        assert refused.value.code == "certifier_not_certified"
        # The revoked key signs a row itself, dated after its revocation: refused.
        row = _forge(
            session,
            staff,
            identity,
            issuer_kind="staff",
            issuer_staff_id=signer.id,
            issuer_generation=signer.identity_generation,
        )
        row.issued_at = row.issued_at + timedelta(seconds=2)
        row.signature = sign_statement(certs.statement_of(row), identity)
        session.flush()
        assert not certs.is_certified(session, staff)


def test_a_certificate_issued_before_its_issuer_was_revoked_stays_valid(app, org) -> None:
    units, boss, _ = org
    subject = make_staff(app, "baru", INV, (units["a"],), certified=False)
    identity = identity_of(app, boss)
    with app_database(app).session() as session:
        signer = session.get(StaffMember, boss.id)
        staff, heard = _heard(session, subject.id)
        row = certs.certify_by_handler(session, staff, signer, identity, heard)
        certs.revoke(session, signer, "deactivated")
        assert certs.is_certified(session, staff)
        assert certs.certificate_valid_at(session, staff.id, staff.identity_generation, utcnow())
        before = row.issued_at - timedelta(seconds=1)
        assert not certs.certificate_valid_at(session, staff.id, staff.identity_generation, before)
        certs.revoke(session, staff, "password_reset")
        assert not certs.is_certified(session, staff)
        later = utcnow() + timedelta(seconds=1)
        assert not certs.certificate_valid_at(session, staff.id, staff.identity_generation, later)
        # At its issue, before the revocation: an entry signed then stays valid.
        assert certs.certificate_valid_at(
            session, staff.id, staff.identity_generation, row.issued_at
        )


def test_a_certificate_counts_only_for_the_account_as_certified(app, org) -> None:
    units, _boss, inv_a = org
    with app_database(app).session() as session:
        staff = session.get(StaffMember, inv_a.id)
        assert certs.is_certified(session, staff)
        staff.role = SUP  # widened behind the service's back: the certificate no longer matches
        assert not certs.is_certified(session, staff)
        staff.role = INV
        assert certs.is_certified(session, staff)
        staff.units = [*staff.units, session.get(type(staff.units[0]), units["b"])]
        assert not certs.is_certified(session, staff)
        session.rollback()


def test_an_older_root_counts_for_what_it_signed_while_current(app, org) -> None:
    """After a rotation, generation 1's certificates stay; one it "signs" later does not count."""
    units, _boss, inv_a = org
    opened = open_test_root(app)
    later = make_staff(app, "baru", INV, (units["b"],), certified=False)
    with app_database(app).session() as session:
        rotation.start(session, opened, list(CUSTODIANS))
        assert root.current_root(session).generation == 2
        assert certs.is_certified(session, session.get(StaffMember, inv_a.id))
        staff = session.get(StaffMember, later.id)
        # The old seed signs after the rotation, the row back-dated to before it, and even
        # with a link (as if the application had issued it): its link comes too late.
        row = _forge(session, staff, opened.identity, issuer_kind="root", issuer_root_generation=1)
        row.issued_at = session.get(TrustRoot, 1).created_at.replace(microsecond=0)
        row.signature = sign_statement(certs.statement_of(row), opened.identity)
        session.flush()
        anchors.record_certificate(session, row)
        assert not certs.is_certified(session, staff)
        # The custodians of the old root cannot certify through the service either.
        with pytest.raises(DecryptionError):
            certs.certify_by_root(
                session, staff, opened, certificate_fingerprint(staff.identity_public)
            )
        session.rollback()
