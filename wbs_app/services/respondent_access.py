"""A respondent arriving with the invitation code: one Argon2id run, then a short session.

Built like the reporter's access (``reporter_access``): the check digit
catches typos for free, every well-formed code costs one Argon2id run whether
or not it is known, failures are counted anonymously, and the session row
holds the respondent's seed sealed under a key only the cookie carries.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from crypto import (
    Argon2Params,
    CodeFormatError,
    CodeKind,
    Identity,
    derive_code_secrets,
    lookup_hash,
    parse_code,
)
from wbs_app.models import Case, RecipientKind, RespondentInvitation, RespondentSession
from wbs_app.services import (
    case_keys,
    guessing,
    invitation_letter,
    respondent_takeover,
    sessions,
)
from wbs_app.services.argon2_gate import Argon2Gate, slot_between_transactions
from wbs_app.services.case_keys import NoAccess
from wbs_app.services.clock import utcnow
from wbs_app.services.errors import DomainError
from wbs_app.services.reporter_access import ReporterPolicy
from wbs_app.services.respondent import invitation_key_row

KIND = "respondent"
SCOPE = "invitation"


class CodeMistyped(DomainError):
    """The invitation code fails its check digit: a typo, caught before any work."""

    code = "code_mistyped"


class CodeRefused(DomainError):
    """No invitation opens with this code."""

    code = "code_refused"


@dataclass(frozen=True)
class RespondentContext:
    invitation: RespondentInvitation
    case: Case
    key: bytes
    identity: Identity
    id_hash: bytes


def login(
    session: Session,
    text: str,
    salt: bytes,
    params: Argon2Params,
    policy: ReporterPolicy,
    *,
    gate: Argon2Gate | None = None,
) -> str:
    """One Argon2id run for every well-formed code, known or not; returns the cookie.

    The run holds a slot of ``gate``, as in ``reporter_access.login``. The
    first sign-in with the printed code takes the invitation over (one more
    run, for the new code: ``services.respondent_takeover``) and leaves the
    new code for the hand-over page; a printed code used again raises
    ``CodeReplaced``, a code of a replaced invitation ``InvitationClosed``.
    """
    try:
        digits = parse_code(text)
    except CodeFormatError:
        raise CodeMistyped() from None
    with slot_between_transactions(session, gate):
        code_secrets = derive_code_secrets(digits, CodeKind.INVITATION, salt, params)
    invitation = session.scalar(
        select(RespondentInvitation).where(
            RespondentInvitation.lookup_hash == lookup_hash(code_secrets.lookup_id)
        )
    )
    if invitation is None:
        respondent_takeover.refuse_used_code(session, lookup_hash(code_secrets.lookup_id))
        guessing.record_failure(session, SCOPE)
        raise CodeRefused()
    if invitation.replaced_on is not None:
        raise respondent_takeover.InvitationClosed()
    seed, new_code = code_secrets.identity_seed, None
    if invitation.taken_over_on is None:  # the printed code: the first sign-in takes it over
        new_code, seed = respondent_takeover.take_over(
            session, invitation, code_secrets, salt, params, gate
        )
    # The respondent holds the letter now: the handlers' copy of the code
    # (kept for reprints) goes, so that nobody else can act in their name.
    invitation_letter.forget_code(invitation)
    cookie, row = sessions.start_row(
        RespondentSession, KIND, seed, policy.absolute, invitation_id=invitation.id
    )
    session.add(row)
    session.flush()
    if new_code is not None:
        respondent_takeover.keep_code(session, cookie, new_code, row.expires_at)
    return cookie


def resume(
    session: Session, cookie: str | None, policy: ReporterPolicy
) -> RespondentContext | None:
    found = sessions.live_row(session, RespondentSession, cookie, policy.idle)
    if found is None:
        return None
    secret, row = found
    seed = sessions.open_session_seed(secret, KIND, row.sealed_seed)
    invitation = session.get(RespondentInvitation, row.invitation_id)
    if seed is None or invitation is None:
        return None
    case = session.get(Case, invitation.case_id)
    if case is None:
        return None
    identity = Identity.from_seed(seed)
    try:
        key = case_keys.unwrap_for_holder(
            session,
            case,
            invitation_key_row(session, case, invitation),
            identity,
            RecipientKind.RESPONDENT,
        )
    except NoAccess:
        return None
    return RespondentContext(invitation, case, key, identity, row.id_hash)


def finish(session: Session, id_hash: bytes) -> None:
    session.execute(delete(RespondentSession).where(RespondentSession.id_hash == id_hash))


def purge_expired(session: Session) -> None:
    session.execute(delete(RespondentSession).where(RespondentSession.expires_at <= utcnow()))
