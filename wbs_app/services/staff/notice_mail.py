"""E-mail that says only "look in Lentera": the notices' outbox, delivered by the worker.

A mail about a whistleblowing case is read on phones, in shared inboxes, by
mail providers and by whoever sits beside the handler. So it names nothing:
no case number, unit, category, name, count or text, only the fixed words of
``TEXTS`` and the sign-in address. What happened is read after signing in.

The outbox is ``staff_notices`` itself (``mail``): a notice is written in the
transaction of its event, so a rolled-back event mails nothing and a
committed one is never lost. ``deliver`` (the worker's ``notice_mail`` job,
every minute) sends each person one mail for all their pending notices and
marks those notices sent (``_Marks``: committed every few dozen mails, and
always before the run ends, however it ends): an outage part-way leaves the
rest pending for the next run, and none of the people already mailed is
mailed again. The one window left is a crash of the worker process itself
between the server's acceptance and that commit; those mails then go again
with the same ``Message-ID`` (derived from their notices), which mail systems
use to drop the copy. An outage (``MailUnavailable``) fails the job, and the worker
backs off (``Job.max_backoff``).

Who gets nothing: a person who wants no mail (``NoticeMail.NONE``), one no
longer active, and one whose last mail is still waiting for them to sign in
(``mail_awaiting_sign_in``): a handler on leave is not flooded, and the
escalation up the tree covers their cases. Those notices are ``covered``,
and stay in the app. A digest person's notices wait for the day's digest
(``MailSettings.digest_hour``, local time).

The outbox keeps states and counts, never the time a mail went: a mail sent
within a minute of a reporter's message would otherwise date that message.
"""

from __future__ import annotations

import hashlib
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import formatdate

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from wbs_app.models import MailState, NoticeMail, StaffMember, StaffNotice, StaffStatus
from wbs_app.services.cases import access
from wbs_app.services.infra.mail import MailRefused, MailSettings, connect

# How long sent marks may wait for their commit: at most this many mails, or seconds.
MARK_BATCH = 50
MARK_SECONDS = 0.5


@dataclass(frozen=True)
class MailText:
    subject: str
    digest_subject: str
    body: str


# Fixed words, in each language a person may choose; ``{sign_in}`` is the only blank.
TEXTS = {
    "id": MailText(
        subject="Ada pembaruan di Lentera",
        digest_subject="Ringkasan harian Lentera: ada pembaruan",
        body=(
            "Ada pembaruan di Lentera. Masuk untuk melihatnya:\n"
            "{sign_in}\n\n"
            "E-mail ini dikirim otomatis dan tidak memuat isi apa pun. E-mail berikutnya "
            "baru dikirim setelah Anda masuk. Cara menerima e-mail ini dapat diubah di "
            "halaman E-mail tentang pemberitahuan setelah masuk.\n"
        ),
    ),
    "en": MailText(
        subject="There is an update in Lentera",
        digest_subject="Lentera daily digest: there are updates",
        body=(
            "There is an update in Lentera. Sign in to see it:\n"
            "{sign_in}\n\n"
            "This e-mail is sent automatically and holds no content. The next one is "
            "sent only after you have signed in. How you receive these e-mails can be "
            "changed on the page E-mail about notices after signing in.\n"
        ),
    ),
}
MAIL_LANGUAGES = tuple(TEXTS)


@dataclass
class Delivery:
    """What one run did, in counts (the worker's summary)."""

    sent: int = 0  # mails the server accepted
    covered: int = 0  # notices that needed no mail
    failed: int = 0  # people whose address was given up this run
    waiting: int = 0  # people whose digest is not due yet

    def summary(self) -> str:
        """Not how many went: the job runs every minute, and "1 sent" beside the
        run's time would date the event that made it (a reporter's message)."""
        return f"outbox looked at: {self.waiting} digests waiting, {self.failed} addresses given up"


@dataclass(frozen=True)
class Recipient:
    """Who a mail goes to, read before the run talks to the server (rows expire on commit)."""

    staff_id: int
    address: str
    language: str
    digest: bool

    @classmethod
    def of(cls, person: StaffMember) -> Recipient:
        digest = person.notice_mail is NoticeMail.DIGEST
        return cls(person.id, person.email, person.mail_language, digest)


def compose(
    recipient: Recipient, notice_ids: Iterable[int], settings: MailSettings, sign_in_url: str
) -> EmailMessage:
    """The mail for ``recipient``; its Message-ID is the same however often it is sent."""
    text = TEXTS.get(recipient.language, TEXTS["id"])
    ids = ",".join(str(number) for number in sorted(notice_ids))
    token = hashlib.sha256(f"lentera-notice-mail/{ids}".encode()).hexdigest()[:32]
    domain = settings.sender.rpartition("@")[2] or "lentera.invalid"
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = recipient.address
    message["Subject"] = text.digest_subject if recipient.digest else text.subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = f"<{token}@{domain}>"
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies
    message.set_content(text.body.format(sign_in=sign_in_url))
    message["Content-Language"] = recipient.language  # after: set_content resets Content-*
    return message


def _mark(session: Session, ids: list[int], state: MailState) -> None:
    session.execute(update(StaffNotice).where(StaffNotice.id.in_(ids)).values(mail=state))


def _wants_none(person: StaffMember | None) -> bool:
    return (
        person is None
        or person.status is not StaffStatus.ACTIVE
        or person.role not in access.HANDLER_ROLES
        or person.notice_mail is NoticeMail.NONE
        or person.mail_awaiting_sign_in
        or not person.email
    )


def deliver(
    session: Session,
    settings: MailSettings | None,
    sign_in_url: str,
    local_now: datetime,
) -> Delivery:
    """Mail every person with pending notices who should hear of them now; commits as it goes.

    ``settings`` None (no server configured): every pending notice is
    covered, in the app only. ``local_now`` is the installation's local time,
    for the digest's hour. Raises ``MailUnavailable`` when the server is away:
    what was sent before it is committed, the rest waits.
    """
    result = Delivery()
    pending: defaultdict[int, list[int]] = defaultdict(list)
    for staff_id, notice_id in session.execute(
        select(StaffNotice.staff_id, StaffNotice.id).where(StaffNotice.mail == MailState.PENDING)
    ):
        pending[staff_id].append(notice_id)
    if not pending:
        return result
    people = {
        person.id: person
        for person in session.scalars(select(StaffMember).where(StaffMember.id.in_(pending)))
    }
    due: list[tuple[Recipient, list[int]]] = []
    for staff_id, ids in pending.items():
        person = people.get(staff_id)
        if settings is None or _wants_none(person):
            _mark(session, ids, MailState.COVERED)
            result.covered += len(ids)
        elif person is not None and _digest_waits(person, settings, local_now):
            result.waiting += 1
        elif person is not None:
            due.append((Recipient.of(person), ids))
    session.commit()  # no transaction is held while the server is talked to
    if settings is None or not due:
        return result
    marks = _Marks(session, local_now.date(), result)
    try:
        with connect(settings) as connection:
            for recipient, ids in due:
                try:
                    connection.send(compose(recipient, ids, settings, sign_in_url))
                except MailRefused:
                    marks.refused(ids, settings.max_attempts)
                else:
                    marks.sent(recipient, ids)
    finally:  # what the server accepted is marked, whatever stopped the run
        marks.commit()
    return result


def _digest_waits(person: StaffMember, settings: MailSettings, local_now: datetime) -> bool:
    if person.notice_mail is not NoticeMail.DIGEST:
        return False
    return local_now.hour < settings.digest_hour or person.digest_sent_on == local_now.date()


class _Marks:
    """The sent marks of a run, committed every ``MARK_BATCH`` mails or ``MARK_SECONDS``.

    A commit per mail would cost a disk sync per mail (SQLite runs with
    ``synchronous = FULL``), five times the mail itself on a local relay. So
    marks wait a little: whatever ends the run (an outage, a refusal of the
    credentials, an error) commits them first (``deliver``'s ``finally``), and
    only a crash of the worker process itself can leave up to a batch of
    accepted mails unmarked, to be sent again with the same Message-ID.
    """

    def __init__(self, session: Session, day: date, result: Delivery) -> None:
        self.session, self.day, self.result = session, day, result
        self._notices: list[int] = []
        self._people: list[int] = []
        self._digests: list[int] = []
        self._since = time.monotonic()

    def sent(self, recipient: Recipient, ids: list[int]) -> None:
        self._notices += ids
        self._people.append(recipient.staff_id)
        if recipient.digest:
            self._digests.append(recipient.staff_id)
        self.result.sent += 1
        if len(self._people) >= MARK_BATCH or time.monotonic() - self._since >= MARK_SECONDS:
            self.commit()

    def refused(self, ids: list[int], max_attempts: int) -> None:
        """One more refusal of these notices' address; given up at ``max_attempts``."""
        self.session.execute(
            update(StaffNotice)
            .where(StaffNotice.id.in_(ids))
            .values(mail_attempts=StaffNotice.mail_attempts + 1)
        )
        self.session.execute(
            update(StaffNotice)
            .where(StaffNotice.id.in_(ids), StaffNotice.mail_attempts >= max_attempts)
            .values(mail=MailState.FAILED)
        )
        given_up = self.session.scalar(
            select(StaffNotice.id)
            .where(StaffNotice.id.in_(ids), StaffNotice.mail == MailState.FAILED)
            .limit(1)
        )
        self.result.failed += given_up is not None
        self.commit()

    def commit(self) -> None:
        if self._notices:
            _mark(self.session, self._notices, MailState.SENT)
            self.session.execute(
                update(StaffMember)
                .where(StaffMember.id.in_(self._people))
                .values(mail_awaiting_sign_in=True)
            )
        if self._digests:
            self.session.execute(
                update(StaffMember)
                .where(StaffMember.id.in_(self._digests))
                .values(digest_sent_on=self.day)
            )
        self.session.commit()
        self._notices, self._people, self._digests = [], [], []
        self._since = time.monotonic()


def set_preferences(session: Session, person: StaffMember, mode: NoticeMail, language: str) -> None:
    """A person's choice of how to hear of notices, and in which language."""
    if language not in MAIL_LANGUAGES:
        language = "id"
    person.notice_mail = mode
    person.mail_language = language
    session.flush()


def signed_in(person: StaffMember) -> None:
    """The person has signed in: the next notice may be mailed again."""
    person.mail_awaiting_sign_in = False
