"""The reporter's channel through the decision and after closing, and reports of retaliation.

A reporter must be able to answer an open question, add evidence and tell the
team about retaliation (tindakan balasan) while the case is decided, sanctioned
and for a while after it is closed: protection of the reporter (Permenkum
4/2026, UU 31/2014) does not end with the decision, and ISO 37002 keeps
monitoring for retaliation after closure. So the thread stays open in every
status and for ``days_after_close`` days (``REPORTER_CHANNEL_DAYS_AFTER_CLOSE``,
two years by default) from the day the case was closed; after that the page
says since when it is closed.

A report of retaliation is a thread record like a reply (ciphertext under the
reporter key), a journal entry signed by the reporter's identity (its body,
the account again, since the journal is the official record, sealed under the
same key, which every handler of the case holds), and a marker on the case in
clear (``Case.retaliation_reported_on``, the day only) that the inbox and the
case page show until a handler acknowledges it, itself a journal entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from crypto import Identity
from wbs_app.models import CLOSED_STATUSES, Audience, AuthorKind, Case, NoticeKind, StaffMember
from wbs_app.services.cases import case_keys, case_records, journal, staff_notices
from wbs_app.services.cases.case_records import FileInfo
from wbs_app.services.infra.clock import today
from wbs_app.services.infra.errors import DomainError

MAX_TEXT_CHARS = 20_000
REPORTED = "retaliation_reported"
ACKNOWLEDGED = "retaliation_acknowledged"


class ChannelClosed(DomainError):
    """The reporter's thread closed: the case ended longer ago than the configured period."""

    code = "report_closed"


class NothingToAcknowledge(DomainError):
    """No report of retaliation waits for a handler on this case."""

    code = "already_acknowledged"


@dataclass(frozen=True)
class Channel:
    """Whether the reporter may still write, and until or since when."""

    open: bool
    # The last day the thread takes messages, once the case is closed (None while it runs).
    last_day: date | None

    @property
    def closed_since(self) -> date | None:
        return None if self.open or self.last_day is None else self.last_day + timedelta(days=1)


def channel(case: Case, days_after_close: int, on: date | None = None) -> Channel:
    """The thread is open in every status, and for ``days_after_close`` days after closing."""
    if case.status not in CLOSED_STATUSES:
        return Channel(True, None)
    last_day = case.status_changed_on + timedelta(days=days_after_close)
    return Channel((on or today()) <= last_day, last_day)


def require_open(case: Case, days_after_close: int) -> None:
    if not channel(case, days_after_close).open:
        raise ChannelClosed()


def report_retaliation(
    session: Session,
    case: Case,
    reporter_key: bytes,
    identity: Identity,
    text: str,
    days_after_close: int,
    files: list[FileInfo] | None = None,
) -> list[str]:
    """The reporter tells the team of retaliation: thread record, signed journal entry, marker.

    ``files`` are evidence already encrypted under the reporter key; returns
    their storage names for the caller to promote after its commit.
    """
    require_open(case, days_after_close)
    text = text.strip()
    if not text:
        raise DomainError("retaliation_empty")
    key_row = case_keys.audience_key(session, case, Audience.REPORTER)
    record = case_records.add_record(
        session,
        case,
        key_row,
        reporter_key,
        "retaliation",
        AuthorKind.REPORTER,
        text[:MAX_TEXT_CHARS].encode("utf-8"),
    )
    if case.reporter_public is None:  # a case made before the identity was kept
        case.reporter_public = identity.public().to_bytes()
    # The account itself, so that the journal (the official record) says what was reported.
    journal.append_by_reporter(
        session, case, identity, reporter_key, REPORTED, {"account": text[:MAX_TEXT_CHARS]}
    )
    case.retaliation_reported_on = today()
    staff_notices.holders_of(session, case, NoticeKind.REPORTER_MESSAGE)
    names = case_records.attach_files(session, case, key_row, reporter_key, record, files or [])
    session.flush()
    return names


def acknowledge(
    session: Session, case: Case, staff: StaffMember, identity: Identity, note: str
) -> None:
    """A handler has taken up the report of retaliation: journaled, the marker cleared."""
    case_keys.require_holder(session, case, staff)
    if case.retaliation_reported_on is None:
        raise NothingToAcknowledge()
    body: dict[str, Any] = {"note": note.strip()[:MAX_TEXT_CHARS]}
    journal.append(session, case, staff, identity, ACKNOWLEDGED, body)
    case.retaliation_reported_on = None
    session.flush()


def reporter_keys(case: Case, reporter_key: bytes) -> dict[str, bytes]:
    """For ``journal.read``: the entries the reporter signed open with the reporter key."""
    return {journal.reporter_author(case): reporter_key}
