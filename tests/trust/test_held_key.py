"""The key a handler holds, not the key the database says (issue 17 review, finding 2).

A database writer swaps the public key of an account waiting for
certification. If the person could still sign in and read "their"
fingerprint from the swapped column, they would read out the attacker's
digits and a certifier would certify the attacker's key. The sign-in and
every resumed session compare the key the password unlocks with the stored
one and refuse on a difference; the own-key page computes the fingerprint
from the key in the session.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from crypto import Identity
from crypto.certificates import certificate_fingerprint
from tests.support.http import https_client
from tests.support.staff import identity_of, make_staff, make_units, sign_in, signed_in
from tests.support.trust import FINGERPRINT_RE, certify_on_page, own_fingerprint
from wbs_app.db import app_database
from wbs_app.models import AuditEvent, StaffIdentity, StaffMember, StaffRole
from wbs_app.services.trust import certificates

REFUSED = "kunci yang dibuka oleh kata sandi Anda"  # part of the Indonesian refusal


@pytest.fixture
def office(app):
    units = make_units(app)
    return {
        "rahman": make_staff(app, "rahman", StaffRole.SUPERVISOR, (units["kanwil"],)),
        "dewi": make_staff(app, "dewi", unit_ids=(units["a"],), certified=False),
    }


def _swap_account_key(app, staff_id: int, public: bytes) -> None:
    """What a database writer does: a plain UPDATE of the account's public key column."""
    with app_database(app).session() as session:
        session.execute(
            update(StaffMember).where(StaffMember.id == staff_id).values(identity_public=public)
        )
        session.commit()


def _swap_recorded_key(app, staff_id: int, public: bytes) -> None:
    with app_database(app).session() as session:
        generation = session.get(StaffMember, staff_id).identity_generation
        session.execute(
            update(StaffIdentity)
            .where(StaffIdentity.staff_id == staff_id, StaffIdentity.generation == generation)
            .values(public=public)
        )
        session.commit()


def _audited(app, staff_id: int) -> list[str]:
    with app_database(app).session() as session:
        return list(
            session.scalars(
                select(AuditEvent.detail).where(
                    AuditEvent.action == "login_key_mismatch",
                    AuditEvent.target_staff_id == staff_id,
                )
            )
        )


def _certified(app, staff_id: int) -> bool:
    with app_database(app).session() as session:
        return certificates.is_certified(session, session.get(StaffMember, staff_id))


def test_a_swapped_key_refuses_the_sign_in_and_the_attackers_digits_certify_nothing(
    app, office
) -> None:
    attacker = Identity.generate().public().to_bytes()
    attackers_digits = certificate_fingerprint(attacker)
    _swap_account_key(app, office["dewi"].id, attacker)

    dewi = https_client(app)
    refused = sign_in(app, dewi, office["dewi"])
    page = refused.get_data(as_text=True)
    assert refused.status_code == 403
    assert REFUSED in page and attackers_digits not in page
    assert _audited(app, office["dewi"].id) == ["sign-in"]
    # No session was started: the own-key page sends the person back to the sign-in.
    own = dewi.get("/staf/pengelola/kunci")
    assert own.status_code == 302 and attackers_digits not in own.get_data(as_text=True)

    # A certifier who somehow heard the attacker's digits certifies nothing:
    # the account's key is not the one recorded for its generation.
    rahman = signed_in(app, office["rahman"])
    listing = rahman.get("/staf/pengelola/sertifikasi").get_data(as_text=True)
    assert attackers_digits not in listing
    attempt = certify_on_page(rahman, office["dewi"].id, attackers_digits)
    assert attempt.status_code == 400
    assert not _certified(app, office["dewi"].id)


def test_a_key_swapped_during_a_session_ends_the_session(app, office) -> None:
    dewi = signed_in(app, office["dewi"])
    held = identity_of(app, office["dewi"]).public().to_bytes()
    assert own_fingerprint(dewi) == certificate_fingerprint(held)
    attacker = Identity.generate().public().to_bytes()
    _swap_account_key(app, office["dewi"].id, attacker)
    own = dewi.get("/staf/pengelola/kunci")
    assert own.status_code == 302 and "/staf/masuk" in own.headers["Location"]
    assert certificate_fingerprint(attacker) not in own.get_data(as_text=True)
    assert _audited(app, office["dewi"].id) == ["session"]
    # The cookie opens nothing any more, even with the column put back.
    _swap_account_key(app, office["dewi"].id, held)
    assert dewi.get("/staf/pengelola/kunci").status_code == 302


def test_a_swapped_generation_record_refuses_the_sign_in(app, office) -> None:
    _swap_recorded_key(app, office["dewi"].id, Identity.generate().public().to_bytes())
    refused = sign_in(app, https_client(app), office["dewi"])
    assert refused.status_code == 403 and REFUSED in refused.get_data(as_text=True)
    assert _audited(app, office["dewi"].id) == ["sign-in"]


def test_the_honest_handler_reads_the_key_it_holds_and_is_certified(app, office) -> None:
    dewi = signed_in(app, office["dewi"])
    own = dewi.get("/staf/pengelola/kunci").get_data(as_text=True)
    heard = FINGERPRINT_RE.search(own).group(1)
    held = identity_of(app, office["dewi"]).public().to_bytes()
    assert heard == certificate_fingerprint(held)
    assert heard in dewi.get("/staf/pengelola/").get_data(as_text=True)
    done = certify_on_page(signed_in(app, office["rahman"]), office["dewi"].id, heard)
    assert done.status_code == 302
    assert _certified(app, office["dewi"].id)
    assert _audited(app, office["dewi"].id) == []
