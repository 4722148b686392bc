"""Which key may have signed a journal entry, given who it names and when it was written.

A key inserted into the database (a new identity generation for some staff
member, back-dated or not) must not pass for an author. So a staff
generation signs only between its own start and the next generation's start
(``StaffIdentity.created_at``; a reset or a new key makes the next one), and,
from the day the installation has a custodians' root, only while a
certificate of that generation was valid at the entry's date
(``services.trust.certificates.certificate_valid_at``). Entries written
before any ceremony cannot have been certified and are judged on the
generation's dates alone. The custodians (author ``custodians:<root
generation>``) sign with the root of that generation while it was current.
Only roots anchored in the head log count (``services.trust.anchors``),
and whether a ceremony was held at all is read from the log's root links.
Respondents and the reporter sign with the identities their codes give, as
before.

Times are compared to the second, since entries are stamped to the second:
an entry written in the same second as a generation began belongs to it, and
so does one written in the second its successor began.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from crypto import JournalRecord, PublicIdentity
from wbs_app.models import (
    Case,
    HandlerCertificate,
    RespondentInvitation,
    StaffIdentity,
)
from wbs_app.services.cases import head_log
from wbs_app.services.trust import anchors
from wbs_app.services.trust.chain import Checker

# (session, staff id, generation, moment) -> the public key that a certificate
# valid at that moment names for that generation, or None.
CertificateCheck = Callable[[Session, int, int, datetime], bytes | None]


# The installation itself (the deadline watch), signing with the identity its
# installation key derives (``crypto.InstallationKey.system_identity``).
SYSTEM_AUTHOR = "system:1"
# What the installation may sign: whoever holds instance/ can sign these and no other kind.
SYSTEM_KINDS = frozenset({"deadline_escalated", "escalation_ended"})


def custodians_author(root_generation: int) -> str:
    return f"custodians:{root_generation}"


def _second(moment: datetime) -> datetime:
    moment = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0)


def entry_time(record: JournalRecord) -> datetime | None:
    try:
        return _second(datetime.fromisoformat(record.created_at))
    except ValueError:
        return None


class CertifiedSpans:
    """``certificates.certificate_valid_at`` for a whole verification run, in one pass.

    The same rule (a certificate of that generation, issued by then, not
    revoked by then, whose chain verifies to the root), but each generation's
    certificates are read and their chains checked once, with one memoising
    ``Checker``, instead of once per entry: a verification of every journal
    asks this for every staff entry.
    """

    def __init__(self) -> None:
        self._spans: dict[tuple[int, int], list[tuple[datetime, datetime | None, bytes]]] = {}
        self._checker: Checker | None = None

    def __call__(
        self, session: Session, staff_id: int, generation: int, when: datetime
    ) -> bytes | None:
        """The key a certificate valid at ``when`` names (signed, so not the row's to change)."""
        spans = self._spans.get((staff_id, generation))
        if spans is None:
            spans = self._spans[(staff_id, generation)] = self._load(session, staff_id, generation)
        for start, end, public in spans:
            if start <= when and (end is None or when < end):
                return public
        return None

    def _load(
        self, session: Session, staff_id: int, generation: int
    ) -> list[tuple[datetime, datetime | None, bytes]]:
        if self._checker is None:
            self._checker = Checker(session, for_wraps=False)
        rows = session.scalars(
            select(HandlerCertificate).where(
                HandlerCertificate.staff_id == staff_id,
                HandlerCertificate.generation == generation,
            )
        )
        checker = self._checker
        spans = []
        for row in rows:
            if checker.chain_verifies(row):
                revoked = checker.revoked_since(row)
                end = None if revoked is None else _exact(revoked)
                spans.append((_exact(row.issued_at), end, row.subject_public))
        return spans


def _anchored_roots(
    session: Session,
) -> tuple[dict[int, tuple[datetime, datetime | None, bytes]], datetime | None]:
    """Each anchored root's span (its start to the next one's) and key; and the first start.

    Spans come from the anchored rows' ``created_at`` (covered by the root's
    link), never from ``retired_at``. With root links in the log but generation
    1 not anchored (its row gone or edited), every staff entry needs a
    certificate: the first start is then the earliest possible moment.
    """
    index = anchors.load(session)
    anchored = index.anchored_roots(session)
    spans: dict[int, tuple[datetime, datetime | None, bytes]] = {}
    for generation, row in anchored.items():
        successor = anchored.get(generation + 1)
        end = None if successor is None else _second(successor.created_at)
        spans[generation] = (_second(row.created_at), end, row.public)
    if 1 in spans:
        return spans, spans[1][0]
    return spans, (datetime.min.replace(tzinfo=UTC) if index.roots else None)


def _exact(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class AuthorKeys:
    """For ``crypto.verify_chain``: the key an entry's author had at the entry's date, or None.

    Loaded once per verification run (every identity, invitation and root);
    nothing is kept across runs.
    """

    def __init__(self, session: Session, certificate_check: CertificateCheck | None = None) -> None:
        self._session = session
        self._certified = certificate_check or CertifiedSpans()
        self._generations: dict[int, list[tuple[int, datetime, bytes]]] = {}
        for staff_id, generation, created_at, public in session.execute(
            select(
                StaffIdentity.staff_id,
                StaffIdentity.generation,
                StaffIdentity.created_at,
                StaffIdentity.public,
            ).order_by(StaffIdentity.staff_id, StaffIdentity.generation)
        ):
            self._generations.setdefault(staff_id, []).append(
                (generation, _second(created_at), public)
            )
        self._roots, self._first_root = _anchored_roots(session)
        self._codes: dict[str, bytes] = {}
        for invitation in session.scalars(select(RespondentInvitation)):
            self._codes[f"respondent:{invitation.uid}"] = invitation.identity_public
            if invitation.addressee_public is not None:
                self._codes[f"addressee:{invitation.uid}"] = invitation.addressee_public
        for uid, reporter_public in session.execute(
            select(Case.uid, Case.reporter_public).where(Case.reporter_public.is_not(None))
        ):
            if reporter_public is not None:
                self._codes[f"reporter:{uid}"] = reporter_public

    def __call__(self, record: JournalRecord) -> PublicIdentity | None:
        kind, _, rest = record.author.partition(":")
        if kind == "staff":
            return self._staff(record, rest)
        if kind == "custodians":
            return self._custodians(record, rest)
        if record.author == SYSTEM_AUTHOR:
            if record.kind not in SYSTEM_KINDS:
                return None
            return head_log.installation_key(self._session).system_identity().public()
        public = self._codes.get(record.author)
        return None if public is None else PublicIdentity.from_bytes(public)

    def _staff(self, record: JournalRecord, rest: str) -> PublicIdentity | None:
        staff_text, _, generation_text = rest.partition(":")
        when = entry_time(record)
        if not (staff_text.isdigit() and generation_text.isdigit()) or when is None:
            return None
        staff_id, generation = int(staff_text), int(generation_text)
        found = self._generations.get(staff_id, [])
        for index, (number, start, public) in enumerate(found):
            if number != generation:
                continue
            successor = found[index + 1][1] if index + 1 < len(found) else None
            if when < start or (successor is not None and when > successor):
                return None
            if not self._was_certified(staff_id, generation, when, public):
                return None
            return PublicIdentity.from_bytes(public)
        return None

    def _was_certified(self, staff_id: int, generation: int, when: datetime, public: bytes) -> bool:
        """Certified then, and for this very key (review finding 9a).

        The identity row is the database's to change: a key swapped into it,
        with every entry re-signed, keeps every entry's hash (the head log's)
        intact. The certificate's key is signed up to the anchored root.
        """
        # The log's root links decide whether a ceremony was held, not the rows:
        # emptying trust_roots or moving its dates does not switch this off.
        if self._first_root is None or when < self._first_root:
            return True
        return self._certified(self._session, staff_id, generation, when) == public

    def _custodians(self, record: JournalRecord, rest: str) -> PublicIdentity | None:
        when = entry_time(record)
        root = self._roots.get(int(rest)) if rest.isdigit() else None
        if root is None or when is None:
            return None
        start, retired, public = root
        if when < start or (retired is not None and when > retired):
            return None
        return PublicIdentity.from_bytes(public)
