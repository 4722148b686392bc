"""Visitors who hold a code instead of an account: sign-in, visit, finish and purge, once.

A reporter holds a receipt, a respondent an invitation code; everything else
about their visits is the same, so it is written here once and each kind is a
small frozen description (``CodeHolderKind``) of what differs: the code's
kind, the session table and the column naming what the code opens, the
guessing brake's scope. The steps:

- The code is parsed strictly first (the check digit catches a typo before
  any expensive work: ``CodeMistyped``).
- Exactly one Argon2id run, holding a slot of the gate and no transaction,
  derives the lookup id and the identity seed, whether or not anything opens
  with the code, so a known and an unknown code cost the same.
- The kind's own ``admit`` finds what the code opens (``reporter_access``,
  ``respondent_access``); a code that opens nothing is refused with one answer
  whatever the reason (``CodeRefused``); the caller counts it against the
  browser that typed it (``services.codes.guessing``).
- The session row holds the identity seed sealed under a key only the cookie
  carries (``services.infra.sessions``), with the visit's exact clocks: the
  row's own columns keep only days (a coarse row); ``resume`` gives the visit back, finishing
  deletes the row, and ``purge_expired`` removes the expired rows of every
  kind in ``KINDS``, so a kind cannot be forgotten by the purge.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import delete
from sqlalchemy.orm import Session

from crypto import (
    Argon2Params,
    CodeFormatError,
    CodeKind,
    CodeSecrets,
    Identity,
    derive_code_secrets,
    parse_code,
)
from wbs_app.models import ReporterSession, RespondentSession
from wbs_app.services.infra import sessions
from wbs_app.services.infra.argon2_gate import Argon2Gate, slot_between_transactions
from wbs_app.services.infra.clock import utcnow
from wbs_app.services.infra.errors import DomainError
from wbs_app.services.infra.sessions import SessionPolicy

SessionModel = type[ReporterSession] | type[RespondentSession]


class CodeMistyped(DomainError):
    """The code fails its check digit or has the wrong shape: a typo, caught for free."""

    codes = ("receipt_mistyped", "code_mistyped")  # CodeHolderKind.mistyped


class CodeRefused(DomainError):
    """Nothing opens with this code (the same answer whatever the reason)."""

    codes = ("receipt_refused", "code_refused")  # CodeHolderKind.refused


class CodeLogin(Protocol):
    """A kind's sign-in as the code page calls it (``reporter_access.login`` and the like)."""

    def __call__(
        self,
        session: Session,
        text: str,
        salt: bytes,
        params: Argon2Params,
        policy: SessionPolicy,
        /,
        *,
        gate: Argon2Gate | None = None,
    ) -> str: ...


@dataclass(frozen=True)
class CodeHolderKind:
    """What tells one kind of code holder from another; the rest of their visits is shared."""

    name: str  # the session seed's sealing context: a seed sealed for one kind opens no other
    code: CodeKind
    scope: str  # names the browser's count of failed codes (services.codes.guessing)
    model: SessionModel
    owner: str  # the session column naming what the code opened
    mistyped: str  # the refusals' codes, worded per kind (a receipt, an invitation code)
    refused: str


REPORTER = CodeHolderKind(
    "reporter",
    CodeKind.RECEIPT,
    "receipt",
    ReporterSession,
    "case_id",
    mistyped="receipt_mistyped",
    refused="receipt_refused",
)
RESPONDENT = CodeHolderKind(
    "respondent",
    CodeKind.INVITATION,
    "invitation",
    RespondentSession,
    "invitation_id",
    mistyped="code_mistyped",
    refused="code_refused",
)
KINDS = (REPORTER, RESPONDENT)


@dataclass(frozen=True)
class Admission:
    """What a code opened: the owner row's id, the seed the session keeps, and a last step.

    ``started`` runs once the session row exists, in the sign-in's
    transaction, with the new cookie and the row's expiry (the respondent's
    new code is kept for that visit only).
    """

    owner_id: int
    seed: bytes
    started: Callable[[str, datetime], None] | None = None


# Finds what the code opens; None when nothing does (the sign-in then refuses it).
Admit = Callable[[CodeSecrets], Admission | None]


@dataclass(frozen=True)
class Visit:
    """A live session: what it opened, the identity it holds, and its row's key."""

    owner_id: int
    identity: Identity
    id_hash: bytes


def login(
    session: Session,
    kind: CodeHolderKind,
    text: str,
    salt: bytes,
    params: Argon2Params,
    policy: SessionPolicy,
    admit: Admit,
    *,
    gate: Argon2Gate | None = None,
) -> str:
    """Check a code and start a session; returns the cookie value.

    A well-formed code runs Argon2id while holding a slot of ``gate``, so a
    flood cannot tie up more threads than the gate admits; ``Argon2Busy`` when
    no slot is free in time. The guessing brake (``services.codes.guessing``,
    the browser's own count) is the caller's, checked first. Whatever
    ``admit`` raises reaches the caller.
    """
    try:
        digits = parse_code(text)
    except CodeFormatError:
        raise CodeMistyped(kind.mistyped) from None
    with slot_between_transactions(session, gate) as run:
        code_secrets = run(derive_code_secrets, digits, kind.code, salt, params)
    admission = admit(code_secrets)
    if admission is None:
        raise CodeRefused(kind.refused)
    cookie, row = sessions.start_row(
        kind.model,
        kind.name,
        admission.seed,
        policy.absolute,
        coarse=True,  # a code holder's clocks: the day in the row, the minute sealed
        **{kind.owner: admission.owner_id},
    )
    session.add(row)
    session.flush()
    if admission.started is not None:
        admission.started(cookie, row.expires_at)
    return cookie


def resume(
    session: Session, kind: CodeHolderKind, cookie: str | None, policy: SessionPolicy
) -> Visit | None:
    """The visit a cookie opens, if it has neither expired nor idled out."""
    found = sessions.live_row(session, kind.model, cookie, policy.idle, coarse_kind=kind.name)
    if found is None:
        return None
    secret, row = found
    timed = sessions.open_timed_seed(secret, kind.name, row.sealed_seed)
    if timed is None:
        return None
    owner_id: int = getattr(row, kind.owner)
    return Visit(owner_id, Identity.from_seed(timed.seed), row.id_hash)


def restart(
    session: Session,
    kind: CodeHolderKind,
    id_hash: bytes,
    owner_id: int,
    seed: bytes,
    policy: SessionPolicy,
) -> str:
    """End a visit and begin another for the same owner with another seed; the new cookie.

    A visit whose code was just replaced (``receipt_takeover``) holds an
    identity that opens nothing any more: it goes on under the new one.
    """
    finish(session, kind, id_hash)
    cookie, row = sessions.start_row(
        kind.model, kind.name, seed, policy.absolute, coarse=True, **{kind.owner: owner_id}
    )
    session.add(row)
    session.flush()
    return cookie


def finish(session: Session, kind: CodeHolderKind, id_hash: bytes) -> None:
    """End a visit: the row goes, so a copied cookie opens nothing."""
    session.execute(delete(kind.model).where(kind.model.id_hash == id_hash))


def purge_expired(session: Session) -> None:
    """Every kind's expired sessions (``services.housekeeping`` runs it)."""
    now = utcnow()
    for kind in KINDS:
        session.execute(delete(kind.model).where(kind.model.expires_at <= now))
