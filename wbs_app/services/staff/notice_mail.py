"""E-mail that says only "look in Lentera": the notices' outbox, delivered by the worker.

A mail about a whistleblowing case is read on phones, in shared inboxes, by
mail providers and by whoever sits beside the handler. So it names nothing:
no case number, unit, category, name, count or text, only the fixed words of
``TEXTS`` and the sign-in address. What happened is read after signing in.

The outbox is ``staff_notices`` itself (``mail``): a notice is written in the
transaction of its event, so a rolled-back event mails nothing and a
committed one is never lost. ``deliver`` (the worker's ``notice_mail`` job,
every minute) sends each person one mail for all their pending notices, in
batches: a batch is claimed (``SENDING``, one commit), sent over one
connection, and settled (one commit): what the server accepted is ``SENT``,
the rest pending again. An outage part-way (``MailUnavailable``) settles the
batch first and fails the job, and the worker backs off (``Job.max_backoff``);
nobody already mailed is mailed again. A crash of the worker itself between
claim and settlement leaves ``SENDING`` rows, which the next run counts as
sent: their mail may have gone, and none goes twice; the notices stay in the
app, and the escalation covers a case nobody acts on. A refusal for good
(5xx) counts an attempt against the address (``FAILED`` after
``MailSettings.max_attempts``), unless every address of the batch was refused,
which is the relay's fault and backs off instead; a deferral (4xx for one
address) leaves it pending for the next run without holding up the others.

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

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from wbs_app.models import KeyWrap, MailState, NoticeMail, StaffMember, StaffNotice, StaffStatus
from wbs_app.services.cases import access
from wbs_app.services.infra.mail import (
    MailDeferred,
    MailRefused,
    MailSettings,
    MailUnavailable,
    connect,
)

# Mails claimed, sent and settled together: two commits per batch, not one per mail.
MARK_BATCH = 50


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
    """What one run did, in counts, for its caller (the benchmark, a test), never for the log."""

    sent: int = 0  # mails the server accepted

    def summary(self) -> str:
        """No count: the job runs every minute, and "1 sent" or "1 digest waiting" beside
        the run's time would date the event that made it (a reporter's message)."""
        return "outbox looked at"


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


def compose(recipient: Recipient, settings: MailSettings, sign_in_url: str) -> EmailMessage:
    """The mail for ``recipient``.

    Its Message-ID is random: one derived from the notices would let whoever
    holds the database and a mailbox tie the mail's Date to those notices.
    """
    text = TEXTS.get(recipient.language, TEXTS["id"])
    domain = settings.sender.rpartition("@")[2] or "lentera.invalid"
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = recipient.address
    message["Subject"] = text.digest_subject if recipient.digest else text.subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=domain)
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
    _settle_crashed(session)
    # Held now, with the person's current key: after a revocation or a reset
    # the notice is neither counted in the app nor worth a mail.
    held = exists().where(
        KeyWrap.staff_id == StaffNotice.staff_id,
        KeyWrap.case_id == StaffNotice.case_id,
        KeyWrap.identity_generation == StaffMember.identity_generation,
    )
    pending: defaultdict[int, list[int]] = defaultdict(list)
    gone: list[int] = []
    for staff_id, notice_id, holds in session.execute(
        select(StaffNotice.staff_id, StaffNotice.id, held)
        .join(StaffMember, StaffMember.id == StaffNotice.staff_id)
        .where(StaffNotice.mail == MailState.PENDING)
    ):
        (pending[staff_id] if holds else gone).append(notice_id)
    if gone:
        _mark(session, gone, MailState.COVERED)
        session.commit()
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
        elif person is not None and not _digest_waits(person, settings, local_now):
            due.append((Recipient.of(person), ids))
    session.commit()  # no transaction is held while the server is talked to
    if settings is None or not due:
        return result
    for offset in range(0, len(due), MARK_BATCH):
        _send_batch(
            session,
            settings,
            sign_in_url,
            local_now.date(),
            due[offset : offset + MARK_BATCH],
            result,
        )
    return result


def _digest_waits(person: StaffMember, settings: MailSettings, local_now: datetime) -> bool:
    if person.notice_mail is not NoticeMail.DIGEST:
        return False
    return local_now.hour < settings.digest_hour or person.digest_sent_on == local_now.date()


def _settle_crashed(session: Session) -> None:
    """Notices a crashed run left ``SENDING``: their mail may have gone, so it never goes again.

    They stay in the app, unread; the person was marked as mailed when the
    batch was claimed, so their next notice waits for them to sign in, as
    after any mail.
    """
    left = select(StaffNotice.id).where(StaffNotice.mail == MailState.SENDING).limit(1)
    if session.scalar(left) is None:  # the usual case: no write, no lock taken
        return
    session.execute(
        update(StaffNotice).where(StaffNotice.mail == MailState.SENDING).values(mail=MailState.SENT)
    )
    session.commit()


def _send_batch(
    session: Session,
    settings: MailSettings,
    sign_in_url: str,
    day: date,
    batch: list[tuple[Recipient, list[int]]],
    result: Delivery,
) -> None:
    """Claim a batch (one commit), send it over one connection, settle it (one commit).

    A commit per mail would cost a disk sync per mail (SQLite runs with
    ``synchronous = FULL``), five times the mail itself on a local relay; a
    claim and a settlement per batch cost two. Whatever stops the batch (an
    outage, an error) settles it first: what the server accepted is sent, the
    rest pending again. Only a crash of the worker itself leaves a claim
    unsettled (``_settle_crashed``).
    """
    claimed = [number for _, ids in batch for number in ids]
    people = [recipient.staff_id for recipient, _ in batch]
    _mark(session, claimed, MailState.SENDING)
    session.execute(
        update(StaffMember).where(StaffMember.id.in_(people)).values(mail_awaiting_sign_in=True)
    )
    session.commit()
    accepted: list[tuple[Recipient, list[int]]] = []
    refused: list[list[int]] = []
    settled = False
    try:
        with connect(settings) as connection:
            for recipient, ids in batch:
                try:
                    connection.send(compose(recipient, settings, sign_in_url))
                except MailDeferred:  # this address, not now (greylisting, a full mailbox)
                    continue
                except MailRefused:
                    refused.append(ids)
                else:
                    accepted.append((recipient, ids))
        if refused and not accepted and len(batch) > 1:
            # Every address refused: the relay's fault (relaying denied, a login
            # it wants), not theirs. Back off; count no attempt against anyone.
            refused = []
            _settle(session, batch, accepted, refused, settings.max_attempts, day, result)
            settled = True
            raise MailUnavailable()
    finally:
        if not settled:
            _settle(session, batch, accepted, refused, settings.max_attempts, day, result)


def _settle(
    session: Session,
    batch: list[tuple[Recipient, list[int]]],
    accepted: list[tuple[Recipient, list[int]]],
    refused: list[list[int]],
    max_attempts: int,
    day: date,
    result: Delivery,
) -> None:
    """Sent for what the server accepted; pending again (and unmailed) for the rest."""
    sent_ids = [number for _, ids in accepted for number in ids]
    done = {recipient.staff_id for recipient, _ in accepted}
    others = [recipient.staff_id for recipient, _ in batch if recipient.staff_id not in done]
    back = [number for recipient, ids in batch if recipient.staff_id not in done for number in ids]
    if sent_ids:
        _mark(session, sent_ids, MailState.SENT)
    digests = [recipient.staff_id for recipient, _ in accepted if recipient.digest]
    if digests:
        session.execute(
            update(StaffMember).where(StaffMember.id.in_(digests)).values(digest_sent_on=day)
        )
    if back:
        _mark(session, back, MailState.PENDING)
        session.execute(
            update(StaffMember)
            .where(StaffMember.id.in_(others))
            .values(mail_awaiting_sign_in=False)
        )
    for ids in refused:
        session.execute(
            update(StaffNotice)
            .where(StaffNotice.id.in_(ids))
            .values(mail_attempts=StaffNotice.mail_attempts + 1)
        )
        session.execute(
            update(StaffNotice)
            .where(StaffNotice.id.in_(ids), StaffNotice.mail_attempts >= max_attempts)
            .values(mail=MailState.FAILED)
        )
    session.commit()
    result.sent += len(accepted)


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
