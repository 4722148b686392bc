"""What the demo's people do, each through the service its page calls.

A reporter fills the form (a draft, its files encrypted into the store as an
upload would be, then the submission), writes in the thread and withdraws; a
handler records steps, asks, notes and invites; a respondent signs in with
the printed code and answers. ``days_ago`` runs an action on the services'
clock moved back (``services.infra.clock.as_of``), so the cases have a history and
one of them a passed deadline, without a date written into a row.

Files follow the request's order: encrypted into ``pending/`` (locked against
the sweep), the rows committed, then promoted to ``files/`` and unlocked
(``settle``), so a crash leaves what the sweep already knows how to finish.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from crypto import Argon2Params, format_code
from wbs_app.demo.people import Handler
from wbs_app.models import Case, Category, InvitationRole, Unit
from wbs_app.services.cases import casefile, file_encryption, intake, lifecycle
from wbs_app.services.cases.case_records import FileInfo
from wbs_app.services.cases.intake import DraftPayload
from wbs_app.services.codes import code_holders, reporter_access, respondent_access
from wbs_app.services.infra.clock import as_of, today
from wbs_app.services.infra.sessions import SessionPolicy
from wbs_app.services.infra.store import AttachmentStore, PendingWrite
from wbs_app.services.office.deadlines import Deadlines
from wbs_app.services.respondents import invitation_letter, respondent, respondent_takeover

DRAFT_LIFETIME = timedelta(hours=1)
Evidence = tuple[str, str, bytes]  # (file name, content type, content)


WITA = timezone(timedelta(hours=8), "WITA")


@contextmanager
def days_ago(days: int) -> Iterator[None]:
    """Run what follows as if it were ``days`` days ago, during office hours (WITA).

    The hour and minute vary with the day, so the journal does not show every
    step at the same time of day as the command's run.
    """
    if days < 1:
        raise ValueError("today's actions run on the real clock")
    now = datetime.now(UTC)
    day = now.astimezone(WITA).date() - timedelta(days=days)
    moment = datetime.combine(day, time(8 + days * 5 % 7, days * 17 % 60), WITA)
    with as_of(now - moment):
        yield


@dataclass(frozen=True)
class Filed:
    """A report as its reporter holds it: the case, the receipt, the key it opens."""

    case: Case
    receipt: str
    reporter_key: bytes

    @property
    def receipt_text(self) -> str:
        return format_code(self.receipt)


DEMO_ANSWER_DAYS = 14


@dataclass
class Desk:
    session: Session
    store: AttachmentStore
    params: Argon2Params
    salt: bytes
    deadlines: Deadlines
    policy: SessionPolicy
    channel_days: int  # how long after closing the reporter may still write
    _writes: list[PendingWrite] = field(default_factory=list)
    _names: list[str] = field(default_factory=list)

    # -- files --------------------------------------------------------------

    def _encrypt(self, key: bytes, case_uid: str, evidence: Evidence) -> FileInfo:
        """One evidence file encrypted into ``pending/`` as the upload sink writes it."""
        info, pending = file_encryption.encrypt_whole(self.store, key, case_uid, *evidence)
        self._writes.append(pending)
        return info

    def settle(self) -> None:
        """Commit, then move the committed files to ``files/`` and let the sweep see them."""
        file_encryption.commit_and_promote(
            self.session, self.store, self._names, locks=self._writes
        )
        self._names.clear()
        self._writes.clear()

    # -- the reporter ---------------------------------------------------------

    def report(
        self,
        unit: Unit | None,
        category_code: str,
        answers: dict[str, str],
        files: tuple[Evidence, ...] = (),
        identity: dict[str, str] | None = None,
    ) -> Filed:
        """A report made the way the form makes one: a draft with its files, then the send."""
        category = self.session.scalar(select(Category).where(Category.code == category_code))
        if category is None:
            raise RuntimeError(f"no category {category_code!r}: run db-upgrade first")
        draft = intake.start_draft(DRAFT_LIFETIME)
        intake.keep_draft(self.session, draft)
        infos = [self._encrypt(draft.key, draft.case_uid, item) for item in files]
        for info in infos:
            intake.register_pending(self.session, draft, info)
        payload = DraftPayload(unit.id if unit else None, category.id, answers, identity, infos)
        intake.save_draft(self.session, draft, payload, DRAFT_LIFETIME)
        draft = intake.open_draft(self.session, draft.secret.cookie)
        sent = intake.submit(self.session, draft, set(), self.deadlines, self.salt, self.params)
        self._names += sent.storage_names
        self.settle()
        return Filed(sent.case, sent.receipt, draft.key)

    def reporter_writes(self, filed: Filed, text: str, files: tuple[Evidence, ...] = ()) -> None:
        infos = [self._encrypt(filed.reporter_key, filed.case.uid, item) for item in files]
        self._names += casefile.add_reporter_message(
            self.session,
            filed.case,
            filed.reporter_key,
            text,
            infos,
            days_after_close=self.channel_days,
        )
        self.settle()

    def reporter_withdraws(self, filed: Filed, reason: str) -> None:
        """The reporter comes back with the receipt and withdraws (the journal has it signed)."""
        cookie = reporter_access.login(
            self.session, filed.receipt, self.salt, self.params, self.policy
        )
        context = reporter_access.resume(self.session, cookie, self.policy)
        if context is None:
            raise RuntimeError("the reporter's session did not open")
        casefile.withdraw(self.session, filed.case, filed.reporter_key, context.identity, reason)
        code_holders.finish(self.session, reporter_access.KIND, context.id_hash)
        self.settle()

    # -- the handlers -------------------------------------------------------

    def step(self, filed: Filed, who: Handler, kind: str, **fields: str) -> None:
        """A lifecycle step as the case page's step form records it (journal, notice)."""
        lifecycle.record_step(self.session, filed.case, who.staff, who.identity, kind, fields)
        self.settle()

    def ask(self, filed: Filed, who: Handler, text: str) -> None:
        """A question to the reporter in their thread."""
        casefile.add_staff_message(
            self.session, filed.case, who.staff, who.identity, text, kind="question"
        )
        self.settle()

    def note(self, filed: Filed, who: Handler, text: str) -> None:
        casefile.add_note(self.session, filed.case, who.staff, who.identity, text)
        self.settle()

    def invite(
        self,
        filed: Filed,
        who: Handler,
        details: dict[str, str],
        role: InvitationRole,
        printed: bool = True,
    ) -> str:
        """An invitation of DEMO_ANSWER_DAYS; returns the printed code.

        Not the office's configured period: the stories are dated for this one
        (a finding after the period ended, a statement within it).
        """
        invitation, code = respondent.create_invitation(
            self.session,
            filed.case,
            who.staff,
            who.identity,
            details,
            role,
            today() + timedelta(days=DEMO_ANSWER_DAYS),
            self.salt,
            self.params,
        )
        if printed:  # the letter page shown that day, printed and handed over
            invitation_letter.mark_shown(self.session, invitation)
        self.settle()
        return code

    # -- the respondent ------------------------------------------------------

    def respondent_answers(self, code: str, text: str, files: tuple[Evidence, ...] = ()) -> None:
        """The respondent signs in with the letter's code, sends a statement, signs out."""
        cookie = respondent_access.login(
            self.session, format_code(code), self.salt, self.params, self.policy
        )
        context = respondent_access.resume(self.session, cookie, self.policy)
        if context is None:
            raise RuntimeError("the respondent's session did not open")
        infos = [self._encrypt(context.key, context.case.uid, item) for item in files]
        self._names += respondent.submit_statement(self.session, context, text, infos)
        respondent_takeover.forget_code(self.session, cookie)  # the new code nobody will type
        code_holders.finish(self.session, respondent_access.KIND, context.id_hash)
        self.settle()
