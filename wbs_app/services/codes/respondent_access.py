"""A respondent arriving with the invitation code: what the code opens, and the respondent's visit.

The sign-in, the visit's session, its end and its purge are every code
holder's (``services.codes.code_holders``), as for the reporter
(``reporter_access``); what is the respondent's own is here: the code opens
an open invitation, the first sign-in with the printed code takes it over
(``services.respondents.respondent_takeover``), and the visit carries the invitation's
key. This module depends on ``services.respondents.respondent`` (the invitation's key
row, the ``RespondentContext`` its statements take), never the other way.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from crypto import Argon2Params, CodeSecrets, lookup_hash
from wbs_app.models import Case, RecipientKind, RespondentInvitation
from wbs_app.services.cases import case_keys
from wbs_app.services.cases.case_keys import NoAccess
from wbs_app.services.codes import code_holders
from wbs_app.services.codes.code_holders import Admission
from wbs_app.services.infra.argon2_gate import Argon2Gate
from wbs_app.services.infra.sessions import SessionPolicy
from wbs_app.services.respondents import invitation_letter, respondent_takeover
from wbs_app.services.respondents.respondent import RespondentContext, invitation_key_row

KIND = code_holders.RESPONDENT


def login(
    session: Session,
    text: str,
    salt: bytes,
    params: Argon2Params,
    policy: SessionPolicy,
    *,
    gate: Argon2Gate | None = None,
) -> str:
    """One Argon2id run for every well-formed code, known or not; returns the cookie.

    As ``code_holders.login``; besides, the first sign-in with the printed
    code takes the invitation over (one more run, for the new code:
    ``services.respondents.respondent_takeover``) and leaves the new code for the
    hand-over page; a printed code used again raises ``CodeReplaced``, a code
    of a replaced invitation ``InvitationClosed``.
    """

    def admit(code_secrets: CodeSecrets) -> Admission | None:
        lookup = lookup_hash(code_secrets.lookup_id)
        invitation = session.scalar(
            select(RespondentInvitation).where(RespondentInvitation.lookup_hash == lookup)
        )
        if invitation is None:
            respondent_takeover.refuse_used_code(session, lookup)
            return None
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
        if new_code is None:
            return Admission(invitation.id, seed)
        code = new_code

        def keep(cookie: str, expires_at: datetime) -> None:
            respondent_takeover.keep_code(session, cookie, code, expires_at)

        return Admission(invitation.id, seed, keep)

    return code_holders.login(session, KIND, text, salt, params, policy, admit, gate=gate)


def resume(
    session: Session, cookie: str | None, policy: SessionPolicy
) -> RespondentContext | None:
    visit = code_holders.resume(session, KIND, cookie, policy)
    if visit is None:
        return None
    invitation = session.get(RespondentInvitation, visit.owner_id)
    if invitation is None:
        return None
    case = session.get(Case, invitation.case_id)
    if case is None:
        return None
    try:
        key = case_keys.unwrap_for_holder(
            session,
            case,
            invitation_key_row(session, case, invitation),
            visit.identity,
            RecipientKind.RESPONDENT,
        )
    except NoAccess:
        return None
    return RespondentContext(invitation, case, key, visit.identity, visit.id_hash)
