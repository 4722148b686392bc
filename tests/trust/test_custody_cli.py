"""The custodians' commands, as an operator types them: prompts, printed shares, confirmation."""

from __future__ import annotations

import logging

from sqlalchemy import func, select

from tests.support.console import NAMES, SHARE_LINE, WORD, name_custodians, take_share
from tests.support.reporter import Report, submit_report
from tests.support.staff import make_staff
from tests.support.trust import ceremony_shares
from wbs_app.db import app_database
from wbs_app.models import AuditEvent, KeyWrap, RecipientKind, StaffMember, TrustRoot
from wbs_app.services.trust import certificates, root

WIPE = "\x1b[2J\x1b[1;1H\x1b[3J"  # click.clear, then the scrollback


def _details(app) -> str:
    with app_database(app).session() as session:
        return " | ".join(
            f"{a} {d}" for a, d in session.execute(select(AuditEvent.action, AuditEvent.detail))
        )


def test_the_ceremony_refuses_a_pipe_and_shows_no_share(app) -> None:
    runner = app.test_cli_runner()
    piped = runner.invoke(args=["wbs", "custodian-ceremony"], input=NAMES + "YA\n")
    assert piped.exit_code != 0
    assert "Bagian hanya ditampilkan di terminal" in piped.output
    assert "Kustodian 1" not in piped.output  # refused before anything is asked
    assert not SHARE_LINE.search(piped.output) and not WORD.search(piped.output)
    english = runner.invoke(args=["wbs", "custodian-ceremony", "--lang", "en"], input=NAMES)
    assert "Shares are shown only on a terminal" in english.output
    for command in (["recovery", "resplit"], ["recovery", "new-key"]):
        refused = runner.invoke(args=["wbs", *command], input="a\nb\n")
        assert refused.exit_code != 0 and "hanya ditampilkan di terminal" in refused.output
    with app_database(app).session() as session:
        assert session.scalar(select(func.count()).select_from(TrustRoot)) == 0


def test_the_ceremony_on_a_console_hands_each_share_to_its_custodian_alone(app, console) -> None:
    unconfirmed = console("custodian-ceremony")
    name_custodians(unconfirmed)
    for _number in range(3):
        take_share(unconfirmed)
    unconfirmed.expect(r"Ketik YA bila setiap bagian sudah ditulis di kertas")
    unconfirmed.type("belum")
    assert unconfirmed.finish() != 0 and "tidak ada yang disimpan" in unconfirmed.text
    with app_database(app).session() as session:
        assert session.scalar(select(func.count()).select_from(TrustRoot)) == 0

    ceremony = console("custodian-ceremony")
    name_custodians(ceremony)
    shares = [take_share(ceremony, mistype=number == 1) for number in range(3)]
    ceremony.expect(r"Ketik YA")
    ceremony.type("ya")
    assert ceremony.finish() == 0, ceremony.text
    assert "Disimpan: akar publik dan nama para kustodian" in ceremony.text
    assert len(set(shares)) == 3 and all(len(share.split()) == 33 for share in shares)
    screen = ceremony.text
    warning = screen.index("Sebelum bagian pertama: layar ini tidak boleh direkam")
    assert "tmux" in screen and warning < screen.index("Bagian 1 dari 3")
    assert "Bagian 2 dari 3 (2 bagian mana pun membuka akar)" in screen
    assert "Kustodian: Nurhayati, Kepala Divisi" in screen
    # Each share is followed by a wipe of the screen and of the scrollback.
    for share in shares:
        after = screen.split(share.split()[10])[-1]
        assert WIPE in after
    assert screen.count(WIPE) >= 6  # before and after each share
    with app_database(app).session() as session:
        opened = root.open_root(session, [shares[2], shares[0]])
        assert opened.identity.public().to_bytes() == session.get_one(TrustRoot, 1).public
    details = _details(app)
    assert "custodian_ceremony 2/3: Andi Mappaselle; Nurhayati; Yusuf Tahir" in details
    again = app.test_cli_runner().invoke(args=["wbs", "custodian-ceremony"], input=NAMES)
    assert again.exit_code != 0 and "hanya ditampilkan di terminal" in again.output
    for share in shares:
        assert share not in details
        assert share.split()[5] + " " + share.split()[6] not in details


def test_regrant_and_a_new_recovery_key_from_the_command_line(
    app, org, reporter, console, caplog
) -> None:
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
    assert "Diberikan kembali kepada Sitti: 1 kasus" in given.output
    assert shares[0] not in given.output  # the prompt does not echo

    no_workers = runner.invoke(args=["wbs", "recovery", "new-key", "--workers", "0"])
    assert no_workers.exit_code == 2 and "--workers" in no_workers.output  # before any prompt
    moved = console("recovery", "new-key", "--batch", "1", "--workers", "2")
    for share in shares[:2]:
        moved.expect(r"Bagian kustodian ke-\d dari 2")
        moved.type(share)
    name_custodians(moved)
    new_shares = [take_share(moved) for _number in range(3)]
    moved.expect(r"Ketik YA")
    moved.type("YA")
    assert moved.finish() == 0, moved.text
    assert "Kunci pemulihan 1 → 2: 4 bungkus kunci dipindahkan, yang lama dihapus" in moved.text
    assert shares[0] not in moved.text  # typed shares are not echoed
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
    assert done.exit_code == 0 and "Disertifikasi oleh para kustodian: Dewi" in done.output
    english = runner.invoke(
        args=[*args, "--lang", "en"], input=f"{shares[0]}\n{shares[2]}\n{heard}\n"
    )
    assert "Fingerprint the handler reads out" in english.output
    with app_database(app).session() as session:
        assert certificates.is_certified(session, session.get_one(StaffMember, late.id))
