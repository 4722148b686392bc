"""The invitation letter: made once per creation form, shown by its own page, printable again.

Creating an invitation redirects to the letter's GET page, so a reload shows
the letter again instead of making a second invitation. The creation form
carries a one-time token (random, made when the case page is drawn); the
invitation keeps only its hash, so the same form posted twice (a double
click, the back button and "resubmit") finds the invitation it made.

The code is kept so that a handler can print the letter again: a printer jam
must not cost the respondent their code, and nothing issued may be lost. It
is sealed under the case's internal audience key, which only the case's
handlers hold (never the reporter, the respondent or the administrator), and
it is erased when the respondent first signs in: from then on they hold the
letter, and nobody but them can act in their name. The case page says when
the letter was first shown.
"""

from __future__ import annotations

import hashlib
import re
import secrets

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from crypto import DecryptionError, Identity, RecordContext, open_record, seal_record
from wbs_app.models import Audience, Case, RespondentInvitation, StaffMember
from wbs_app.services.cases import case_keys
from wbs_app.services.infra.clock import today

TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{16,64}")


def new_form_token() -> str:
    """A token for one creation form (nothing is stored until the form is sent)."""
    return secrets.token_urlsafe(24)


def form_token_hash(token: str | None) -> bytes | None:
    """What an invitation keeps of its form's token; None for a missing or malformed one."""
    if not token or not TOKEN_RE.fullmatch(token):
        return None
    return hashlib.sha256(b"lentera/invitation-form/" + token.encode("ascii")).digest()


def made_by_form(session: Session, token_hash: bytes) -> RespondentInvitation | None:
    """The invitation this form already made, if it was sent before."""
    return session.scalar(
        select(RespondentInvitation).where(RespondentInvitation.form_token_hash == token_hash)
    )


def code_context(case_uid: str, invitation_uid: str) -> RecordContext:
    return RecordContext(case_uid, "invitation_code", invitation_uid)


def internal_key(session: Session, case: Case, staff: StaffMember, identity: Identity) -> bytes:
    row = case_keys.audience_key(session, case, Audience.INTERNAL)
    return case_keys.unwrap_for_staff(session, case, row, staff, identity)


def seal_code(key: bytes, case: Case, invitation_uid: str, code: str) -> bytes:
    return seal_record(key, code.encode("ascii"), code_context(case.uid, invitation_uid))


def kept_code(
    session: Session,
    case: Case,
    invitation: RespondentInvitation,
    staff: StaffMember,
    identity: Identity,
) -> str | None:
    """The code for printing the letter again, while it is kept (``NoAccess`` without the key)."""
    key = internal_key(session, case, staff, identity)
    if invitation.sealed_code is None:
        return None
    try:
        sealed = open_record(key, invitation.sealed_code, code_context(case.uid, invitation.uid))
    except DecryptionError:
        return None
    return sealed.decode("ascii")


def mark_shown(session: Session, invitation: RespondentInvitation) -> None:
    """Remember the day the letter was first shown (later showings change nothing)."""
    session.execute(
        update(RespondentInvitation)
        .where(
            RespondentInvitation.id == invitation.id,
            RespondentInvitation.letter_shown_on.is_(None),
        )
        .values(letter_shown_on=today())
        .execution_options(synchronize_session=False)
    )


def forget_code(invitation: RespondentInvitation) -> None:
    """The respondent has used the code: the handlers' copy goes (the caller's transaction)."""
    invitation.sealed_code = None
