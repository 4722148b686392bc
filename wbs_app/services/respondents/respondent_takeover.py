"""The invitation taken over by its addressee: at the first sign-in, a code only they see.

A handler prints the invitation letter, so the printed code is known to the
team: with it alone a handler could sign in as the respondent and write
"their" statement. So the first sign-in with the printed code takes the
invitation over: a new code is generated and shown to that visitor only, the
invitation is found by the new code from then on (the printed one stops
working), the invitation's key is wrapped to the new code's identity instead
of the printed one's, and that identity signs their journal entries and
statements (``services.respondents.respondent_signatures``). The journal records the
take-over, signed by the new identity, with its time.

What this proves and what it does not is in ``docs/threat-model.md``: the
first visitor could still be a handler who got there first; the journal
shows when, and the respondent who finds the printed code refused knows.

The new code crosses from the sign-in to the page that shows it as every
such code does (``services.codes.code_handover``): sealed for the new visit's
cookie only, kept until the respondent types it back.

A respondent who loses the new code cannot be given it again: nobody has
it. The handlers issue a new invitation (``reissue``): a new printed code,
the same summary and the time left to answer; the old invitation is closed
(its code opens nothing, its thread stays with the handlers), journaled.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from crypto import (
    Argon2Params,
    CodeKind,
    CodeSecrets,
    Identity,
    derive_code_secrets,
    generate_code,
    lookup_hash,
)
from wbs_app.models import (
    Case,
    KeyWrap,
    RecipientKind,
    RespondentInvitation,
    RespondentSession,
    StaffMember,
)
from wbs_app.services.cases import case_keys, journal
from wbs_app.services.cases.case_keys import NoAccess
from wbs_app.services.codes import code_handover
from wbs_app.services.infra.argon2_gate import Argon2Gate, slot_between_transactions
from wbs_app.services.infra.clock import today
from wbs_app.services.infra.errors import DomainError
from wbs_app.services.respondents import respondent

PURPOSE = "invitation-code-handover"
TAKEN_OVER = "invitation_taken_over"
REISSUED = "invitation_reissued"


class CodeReplaced(DomainError):
    """The printed code of an invitation already taken over: it opens nothing any more."""

    code = "code_replaced"

    def __init__(self, taken_over_on: date | None) -> None:
        super().__init__()
        self.taken_over_on = taken_over_on


class InvitationClosed(DomainError):
    """An invitation replaced by a new one: neither of its codes opens it."""

    code = "invitation_closed"


def refuse_used_code(session: Session, lookup: bytes) -> None:
    """For a code that finds no open invitation: raise what it was, if it was one.

    Only someone who holds a real code (the printed letter, a lost new code)
    gets these answers; a guessed code is refused as before.
    """
    replaced = session.scalar(
        select(RespondentInvitation).where(RespondentInvitation.printed_lookup_hash == lookup)
    )
    if replaced is None:
        return
    if replaced.replaced_on is not None:
        raise InvitationClosed()
    raise CodeReplaced(replaced.taken_over_on)


def take_over(
    session: Session,
    invitation: RespondentInvitation,
    printed: CodeSecrets,
    salt: bytes,
    params: Argon2Params,
    gate: Argon2Gate | None = None,
) -> tuple[str, bytes]:
    """At the first sign-in: the new code and its identity seed; the printed code is dead.

    The new code's Argon2id run holds no transaction; the switch is one
    conditional update afterwards, so of two first sign-ins at once (the
    respondent and a handler, say) exactly one takes the invitation over and
    the other is told the printed code was replaced.
    """
    case = session.get(Case, invitation.case_id)
    if case is None:
        raise InvitationClosed()
    invitation_id, printed_lookup = invitation.id, lookup_hash(printed.lookup_id)
    new_code = generate_code()
    with slot_between_transactions(session, gate, patient=True) as run:
        fresh = run(derive_code_secrets, new_code, CodeKind.INVITATION, salt, params)
    addressee = Identity.from_seed(fresh.identity_seed)
    switched = session.execute(
        update(RespondentInvitation)
        .where(
            RespondentInvitation.id == invitation_id,
            RespondentInvitation.lookup_hash == printed_lookup,
            RespondentInvitation.taken_over_on.is_(None),
            RespondentInvitation.replaced_on.is_(None),
        )
        .values(
            lookup_hash=lookup_hash(fresh.lookup_id),
            printed_lookup_hash=printed_lookup,
            addressee_public=addressee.public().to_bytes(),
            taken_over_on=today(),
            sealed_code=None,  # the handlers' copy for reprints: a dead code now
        )
        .execution_options(synchronize_session=False)
    )
    session.expire_all()
    if getattr(switched, "rowcount", 0) != 1:
        refuse_used_code(session, printed_lookup)
        raise InvitationClosed()
    invitation = session.get_one(RespondentInvitation, invitation_id)
    key_row = respondent.invitation_key_row(session, case, invitation)
    key = case_keys.unwrap_for_holder(
        session, case, key_row, Identity.from_seed(printed.identity_seed), RecipientKind.RESPONDENT
    )
    _drop_respondent_wrap(session, key_row.id)
    case_keys.wrap_to_holder(
        session, case, key_row, key, addressee.public(), RecipientKind.RESPONDENT
    )
    journal.append_by_respondent(
        session, case, invitation, addressee, key, TAKEN_OVER, {"invitation": invitation.uid}
    )
    return new_code, fresh.identity_seed


def _drop_respondent_wrap(session: Session, key_row_id: int) -> None:
    session.execute(
        delete(KeyWrap).where(
            KeyWrap.audience_key_id == key_row_id,
            KeyWrap.recipient_kind == RecipientKind.RESPONDENT,
        )
    )


# The hand-over of the new code, from the sign-in to the page that shows it
# (``services.codes.code_handover``, shared with the receipt letter's take-over).


def keep_code(session: Session, cookie: str, code: str, expires_at: datetime) -> None:
    code_handover.keep(session, PURPOSE, cookie, code, expires_at)


def pending_code(session: Session, cookie: str | None) -> str | None:
    return code_handover.pending(session, PURPOSE, cookie)


def confirm_code(session: Session, cookie: str | None, typed: str) -> bool:
    return code_handover.confirm(session, PURPOSE, cookie, typed)


def forget_code(session: Session, cookie: str | None) -> None:
    code_handover.forget(session, PURPOSE, cookie)


# A lost new code: a new invitation, the old one closed.


def reissue(
    session: Session,
    case: Case,
    old: RespondentInvitation,
    staff: StaffMember,
    identity: Identity,
    salt: bytes,
    params: Argon2Params,
    *,
    gate: Argon2Gate | None = None,
) -> tuple[RespondentInvitation, bool]:
    """The invitation that replaces ``old`` (made now, or before), and whether it is new.

    The new one has the same summary, role and remaining time to answer (at
    least a day) and a new printed code; the old one is closed: its codes
    open nothing, its wrap to the respondent goes, its visits end, and its
    thread stays with the handlers. Closing an already closed invitation
    makes nothing: the replacement made the first time is returned.
    """
    key = respondent.staff_key(session, case, old, staff, identity)  # NoAccess first
    if old.replaced_on is not None:
        return _replacement(session, case, old), False
    if old.closed_on is not None:  # the team closed the thread: no new period to answer
        raise respondent.RespondentError("closed_meanwhile")
    allegation, _ = respondent.read_thread(session, case, old, key)
    old_id, old_uid, role = old.id, old.uid, old.role
    due = max(old.answer_due, today() + timedelta(days=1))  # the same day, however counted
    new, _code = respondent.create_invitation(
        session,
        case,
        staff,
        identity,
        allegation,
        role,
        due,
        salt,
        params,
        gate=gate,
        replacing=True,
    )
    closed = session.execute(
        update(RespondentInvitation)
        .where(RespondentInvitation.id == old_id, RespondentInvitation.replaced_on.is_(None))
        # Replaced is closed too: nothing more is sent, heard or awaited on the old
        # thread (a request for more time waiting there is asked again on the new).
        .values(
            replaced_on=today(),
            closed_on=today(),
            extension_requested=False,
            replaced_by_uid=new.uid,
            sealed_code=None,
        )
        .execution_options(synchronize_session=False)
    )
    if getattr(closed, "rowcount", 0) != 1:  # closed by a colleague meanwhile
        raise respondent.RespondentError("closed_meanwhile")
    _drop_respondent_wrap(session, old.audience_key_id)
    session.execute(delete(RespondentSession).where(RespondentSession.invitation_id == old_id))
    journal.append(
        session, case, staff, identity, REISSUED, {"invitation": old_uid, "replacement": new.uid}
    )
    session.expire(old)
    return new, True


def _replacement(session: Session, case: Case, old: RespondentInvitation) -> RespondentInvitation:
    found = session.scalar(
        select(RespondentInvitation).where(
            RespondentInvitation.case_id == case.id,
            RespondentInvitation.uid == old.replaced_by_uid,
        )
    )
    if found is None:
        raise NoAccess()  # no replacement
    return found
