"""The custodians' commands, as an operator types them: prompts, printed shares, confirmation."""

from __future__ import annotations

import logging
import re

from sqlalchemy import func, select

from tests.support.reporter import Report, submit_report
from tests.support.staff import make_staff
from tests.support.trust import ceremony_shares
from wbs_app.db import app_database
from wbs_app.models import AuditEvent, KeyWrap, RecipientKind, StaffMember, TrustRoot
from wbs_app.services.trust import certificates, root

NAMES = (
    "Andi Mappaselle\nKepala Kantor Wilayah\nNurhayati\nKepala Divisi\nYusuf Tahir\nInspektorat\n"
)
SHARE_LINE = re.compile(r"^  ((?:[a-z]+ ){19,32}[a-z]+)$", re.M)


def _details(app) -> str:
    with app_database(app).session() as session:
        return " | ".join(
            f"{a} {d}" for a, d in session.execute(select(AuditEvent.action, AuditEvent.detail))
        )


def test_the_ceremony_prints_each_share_once_and_keeps_only_the_public_root(app, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    runner = app.test_cli_runner()
    unconfirmed = runner.invoke(args=["wbs", "custodian-ceremony"], input=NAMES + "no\n")
    assert unconfirmed.exit_code != 0 and "nothing was kept" in unconfirmed.output
    with app_database(app).session() as session:
        assert session.scalar(select(func.count()).select_from(TrustRoot)) == 0

    result = runner.invoke(args=["wbs", "custodian-ceremony"], input=NAMES + "YES\n")
    assert result.exit_code == 0, result.output
    shares = SHARE_LINE.findall(result.output)
    assert len(shares) == 3 and len(set(shares)) == 3
    for share in shares:
        assert result.output.count(share) == 1  # printed once
    assert "Share 2 of 3 (any 2 of them open the root)" in result.output
    assert "Custodian: Nurhayati, Kepala Divisi" in result.output
    assert "Write these words on paper" in result.output
    with app_database(app).session() as session:
        opened = root.open_root(session, [shares[2], shares[0]])
        assert opened.identity.public().to_bytes() == session.get_one(TrustRoot, 1).public
    details = _details(app)
    assert "custodian_ceremony 2 of 3: Andi Mappaselle; Nurhayati; Yusuf Tahir" in details
    again = runner.invoke(args=["wbs", "custodian-ceremony"], input=NAMES + "YES\n")
    assert again.exit_code != 0 and "root_exists" in again.output
    for share in shares:
        assert share not in caplog.text and share not in details
        assert share.split()[5] + " " + share.split()[6] not in details


def test_regrant_and_a_new_recovery_key_from_the_command_line(app, org, reporter, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    shares = ceremony_shares(app)
    submit_report(reporter, Report(unit=org.units["a"]))
    submit_report(reporter, Report(unit=org.units["a"]))
    runner = app.test_cli_runner()
    typed = f"{shares[0]}\n{shares[1]}\n"
    # Shares are never accepted as arguments, only at the prompt.
    refused = runner.invoke(
        args=["wbs", "recovery", "regrant", "--to", "sitti@kanwil.example", "--case", "1"],
        input=f"{shares[0]}\nacid acid\n",
    )
    assert refused.exit_code != 0 and "shares_refused" in refused.output
    given = runner.invoke(
        args=["wbs", "recovery", "regrant", "--to", "sitti@kanwil.example", "--case", "1"],
        input=typed,
    )
    assert given.exit_code == 0, given.output
    assert "given back to Sitti: 1 cases" in given.output
    assert shares[0] not in given.output  # the prompt does not echo

    no_workers = runner.invoke(args=["wbs", "recovery", "new-key", "--workers", "0"])
    assert no_workers.exit_code == 2 and "--workers" in no_workers.output  # before any prompt
    moved = runner.invoke(
        args=["wbs", "recovery", "new-key", "--batch", "1", "--workers", "2"],
        input=typed + NAMES + "YES\n",
    )
    assert moved.exit_code == 0, moved.output
    new_shares = SHARE_LINE.findall(moved.output)
    assert len(new_shares) == 3
    assert "recovery key 1 -> 2: 4 wraps moved, the old ones deleted" in moved.output
    with app_database(app).session() as session:
        generations = session.scalars(
            select(KeyWrap.identity_generation).where(
                KeyWrap.recipient_kind == RecipientKind.RECOVERY
            )
        ).all()
        assert sorted(generations) == [2, 2, 2, 2]
        root.open_root(session, new_shares[1:])
    resumed = runner.invoke(args=["wbs", "recovery", "resume"], input=typed)
    assert resumed.exit_code != 0 and "no_rotation" in resumed.output
    for share in [*shares, *new_shares]:
        assert share not in caplog.text and share not in _details(app)


def test_certify_from_the_command_line(app, org) -> None:
    shares = ceremony_shares(app)
    late = make_staff(app, "dewi", unit_ids=(org.units["a"],), certified=False)
    with app_database(app).session() as session:
        heard = certificates.fingerprint_of(session.get_one(StaffMember, late.id))
    runner = app.test_cli_runner()
    args = ["wbs", "recovery", "certify", "--email", "dewi@kanwil.example"]
    wrong = runner.invoke(args=args, input=f"{shares[0]}\n{shares[2]}\n0000 0000\n")
    assert wrong.exit_code != 0 and "fingerprint_mismatch" in wrong.output
    done = runner.invoke(args=args, input=f"{shares[0]}\n{shares[2]}\n{heard}\n")
    assert done.exit_code == 0 and "certified by the custodians: Dewi" in done.output
    with app_database(app).session() as session:
        assert certificates.is_certified(session, session.get_one(StaffMember, late.id))
