"""E-mail of notices (issue 19) through a real SMTP server (aiosmtpd) and the worker's command.

Each event reaches the right people and only them; one mail, then none until
the person signs in; digests batch a day's notices; an outage or a server
killed mid-run loses and duplicates nothing; STARTTLS with a login, a refused
address, and no mail configured at all. Every mail sent is scanned for the
case's number, its unit, category, the names and the report's words.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from tests.support.http import https_client
from tests.support.live import free_port
from tests.support.org import build_org
from tests.support.reporter import Report, csrf_from, open_case, reply, submit_report
from tests.support.smtp import HOST, MailServer, MailServerProcess, Options, make_certificate
from tests.support.staff import make_staff, signed_in
from tests.support.worker import jobs, run_worker
from wbs_app.db import app_database
from wbs_app.models import (
    Case,
    Category,
    MailState,
    NoticeKind,
    StaffMember,
    StaffNotice,
    StaffRole,
    StaffStatus,
    Unit,
)
from wbs_app.services.infra.clock import utcnow

SENDER = "wbs@kanwil.example"
MARKER = "PENANDA-ISI-LAPORAN-7Q"
SITE = "https://wbs.kanwil.example"


@pytest.fixture
def smtp(tmp_path: Path):
    with MailServer(tmp_path / "mail", free_port(HOST)) as server:
        yield server


def mail_settings(port: int, **extra: object) -> dict[str, object]:
    return {
        "MAIL_HOST": HOST,
        "MAIL_PORT": port,
        "MAIL_SECURITY": "none",
        "MAIL_SENDER": SENDER,
        "BASE_URL": SITE,
        **extra,
    }


@pytest.fixture
def app(make_app, smtp):
    return make_app(**mail_settings(smtp.port))


def _once(app, moved_clock=None) -> str:
    """One run of the worker's due jobs, a minute after the last (each job's interval)."""
    if moved_clock is not None:
        moved_clock.advance(minutes=1, seconds=1)
    done = run_worker(app, "--once")
    return done.output


def _to(messages) -> list[str]:
    return sorted(str(message["To"]) for message in messages)


def _assert_says_nothing(messages, app, case_ids: list[int], words: list[str]) -> None:
    """No mail holds a case number, a unit, a category, a name or the report's words."""
    with app_database(app).session() as session:
        people = session.scalars(select(StaffMember)).all()
        cases = session.scalars(select(Case).where(Case.id.in_(case_ids))).all()
        units = [case.unit_id for case in cases]
        unit_names = session.scalars(select(Unit.name).where(Unit.id.in_(units))).all()
        categories = session.scalars(select(Category)).all()
    forbidden = [*words, *unit_names, *(person.display_name for person in people)]
    forbidden += [name for category in categories for name in (category.name_id, category.name_en)]
    for message in messages:
        whole = message.as_string()
        body = message.get_content()
        assert f"{SITE}/staf/masuk" in body
        text = f"{message['Subject']}\n{body}".replace(f"{SITE}/staf/masuk", "")
        for word in forbidden:
            assert word not in whole, f"{word!r} in a mail"
        for number in case_ids:
            assert not re.search(rf"(?<!\d){number}(?!\d)", text), f"case {number} in a mail"
        assert message["From"] == SENDER
        assert message["Auto-Submitted"] == "auto-generated"


def test_each_event_mails_its_people_once_until_they_sign_in_and_says_nothing(
    app, org, reporter, smtp, moved_clock
) -> None:
    receipt = submit_report(reporter, Report(unit=org.units["a"], what=f"{MARKER} pungli loket"))
    with app_database(app).session() as session:
        case_id = session.scalars(select(Case.id)).one()
    _once(app)
    # The unit's own investigator hears of the new report; nobody else.
    assert _to(smtp.messages()) == ["budi@kanwil.example"]
    first = smtp.messages()[0]
    assert first["Subject"] == "Ada pembaruan di Lentera"
    assert "Ada pembaruan di Lentera. Masuk untuk melihatnya:" in first.get_content()

    assert open_case(reporter, receipt).status_code == 302
    reply(reporter, f"{MARKER} bukti tambahan")
    _once(app, moved_clock)
    # Both holders are told in the app; Budi has not signed in since his mail,
    # so he gets no second one; Rahman (holder through supervision) gets his first.
    assert _to(smtp.messages()) == ["budi@kanwil.example", "rahman@kanwil.example"]
    with app_database(app).session() as session:
        states = {
            (row.staff_id, row.kind): row.mail for row in session.scalars(select(StaffNotice))
        }
    assert states[(org.budi.id, NoticeKind.REPORTER_MESSAGE)] is MailState.COVERED

    budi = signed_in(app, org.budi)  # signing in opens the way for the next mail
    assert "Pelapor menulis" in budi.get("/staf/pengelola/").get_data(as_text=True)
    reply(reporter, "satu lagi")
    _once(app, moved_clock)
    assert _to(smtp.messages()) == [
        "budi@kanwil.example",
        "budi@kanwil.example",
        "rahman@kanwil.example",
    ]
    _once(app, moved_clock)
    assert len(smtp.messages()) == 3, "nothing is sent twice"
    _assert_says_nothing(smtp.messages(), app, [case_id], [MARKER, receipt, "pungli"])


def test_the_person_chooses_a_digest_in_english_and_gets_one_mail_a_day(
    app, org, reporter, smtp, moved_clock, moved_totp_clock
) -> None:
    budi = signed_in(app, org.budi)
    page = budi.get("/staf/pengelola/pemberitahuan/surel").get_data(as_text=True)
    assert "E-mail tentang pemberitahuan" in page and "budi@kanwil.example" in page
    bad = budi.post(
        "/staf/pengelola/pemberitahuan/surel",
        data={"csrf_token": csrf_from(page), "mode": "hourly", "language": "en"},
    )
    assert bad.status_code == 400 and "Pilihan tidak tersedia" in bad.get_data(as_text=True)
    saved = budi.post(
        "/staf/pengelola/pemberitahuan/surel",
        data={"csrf_token": csrf_from(page), "mode": "digest", "language": "en"},
        follow_redirects=True,
    )
    assert saved.status_code == 200 and "Pilihan e-mail Anda disimpan" in saved.get_data(
        as_text=True
    )
    # To 05:00 local time (the installation's zone), two hours before the digest.
    local = utcnow().astimezone(ZoneInfo("Asia/Makassar"))
    five = local.replace(hour=5, minute=0, second=0, microsecond=0)
    if five <= local:
        five += timedelta(days=1)
    moved_clock.advance(seconds=(five - local).total_seconds())

    submit_report(reporter, Report(unit=org.units["a"]))
    submit_report(reporter, Report(unit=org.units["a"]))
    _once(app, moved_clock)
    assert smtp.messages() == [], "a digest waits for its hour"
    moved_clock.advance(hours=2)
    _once(app, moved_clock)
    assert _to(smtp.messages()) == ["budi@kanwil.example"]
    digest = smtp.messages()[0]
    assert digest["Subject"] == "Lentera daily digest: there are updates"
    assert "There is an update in Lentera. Sign in to see it:" in digest.get_content()
    assert digest["Content-Language"] == "en"

    signed_in(app, org.budi)
    submit_report(reporter, Report(unit=org.units["a"]))
    _once(app, moved_clock)
    assert len(smtp.messages()) == 1, "one digest a day"
    moved_clock.advance(days=1)
    _once(app, moved_clock)
    assert len(smtp.messages()) == 2, "the next day's digest carries it"


def _handlers_of_unit_a(app, org, count: int) -> None:
    """``count`` more investigators of unit A: each hears of the next report there."""
    for index in range(count):
        make_staff(app, f"petugas{index}", unit_ids=(org.units["a"],))


def test_a_server_killed_mid_run_loses_and_duplicates_nothing(
    make_app, tmp_path, moved_clock
) -> None:
    port = free_port(HOST)
    app = make_app(**mail_settings(port))
    org = build_org(app)
    _handlers_of_unit_a(app, org, 5)
    reporter = https_client(app)
    submit_report(reporter, Report(unit=org.units["a"]))
    expected = {f"petugas{index}@kanwil.example" for index in range(5)} | {"budi@kanwil.example"}
    folder = tmp_path / "mail"
    with MailServerProcess(folder, port, die_on=3) as server:
        output = _once(app)
        assert server.wait_for_death() != 0
    assert "notice_mail: FAILED: failed: MailUnavailable" in output
    accepted = _to(MailServerProcess(folder, port).messages())
    assert len(accepted) == 2, accepted
    with app_database(app).session() as session:
        sent = session.scalars(
            select(StaffMember.email)
            .join(StaffNotice, StaffNotice.staff_id == StaffMember.id)
            .where(StaffNotice.mail == MailState.SENT)
        ).all()
    assert sorted(sent) == accepted, "what the server took is marked; nothing else is"

    # Back up: the worker waits out its backoff (two minutes after one failure),
    # then mails the rest, once each.
    with MailServerProcess(folder, port) as server:
        moved_clock.advance(minutes=1, seconds=1)
        assert "notice_mail" not in run_worker(app, "--once").output
        moved_clock.advance(minutes=1, seconds=1)
        _once(app)
        _once(app, moved_clock)
        received = _to(server.messages())
    assert sorted(received) == sorted(expected), "everyone once, nobody twice"
    assert jobs(app)["notice_mail"].last_ok is True


def test_a_server_that_is_away_backs_off_and_keeps_every_notice(make_app, moved_clock) -> None:
    app = make_app(**mail_settings(free_port(HOST)))  # nothing listens there
    org = build_org(app)
    reporter = https_client(app)
    submit_report(reporter, Report(unit=org.units["a"]))
    waits = []
    for _ in range(3):
        started = utcnow()
        output = _once(app)
        assert "notice_mail: FAILED: failed: MailUnavailable" in output
        waits.append(round((jobs(app)["notice_mail"].next_due_at - started).total_seconds() / 60))
        moved_clock.advance(
            seconds=(jobs(app)["notice_mail"].next_due_at - utcnow()).total_seconds() + 1
        )
    assert waits == [2, 4, 8], "each failure doubles the wait"
    with app_database(app).session() as session:
        states = session.scalars(select(StaffNotice.mail)).all()
    assert states == [MailState.PENDING], "nothing is lost while the server is away"


def test_starttls_with_a_login_is_used_and_never_skipped(make_app, tmp_path, moved_clock) -> None:
    cert, key = make_certificate(tmp_path)
    options = Options("starttls", cert, key, "lentera", "sandi-relay-kantor")
    port = free_port(HOST)
    with MailServer(tmp_path / "tls-mail", port, options) as server:
        wrong_ca = make_app(
            **mail_settings(port, MAIL_SECURITY="starttls", MAIL_USERNAME="lentera"),
            MAIL_PASSWORD="sandi-relay-kantor",
        )
        org = build_org(wrong_ca)
        reporter = https_client(wrong_ca)
        submit_report(reporter, Report(unit=org.units["a"]))
        # The system's store does not know the office's certificate: no mail, kept.
        assert "MailUnavailable" in _once(wrong_ca)
        assert server.messages() == []
        right = make_app(
            **mail_settings(port, MAIL_SECURITY="starttls", MAIL_USERNAME="lentera"),
            MAIL_PASSWORD="sandi-relay-kantor",
            MAIL_CA_FILE=str(cert),
        )
        moved_clock.advance(minutes=3)
        _once(right)
        assert _to(server.messages()) == ["budi@kanwil.example"]


def test_starttls_refused_by_the_server_sends_nothing_in_clear(make_app, smtp, moved_clock) -> None:
    app = make_app(**mail_settings(smtp.port, MAIL_SECURITY="starttls"))
    org = build_org(app)
    reporter = https_client(app)
    submit_report(reporter, Report(unit=org.units["a"]))
    assert "MailUnavailable" in _once(app)
    assert smtp.messages() == [], "a server without STARTTLS gets no mail at all"


def test_an_address_refused_every_time_is_given_up_and_the_others_are_mailed(
    make_app, tmp_path, moved_clock
) -> None:
    port = free_port(HOST)
    options = Options(refuse=frozenset({"budi@kanwil.example"}))
    with MailServer(tmp_path / "mail", port, options) as server:
        app = make_app(**mail_settings(port, MAIL_MAX_ATTEMPTS=2))
        org = build_org(app)
        make_staff(app, "dewi", unit_ids=(org.units["a"],))
        reporter = https_client(app)
        submit_report(reporter, Report(unit=org.units["a"]))
        _once(app)
        _once(app, moved_clock)
        _once(app, moved_clock)
        assert _to(server.messages()) == ["dewi@kanwil.example"]
    with app_database(app).session() as session:
        budi = session.scalars(select(StaffNotice).where(StaffNotice.staff_id == org.budi.id)).one()
    assert (budi.mail, budi.mail_attempts) == (MailState.FAILED, 2)
    assert budi.read is False, "still in the app"


def test_no_mail_server_means_notices_in_the_app_only(make_app) -> None:
    app = make_app()
    org = build_org(app)
    reporter = https_client(app)
    submit_report(reporter, Report(unit=org.units["a"]))
    _once(app)
    with app_database(app).session() as session:
        assert session.scalars(select(StaffNotice.mail)).all() == [MailState.COVERED]
    budi = signed_in(app, org.budi)
    page = budi.get("/staf/pengelola/pemberitahuan/surel").get_data(as_text=True)
    assert "tidak mengirim e-mail" in page
    assert "Laporan baru" in budi.get("/staf/pengelola/").get_data(as_text=True)


def test_administrators_and_deactivated_handlers_get_no_mail(app, org, reporter, smtp) -> None:
    make_staff(app, "admin", StaffRole.ADMIN)
    dewi = make_staff(app, "dewi", unit_ids=(org.units["a"],))
    submit_report(reporter, Report(unit=org.units["a"]))
    with app_database(app).session() as session:
        session.get(StaffMember, dewi.id).status = StaffStatus.DEACTIVATED
        session.commit()
    _once(app)
    assert _to(smtp.messages()) == ["budi@kanwil.example"]


def test_a_handler_whose_access_was_revoked_before_the_mail_gets_none(
    app, org, reporter, smtp
) -> None:
    submit_report(reporter, Report(unit=org.units["a"]))
    with app_database(app).session() as session:
        case_id = session.scalars(select(Case.id)).one()
    rahman = signed_in(app, org.rahman)
    page = rahman.get(f"/staf/pengelola/kasus/{case_id}").get_data(as_text=True)
    revoked = rahman.post(
        f"/staf/pengelola/kasus/{case_id}/akses/cabut",
        data={"csrf_token": csrf_from(page), "staff_id": str(org.budi.id)},
    )
    assert revoked.status_code == 302
    _once(app)
    assert smtp.messages() == [], "a notice of a case no longer held is worth no mail"
    with app_database(app).session() as session:
        assert session.scalars(select(StaffNotice.mail)).all() == [MailState.COVERED]


def test_one_address_deferred_holds_up_nobody_and_is_mailed_later(
    make_app, tmp_path, moved_clock
) -> None:
    port = free_port(HOST)
    app = make_app(**mail_settings(port))
    org = build_org(app)
    make_staff(app, "dewi", unit_ids=(org.units["a"],))
    reporter = https_client(app)
    submit_report(reporter, Report(unit=org.units["a"]))
    full = Options(defer=frozenset({"budi@kanwil.example"}))  # his mailbox is full today
    with MailServer(tmp_path / "mail", port, full) as server:
        output = _once(app)
        assert "notice_mail: done: outbox looked at" in output, "a full mailbox is no outage"
        assert _to(server.messages()) == ["dewi@kanwil.example"]
    with MailServer(tmp_path / "mail", port) as server:
        _once(app, moved_clock)
        assert _to(server.messages()) == ["budi@kanwil.example", "dewi@kanwil.example"]
    assert not re.search(r"\d", output.split("notice_mail:")[1].splitlines()[0]), "no count"


def test_a_relay_refusing_every_address_backs_off_and_gives_nobody_up(
    make_app, tmp_path, moved_clock
) -> None:
    port = free_port(HOST)
    app = make_app(**mail_settings(port, MAIL_MAX_ATTEMPTS=1))
    org = build_org(app)
    make_staff(app, "dewi", unit_ids=(org.units["a"],))
    submit_report(https_client(app), Report(unit=org.units["a"]))
    everyone = frozenset({"budi@kanwil.example", "dewi@kanwil.example"})
    with MailServer(tmp_path / "mail", port, Options(refuse=everyone)):
        assert "notice_mail: FAILED: failed: MailUnavailable" in _once(app)
    with app_database(app).session() as session:
        rows = session.scalars(select(StaffNotice)).all()
    assert {(row.mail, row.mail_attempts) for row in rows} == {(MailState.PENDING, 0)}


def test_implicit_tls_is_checked_against_the_offices_certificate(
    make_app, tmp_path, moved_clock
) -> None:
    cert, key = make_certificate(tmp_path)
    port = free_port(HOST)
    with MailServer(tmp_path / "tls-mail", port, Options("tls", cert, key)) as server:
        app = make_app(**mail_settings(port, MAIL_SECURITY="tls", MAIL_CA_FILE=str(cert)))
        org = build_org(app)
        submit_report(https_client(app), Report(unit=org.units["a"]))
        _once(app)
        assert _to(server.messages()) == ["budi@kanwil.example"]


def test_a_batch_a_crashed_worker_left_claimed_is_never_sent_again(
    app, org, reporter, smtp
) -> None:
    submit_report(reporter, Report(unit=org.units["a"]))
    with app_database(app).session() as session:
        # As a worker killed between claiming a batch and settling it leaves it:
        # the mail may have gone.
        session.execute(update(StaffNotice).values(mail=MailState.SENDING))
        session.execute(update(StaffMember).values(mail_awaiting_sign_in=True))
        session.commit()
    _once(app)
    assert smtp.messages() == [], "a mail that may have gone is not sent twice"
    with app_database(app).session() as session:
        assert session.scalars(select(StaffNotice.mail)).all() == [MailState.SENT]
    budi = signed_in(app, org.budi)
    assert "Laporan baru" in budi.get("/staf/pengelola/").get_data(as_text=True), "still here"
