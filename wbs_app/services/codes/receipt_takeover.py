"""A printed receipt taken over by its reporter: a receipt only they see, once they hold it.

A handler who records a report received by telephone or letter prints the
receipt for the reporter (``services.cases.recorded_intake``), so the printed
receipt is known to the office: with it alone a handler could read the
reporter's thread as them, or write in their name. So the first sign-in with
it offers a new receipt, shown to that visitor only
(``services.codes.code_handover``), and the visit can do nothing else until
the visitor types it back. Only then is the case taken over, as an
invitation is (``services.respondents.respondent_takeover``): the case is
found by the new receipt from then on and the printed one opens nothing (it
is answered with the day it was replaced, so a reporter who never signed in
knows someone else did), the reporter key is wrapped to the new receipt's
identity instead of the printed one's, the handlers' sealed copy of the
printed receipt is erased, and the visit goes on under the new identity. The
journal records it, signed by the new identity.

Taking over at the confirmation, not at the sign-in, is what makes a lost
answer harmless: if the page with the new receipt never arrives (a dropped
Tor circuit), the visit times out or the reporter leaves before copying it,
the printed receipt still works and the next sign-in offers another.

What this proves and what it does not is in ``docs/threat-model.md``
(C28): the first visitor could still be a handler who got there first; the
journal shows the day, and the reporter whose printed receipt is refused knows.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from crypto import (
    Argon2Params,
    CodeKind,
    Identity,
    derive_code_secrets,
    lookup_hash,
)
from wbs_app.models import Audience, Case, KeyWrap, RecipientKind, ReporterContact
from wbs_app.services.cases import case_keys, journal, recorded_intake
from wbs_app.services.codes import code_handover
from wbs_app.services.infra.argon2_gate import Argon2Gate, slot_between_transactions
from wbs_app.services.infra.clock import today
from wbs_app.services.infra.errors import DomainError

PURPOSE = "printed-receipt-handover"
TAKEN_OVER = "receipt_taken_over"


class ReceiptReplaced(DomainError):
    """A printed receipt whose case its reporter took over: it opens nothing any more."""

    code = "receipt_replaced"

    def __init__(self, taken_over_on: date | None) -> None:
        super().__init__()
        self.taken_over_on = taken_over_on


class AlreadyTakenOver(DomainError):
    """The new receipt was confirmed a moment ago, by this same visit (a double click)."""

    code = "already_taken_over"


def refuse_used_receipt(session: Session, lookup: bytes) -> None:
    """For a receipt that finds no case: raise ``ReceiptReplaced`` if it was a printed one.

    Only someone holding the real letter gets this answer; a guessed receipt
    is refused as before.
    """
    replaced = session.scalar(select(Case).where(Case.printed_lookup_hash == lookup))
    if replaced is not None:
        raise ReceiptReplaced(replaced.taken_over_on)


def awaits_take_over(session: Session, case: Case) -> bool:
    """A recorded report whose printed receipt has not been replaced yet."""
    found = recorded_intake.recorded_intake(session, case)
    return (
        found is not None and found.contact is ReporterContact.LETTER and case.taken_over_on is None
    )


def take_over(
    session: Session,
    case: Case,
    printed: Identity,
    new_receipt: str,
    salt: bytes,
    params: Argon2Params,
    gate: Argon2Gate | None = None,
) -> bytes:
    """At the confirmation of ``new_receipt``: the printed receipt dies; the new identity seed.

    ``printed`` is the visit's identity, the printed receipt's. The new
    receipt's Argon2id run holds no transaction; the switch is one
    conditional update afterwards, so of two visits confirming at once
    (the reporter and a handler, say) exactly one takes the case over and the
    other is told the receipt was replaced.
    """
    case_id, printed_lookup = case.id, case.lookup_hash
    if case.taken_over_on is not None:
        raise ReceiptReplaced(case.taken_over_on)
    with slot_between_transactions(session, gate) as run:
        fresh = run(derive_code_secrets, new_receipt, CodeKind.RECEIPT, salt, params)
    reporter = Identity.from_seed(fresh.identity_seed)
    switched = session.execute(
        update(Case)
        .where(
            Case.id == case_id,
            Case.lookup_hash == printed_lookup,
            Case.taken_over_on.is_(None),
        )
        .values(
            lookup_hash=lookup_hash(fresh.lookup_id),
            printed_lookup_hash=printed_lookup,
            reporter_public=reporter.public().to_bytes(),
            taken_over_on=today(),
        )
        .execution_options(synchronize_session=False)
    )
    session.expire_all()
    if getattr(switched, "rowcount", 0) != 1:
        if session.scalar(select(Case.lookup_hash).where(Case.id == case_id)) == lookup_hash(
            fresh.lookup_id
        ):
            raise AlreadyTakenOver()  # this visit's own confirmation, sent twice
        refuse_used_receipt(session, printed_lookup)
        raise ReceiptReplaced(None)
    case = session.get_one(Case, case_id)
    key_row = case_keys.audience_key(session, case, Audience.REPORTER)
    key = case_keys.unwrap_for_holder(session, case, key_row, printed, RecipientKind.REPORTER)
    session.execute(
        delete(KeyWrap).where(
            KeyWrap.audience_key_id == key_row.id,
            KeyWrap.recipient_kind == RecipientKind.REPORTER,
        )
    )
    case_keys.wrap_to_holder(session, case, key_row, key, reporter.public(), RecipientKind.REPORTER)
    recorded_intake.forget_receipt(session, case)
    journal.append_by_reporter(session, case, reporter, key, TAKEN_OVER, {})
    return fresh.identity_seed


def offered(session: Session, cookie: str | None, typed: str) -> str | None:
    """The new receipt this visit was offered, if ``typed`` is it; None otherwise."""
    return code_handover.typed_back(session, PURPOSE, cookie, typed)


# The new receipt on its way to the page that shows it (``code_handover``).


def keep_receipt(session: Session, cookie: str, receipt: str, expires_at: datetime) -> None:
    code_handover.keep(session, PURPOSE, cookie, receipt, expires_at)


def pending_receipt(session: Session, cookie: str | None) -> str | None:
    return code_handover.pending(session, PURPOSE, cookie)


def forget_receipt(session: Session, cookie: str | None) -> None:
    code_handover.forget(session, PURPOSE, cookie)
