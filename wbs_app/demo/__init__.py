"""A realistic demo office, made through the real services (``wbs seed-demo``).

It exists so that a newcomer can sign in as each kind of user within a minute
of ``make run`` and find work at every stage: a journal, a respondent, a
decision, a withdrawal, a passed deadline. It prints every password, TOTP key,
receipt and invitation code it creates, so it refuses to run on an
installation that already has units or staff (a second run says so and
changes nothing). Like the pages, it commits after every action; a run cut
off midway leaves what it made, and the refusal then asks for a fresh
database.

``people`` makes the organisation, ``desk`` acts as each person would,
``cases`` tells the seven stories.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crypto import Argon2Params, format_code
from wbs_app.demo.cases import Story, make_cases
from wbs_app.demo.desk import Desk
from wbs_app.demo.people import (
    CERTIFIED_AGO,
    CUSTODIANS,
    KANWIL,
    UPTS,
    Account,
    DemoRefused,
    make_organisation,
)
from wbs_app.models import StaffIdentity, StaffMember, Unit
from wbs_app.services.infra.clock import utcnow
from wbs_app.services.infra.sessions import SessionPolicy
from wbs_app.services.infra.store import AttachmentStore
from wbs_app.services.office.deadlines import Deadlines

__all__ = ["DemoRefused", "seed_demo_organisation"]


def seed_demo_organisation(
    session: Session,
    store: AttachmentStore,
    params: Argon2Params,
    installation_salt: bytes,
    deadlines: Deadlines,
    policy: SessionPolicy,
    base_url: str,
    *,
    pepper: bytes,
    channel_days: int,
) -> list[str]:
    """Create the office, its staff and its cases; return the lines to print."""
    if session.scalar(select(func.count()).select_from(Unit)) or session.scalar(
        select(func.count()).select_from(StaffMember)
    ):
        raise DemoRefused(
            "seed-demo needs an installation without units or staff; this one has them "
            "(the demo ran already, or a real office is set up): nothing was changed"
        )
    cast = make_organisation(session, params, pepper)
    _keys_held_since(session, CERTIFIED_AGO)
    desk = Desk(session, store, params, installation_salt, deadlines, policy, channel_days)
    desk.settle()
    stories = make_cases(desk, cast)
    return _printout(cast.accounts, stories, base_url.rstrip("/"))


def _keys_held_since(session: Session, ago: timedelta) -> None:
    """Date the demo staff's identities before the stories, as a real office's would be.

    The journal verifier accepts a staff key only from the day its generation
    began (``services.cases.journal_authors``); a demo whose handlers sign
    steps 75 days before their accounts existed would fail ``wbs verify-journals``.
    """
    since = utcnow() - ago  # the day they were certified, before the oldest story
    for identity in session.scalars(select(StaffIdentity)):
        identity.created_at = since
    session.flush()


def _printout(accounts: list[Account], stories: list[Story], base: str) -> list[str]:
    lines = [
        f"Demo office: {KANWIL} and {len(UPTS)} UPTs, {len(accounts)} staff, "
        f"{len(stories)} reports.",
        "",
        f"Staff sign in at {base}/staf/masuk with the user name, the password and the",
        "6-digit code of an authenticator app given the TOTP key (setting up the account",
        "used the code of the moment it was made: if one is refused, wait for the next):",
        f"  {'role':<13}{'user':<8}{'password':<23}{'TOTP key':<41}units",
    ]
    for account in accounts:
        lines.append(
            f"  {account.role.value:<13}{account.username:<8}{account.password:<23}"
            f"{account.totp_key:<41}{account.units}"
        )
    lines += [
        "",
        "Every handler's key is certified by the custodians' root ("
        + ", ".join(custodian.name for custodian in CUSTODIANS)
        + "); the demo printed and kept none of their shares.",
    ]
    lines += [
        "",
        f"Reporters sign in at {base}/lapor/masuk with the receipt code:",
        f"  {'case':<6}{'unit':<14}{'receipt':<26}stage",
    ]
    for story in stories:
        lines.append(
            f"  #{story.filed.case.id:<5}{story.unit:<14}{story.filed.receipt_text:<26}"
            f"{story.stage}"
        )
    witness = next(story for story in stories if story.respondent_code)
    code = format_code(witness.respondent_code or "")
    lines += [
        "",
        f"A respondent signs in at {base}/klarifikasi/masuk with the invitation code",
        f"of a witness invited to case #{witness.filed.case.id}, not used yet:",
        f"  {code}",
        "",
        "What to look at first:",
        "  1. Sign in as rahman (supervisor of the Kanwil): the inbox holds every case;",
        "     filter on overdue to find the report nobody acknowledged.",
        f"  2. Open case #{witness.filed.case.id}: the journal of every step, an internal "
        "note, the accused's",
        "     defence statement with its file, and the witness's invitation letter.",
        f"  3. Open case #{stories[1].filed.case.id}: a finding and a sanction with its "
        "decree number.",
        f"  4. Sign in as a reporter with the receipt of case #{stories[5].filed.case.id}: "
        "the team's question",
        "     and the answer with evidence; reply or withdraw from there.",
        "  5. Sign in as the witness with the code above and answer.",
        "  6. As admin: units, staff and the audit log (admins read no report).",
    ]
    return lines
