"""A recovery wrap that does not open no longer stops a rotation for good (finding 6a).

A damaged ``key_wraps`` row of kind recovery (or one a database writer put
there) made every batch of a rotation fail on the same row, and while a
rotation is pending every recovery action is refused. Now the row is
recorded, the rotation finishes, and the operator and the audit log learn
which key did not move (its id, nothing secret).
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.support.console import hold_new_key
from tests.support.reporter import Report, submit_report
from tests.support.staff import make_staff
from tests.support.trust import ceremony_shares, open_test_root
from wbs_app.db import app_database
from wbs_app.models import AuditEvent, KeyWrap, RecipientKind, RootRotation, StaffMember
from wbs_app.services.trust import certificates, rotation
from wbs_app.services.trust.root import CustodianName


def _damage_one_recovery_wrap(app) -> int:
    """A plain UPDATE of one recovery wrap's bytes; returns its audience key id."""
    with app_database(app).session() as session:
        wraps = session.scalars(
            select(KeyWrap)
            .where(KeyWrap.recipient_kind == RecipientKind.RECOVERY)
            .order_by(KeyWrap.audience_key_id)
        ).all()
        damaged = wraps[1]
        damaged.wrapped = bytes(len(damaged.wrapped))
        session.commit()
        return damaged.audience_key_id


def _recovery_generations(app) -> list[int]:
    with app_database(app).session() as session:
        return sorted(
            session.scalars(
                select(KeyWrap.identity_generation).where(
                    KeyWrap.recipient_kind == RecipientKind.RECOVERY
                )
            )
        )


def _finished_detail(app) -> str:
    with app_database(app).session() as session:
        return session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "recovery_key_rotation_finished")
        ).one()


def _certify_with(app, shares: list[str], login) -> None:
    """A recovery action (certify, with the new shares) works again after the rotation."""
    with app_database(app).session() as session:
        heard = certificates.fingerprint_of(session.get_one(StaffMember, login.id))
    done = app.test_cli_runner().invoke(
        args=["wbs", "recovery", "certify", "--email", "dewi@kanwil.example"],
        input=f"{shares[0]}\n{shares[2]}\n{heard}\n",
    )
    assert done.exit_code == 0, done.output
    with app_database(app).session() as session:
        assert certificates.is_certified(session, session.get_one(StaffMember, login.id))


@pytest.mark.parametrize("workers", ["1", "2"])
def test_new_key_moves_every_other_wrap_and_names_the_one_that_did_not_open(
    app, org, reporter, console, workers
) -> None:
    old = ceremony_shares(app)
    submit_report(reporter, Report(unit=org.units["a"]))
    submit_report(reporter, Report(unit=org.units["a"]))  # four recovery wraps in all
    dewi = make_staff(app, "dewi", unit_ids=(org.units["a"],), certified=False)
    damaged = _damage_one_recovery_wrap(app)
    moved = console("recovery", "new-key", "--batch", "2", "--workers", workers)
    new = hold_new_key(moved, old[:2])
    assert moved.finish() == 0, moved.text
    assert "Kunci pemulihan 1 → 2: 3 bungkus kunci dipindahkan, yang lama dihapus" in moved.text
    assert f"(kunci audiens {damaged})" in moved.text
    assert _recovery_generations(app) == [2, 2, 2]
    assert f"1 did not open (keys {damaged})" in _finished_detail(app)
    resumed = app.test_cli_runner().invoke(
        args=["wbs", "recovery", "resume"], input=f"{old[0]}\n{old[1]}\n"
    )
    assert resumed.exit_code != 0 and "no_rotation" in resumed.output
    _certify_with(app, new, dewi)


def test_an_interrupted_rotation_stuck_on_a_damaged_wrap_resumes_and_finishes(
    app, org, reporter
) -> None:
    old = ceremony_shares(app)
    submit_report(reporter, Report(unit=org.units["a"]))
    dewi = make_staff(app, "dewi", unit_ids=(org.units["a"],), certified=False)
    damaged = _damage_one_recovery_wrap(app)
    custodians = (CustodianName("A", "x"), CustodianName("B", "y"), CustodianName("C", "z"))
    with app_database(app).session() as session:
        new = [s.words for s in rotation.start(session, open_test_root(app), custodians)]
        session.commit()  # the operator's new-key stopped after the shares were printed
    resumed = app.test_cli_runner().invoke(
        args=["wbs", "recovery", "resume", "--workers", "2"], input=f"{old[1]}\n{old[2]}\n"
    )
    assert resumed.exit_code == 0, resumed.output
    assert "Kunci pemulihan 1 → 2: 1 bungkus kunci dipindahkan" in resumed.output
    assert f"(kunci audiens {damaged})" in resumed.output
    with app_database(app).session() as session:
        assert session.scalar(select(RootRotation.finished_at)) is not None
    assert _recovery_generations(app) == [2]
    _certify_with(app, new, dewi)
