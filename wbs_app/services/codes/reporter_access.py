"""A reporter returning with the receipt: what the receipt opens, and the reporter's visit.

The sign-in, the visit's session, its end and its purge are every code
holder's (``services.codes.code_holders``); what is the reporter's own is here: a
receipt opens the case whose lookup hash it derives, if the identity it
derives unwraps the reporter thread's key, and the visit carries that key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from crypto import Argon2Params, CodeSecrets, Identity, generate_code, lookup_hash
from wbs_app.models import Audience, Case, RecipientKind
from wbs_app.services.cases import case_keys
from wbs_app.services.cases.case_keys import NoAccess
from wbs_app.services.codes import code_holders, receipt_takeover
from wbs_app.services.codes.code_holders import Admission
from wbs_app.services.infra.argon2_gate import Argon2Gate
from wbs_app.services.infra.sessions import SessionPolicy

KIND = code_holders.REPORTER


@dataclass(frozen=True)
class ReporterContext:
    """A reporter's visit: the case and the key of the reporter thread, for one request."""

    case: Case
    reporter_key: bytes
    id_hash: bytes
    # The reporter's identity, for what they sign (a report of retaliation).
    identity: Identity


def login(
    session: Session,
    receipt_text: str,
    installation_salt: bytes,
    params: Argon2Params,
    policy: SessionPolicy,
    *,
    gate: Argon2Gate | None = None,
) -> str:
    """Check a receipt and start a session; returns the cookie value (``code_holders.login``).

    The first sign-in with a receipt a handler printed leaves a new receipt
    for the page that shows it (the case is taken over when the reporter types
    it back: ``receipt_takeover``); a printed receipt already replaced raises
    ``ReceiptReplaced``.
    """

    def admit(code_secrets: CodeSecrets) -> Admission | None:
        lookup = lookup_hash(code_secrets.lookup_id)
        case = session.scalar(select(Case).where(Case.lookup_hash == lookup))
        if case is None:
            receipt_takeover.refuse_used_receipt(session, lookup)
            return None
        identity = Identity.from_seed(code_secrets.identity_seed)
        try:
            _thread_key(session, case, identity)
        except NoAccess:
            return None
        if not receipt_takeover.awaits_take_over(session, case):
            return Admission(case.id, code_secrets.identity_seed)
        # A printed receipt: a new one is offered; the case is taken over once it is typed back.
        receipt = generate_code()

        def keep(cookie: str, expires_at: datetime) -> None:
            receipt_takeover.keep_receipt(session, cookie, receipt, expires_at)

        return Admission(case.id, code_secrets.identity_seed, keep)

    return code_holders.login(
        session, KIND, receipt_text, installation_salt, params, policy, admit, gate=gate
    )


def resume(session: Session, cookie: str | None, policy: SessionPolicy) -> ReporterContext | None:
    visit = code_holders.resume(session, KIND, cookie, policy)
    if visit is None:
        return None
    case = session.get(Case, visit.owner_id)
    if case is None:
        return None
    try:
        key = _thread_key(session, case, visit.identity)
    except NoAccess:
        return None
    return ReporterContext(
        case=case, reporter_key=key, id_hash=visit.id_hash, identity=visit.identity
    )


def _thread_key(session: Session, case: Case, identity: Identity) -> bytes:
    key_row = case_keys.audience_key(session, case, Audience.REPORTER)
    return case_keys.unwrap_for_holder(session, case, key_row, identity, RecipientKind.REPORTER)
