"""Notices by e-mail: 1,000 events to 200 handlers through the outbox, against bare smtplib.

Both sides send to the same local SMTP server (aiosmtpd, the tests' own:
``tests.support.smtp``, in a process of its own so that its work does not
share this one's interpreter lock), one connection per round. The outbox side is what
events and the worker do: each event writes its ``StaffNotice`` row
(``staff_notices.notify``, an insert flushed in the event's transaction; the
events' own commits, made with or without a notice, count once per round),
then the worker's ``notice_mail.deliver`` reads the outbox, sends one mail per
person and commits the marks (every 50 mails or half a second). Between
rounds everyone signs in (``notice_mail.signed_in``), so each of the five
rounds mails all 200: 1,000 mails in all. The bare side sends the same 1,000
mails with the email package and ``smtplib.SMTP.send_message`` and nothing
else, each message built in the loop as the outbox builds its own (the same
headers and body). Rounds alternate. The last line is bare time over outbox
time (DESIGN.md section 6 target: at least 0.8). SQLite by default, or
WBS_BENCH_DATABASE_URL.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import smtplib
import time
from datetime import UTC, date, datetime
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

from sqlalchemy import insert, select, update

from bench.rewrap import _app, case_row
from bench.support import scratch_dir

SIGN_IN = "https://wbs.example/staf/masuk"


def _body() -> str:
    from wbs_app.services.staff.notice_mail import TEXTS

    return TEXTS["id"].body.format(sign_in=SIGN_IN)


def _people(app: Any, count: int) -> int:
    """``count`` active investigators holding one case; returns the case id."""
    from wbs_app.db import app_database
    from wbs_app.models import (
        Audience,
        AudienceKey,
        Case,
        Category,
        KeyWrap,
        RecipientKind,
        StaffMember,
        StaffRole,
        StaffStatus,
        Unit,
    )

    day = date(2026, 12, 1)
    with app_database(app).session() as session:
        session.execute(
            insert(StaffMember),
            [
                {
                    "username": f"petugas{i}",
                    "email": f"petugas{i}@kanwil.example",
                    "display_name": f"Petugas {i}",
                    "role": StaffRole.INVESTIGATOR,
                    "status": StaffStatus.ACTIVE,
                    "created_at": datetime.now(UTC),
                }
                for i in range(count)
            ],
        )
        session.execute(
            insert(Case),
            [
                case_row(
                    1,
                    secrets.token_hex(16),
                    session.scalars(select(Unit.id)).first(),
                    session.scalars(select(Category.id)).first(),
                    day,
                )
            ],
        )
        # Each holds the case (a wrap to their key), as a notice's person does:
        # the outbox mails only people who can open what they are told of.
        session.execute(
            insert(AudienceKey), [{"id": 1, "case_id": 1, "audience": Audience.INTERNAL}]
        )
        staff_ids = session.scalars(select(StaffMember.id)).all()
        session.execute(
            insert(KeyWrap),
            [
                {
                    "audience_key_id": 1,
                    "case_id": 1,
                    "recipient_kind": RecipientKind.STAFF,
                    "staff_id": staff_id,
                    "identity_generation": 0,
                    "wrapped": secrets.token_bytes(64),
                }
                for staff_id in staff_ids
            ],
        )
        session.commit()
    return 1


def _outbox_round(app: Any, mail: Any, case_id: int) -> float:
    """One event per person, each in its own commit, then one worker delivery; seconds."""
    from wbs_app.db import app_database
    from wbs_app.models import Case, NoticeKind, StaffMember
    from wbs_app.services.cases import staff_notices
    from wbs_app.services.staff import notice_mail

    database = app_database(app)
    with database.session() as session:
        session.execute(update(StaffMember).values(mail_awaiting_sign_in=False))
        session.commit()
        people = session.scalars(select(StaffMember).order_by(StaffMember.id)).all()
        case = session.get(Case, case_id)
        assert case is not None
        start = time.perf_counter()
        for person in people:  # as each event writes it: a flush in the event's transaction
            staff_notices.notify(session, [person], case, NoticeKind.REPORTER_MESSAGE)
            session.flush()
        session.commit()  # the events' own commits, which happen with or without notices
        done = notice_mail.deliver(session, mail, SIGN_IN, datetime.now(UTC))
        elapsed = time.perf_counter() - start
    if done.sent != len(people):
        raise RuntimeError(f"the outbox sent {done.sent} of {len(people)}")
    return elapsed


def _bare_round(app: Any, mail: Any) -> float:
    """The same mails with the email package and smtplib alone, over one connection; seconds."""
    from wbs_app.db import app_database
    from wbs_app.models import StaffMember

    with app_database(app).session() as session:
        addresses = session.scalars(select(StaffMember.email).order_by(StaffMember.id)).all()
    body = _body()
    start = time.perf_counter()
    with smtplib.SMTP(mail.host, mail.port, timeout=30) as smtp:
        for index, address in enumerate(addresses):
            message = EmailMessage()
            message["From"] = mail.sender
            message["To"] = address
            message["Subject"] = "Ada pembaruan di Lentera"
            message["Date"] = formatdate(usegmt=True)
            message["Message-ID"] = f"<bare-{index}@kanwil.example>"
            message["Auto-Submitted"] = "auto-generated"
            message.set_content(body)
            message["Content-Language"] = "id"
            smtp.send_message(message)
    return time.perf_counter() - start


def measure(people: int, rounds: int, database_url: str) -> dict[str, float]:
    from tests.support.live import free_port
    from tests.support.smtp import HOST, MailServerProcess
    from wbs_app.services.infra.mail import MailSettings

    scratch = scratch_dir("lentera-bench-notify-")
    try:
        app = _app(scratch / "instance", database_url)
        case_id = _people(app, people)
        port = free_port(HOST)
        mail = MailSettings(host=HOST, port=port, security="none", sender="wbs@kanwil.example")
        outbox, bare = [], []
        with MailServerProcess(scratch / "mail", port) as server:
            for _ in range(rounds):
                outbox.append(_outbox_round(app, mail, case_id))
                bare.append(_bare_round(app, mail))
            received = len(server.messages())
        if received != 2 * rounds * people:
            raise RuntimeError(f"the server took {received} of {2 * rounds * people} mails")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return {
        "outbox": sum(outbox),
        "bare": sum(bare),
        "best_outbox": min(outbox),
        "best_bare": min(bare),
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench notify")
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    database_url = os.environ.get("WBS_BENCH_DATABASE_URL", "")
    f = measure(args.people, args.rounds, database_url)
    engine = "postgresql" if database_url.startswith("postgresql") else "sqlite"
    events = args.people * args.rounds
    print(f"engine          {engine}")
    print(f"events          {events} to {args.people} handlers ({args.rounds} rounds)")
    print(f"outbox_total    {f['outbox']:8.3f} s ({events / f['outbox']:6.0f} mails/s)")
    print(f"bare_total      {f['bare']:8.3f} s ({events / f['bare']:6.0f} mails/s)")
    print(f"best_round      outbox {f['best_outbox']:.3f} s, bare {f['best_bare']:.3f} s")
    print(f"notify={f['bare'] / f['outbox']:.3f}")
    return 0
