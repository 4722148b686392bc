"""The custodians' commands, as an operator types them: prompts, printed shares, confirmation."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import func, select

from tests.support.console import Console
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
WORD = re.compile(r"(\d+)\. ([a-z]+)")
WIPE = "\x1b[2J\x1b[1;1H\x1b[3J"  # click.clear, then the scrollback


def _details(app) -> str:
    with app_database(app).session() as session:
        return " | ".join(
            f"{a} {d}" for a, d in session.execute(select(AuditEvent.action, AuditEvent.detail))
        )


@pytest.fixture
def console(app, instance_path) -> Iterator[Callable[..., Console]]:
    """Start commands on a terminal; whatever still runs at the end is stopped."""
    started: list[Console] = []

    def start(*args: str) -> Console:
        started.append(Console(app, instance_path, *args))
        return started[-1]

    yield start
    for each in started:
        each.close()


def _custodians_named(console: Console) -> None:
    for line in NAMES.splitlines():
        console.expect(r"Kustodian \d: (nama lengkap|jabatan)")
        console.type(line)


def _take_share(console: Console, mistype: bool = False) -> str:
    """The share on the screen, written down and typed back as its custodian would."""
    console.expect(r"Sekarang hanya .+ yang boleh melihat layar")
    console.press_a_key()
    shown = console.expect(
        r"Tulis kata-kata ini di kertas[^\n]*\n(?P<grid>(?:.*\n)+?).*Dari kertas Anda, ketik "
        r"kata nomor (?P<a>\d+) dan kata nomor (?P<b>\d+)"
    )
    words = dict(WORD.findall(shown["grid"]))
    share = " ".join(words[str(n)] for n in range(1, len(words) + 1))
    a, b = words[shown["a"]], words[shown["b"]]
    if mistype:
        console.type(f"{b} {a}")
        console.expect(r"tidak cocok dengan bagian ini")
        again = console.expect(r"ketik kata nomor (\d+) dan kata nomor (\d+)")
        a, b = words[again[1]], words[again[2]]
    console.type(f"{a} {b}")
    return share


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
    _custodians_named(unconfirmed)
    for _number in range(3):
        _take_share(unconfirmed)
    unconfirmed.expect(r"Ketik YA bila setiap bagian sudah ditulis di kertas")
    unconfirmed.type("belum")
    assert unconfirmed.finish() != 0 and "tidak ada yang disimpan" in unconfirmed.text
    with app_database(app).session() as session:
        assert session.scalar(select(func.count()).select_from(TrustRoot)) == 0

    ceremony = console("custodian-ceremony")
    _custodians_named(ceremony)
    shares = [_take_share(ceremony, mistype=number == 1) for number in range(3)]
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
    _custodians_named(moved)
    new_shares = [_take_share(moved) for _number in range(3)]
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
