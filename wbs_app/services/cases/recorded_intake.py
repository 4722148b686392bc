"""A report received elsewhere (telephone, letter, SP4N-LAPOR! ...), recorded by a handler.

The handler writes down the 4W1H answers, attaches the scanned letter and
other files, and the case is filed exactly as a web report is
(``intake.file_case``): the same keys, wraps, records and notices, with its
channel in clear and the channel's reference number sealed to the handlers
(a LAPOR! ticket can lead to the reporter's account there). The journal says
who recorded it, from which channel, received on which day.

When the reporter can be reached, a receipt is made for them and printed as a
letter; the printed receipt is known to the handler, so the reporter's first
sign-in replaces it (``services.codes.receipt_takeover``). It is kept sealed
under the internal key until then, so that a jammed printer costs nothing.
When nobody can be reached (an anonymous letter), no receipt exists: the
case's lookup hash is random and the reporter key is wrapped to no reporter.

Files arrive in the same post as the text and are encrypted as they stream
in, under a draft's key (``intake.start_draft``); a post refused for its text
keeps them in that draft, and the draft's key becomes the case's reporter key
when the report is recorded, as for a reporter's own draft.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from crypto import (
    Argon2Params,
    CodeKind,
    DecryptionError,
    Identity,
    RecordContext,
    derive_code_secrets,
    generate_code,
    lookup_hash,
    open_record,
    seal_record,
)
from wbs_app.models import (
    Audience,
    AuthorKind,
    Case,
    CaseRecord,
    Channel,
    RecordedIntake,
    ReporterContact,
    StaffMember,
    SubmissionDraft,
)
from wbs_app.services.cases import case_keys, case_records, casefile, journal, routing
from wbs_app.services.cases.case_routing import covered_units
from wbs_app.services.cases.filing import FilingRefused, NewCase, file_case
from wbs_app.services.cases.intake import IntakeError, OpenDraft, validate_choice
from wbs_app.services.infra.argon2_gate import Argon2Gate, slot_between_transactions
from wbs_app.services.infra.clock import today
from wbs_app.services.infra.errors import DomainError
from wbs_app.services.infra.transactions import Lock, serialise
from wbs_app.services.office.deadlines import Deadlines

RECORDED = "recorded"
MAX_REFERENCE_CHARS = 100
# No report reaches an office older than this; an earlier date is a typo.
EARLIEST_RECEIVED = date(2000, 1, 1)
REFERENCE_KIND = "channel_reference"


class RecordingRefused(DomainError):
    """A recording refused before anything is written; the draft keeps what was sent."""

    codes = (
        "received_in_future",
        "received_too_early",
        "reference_too_long",
        "incomplete",
        "not_your_unit",
        "retry",
        *IntakeError.codes,
    )


class AlreadyRecorded(DomainError):
    """The same form was sent twice (a double click): the first post made ``case``."""

    code = "already_recorded"

    def __init__(self, case: Case) -> None:
        super().__init__()
        self.case = case


@dataclass(frozen=True)
class Recording:
    """What the handler wrote down about a report received elsewhere."""

    channel: Channel
    received_on: date
    reference: str
    contact: ReporterContact
    unit_id: int
    category_id: int
    report: dict[str, str]
    identity: dict[str, str] | None


@dataclass(frozen=True)
class Recorded:
    case: Case
    receipt: str | None  # None: nobody can be reached, no receipt was made
    storage_names: list[str]


def check(session: Session, recording: Recording, actor: StaffMember, office_today: date) -> None:
    """Refuse what cannot be recorded as it stands; ``office_today`` is the office's own date."""
    if recording.channel is Channel.WEB:
        raise RecordingRefused("bad_channel")  # the web form is the reporter's own
    if recording.received_on > office_today:
        raise RecordingRefused("received_in_future")
    if recording.received_on < EARLIEST_RECEIVED:
        raise RecordingRefused("received_too_early")
    if len(recording.reference) > MAX_REFERENCE_CHARS:
        raise RecordingRefused("reference_too_long")
    if not recording.report.get("what", "").strip():
        raise RecordingRefused("incomplete")
    try:
        validate_choice(session, recording.unit_id, recording.category_id)
    except IntakeError as refused:
        raise RecordingRefused(refused.code) from None
    if recording.unit_id not in covered_units(session, actor):
        raise RecordingRefused("not_your_unit")


def _route(session: Session, recording: Recording, actor: StaffMember) -> routing.Route:
    try:
        route = routing.plan(session, recording.unit_id, set())
    except routing.RouteRefused as refused:
        raise RecordingRefused(refused.code) from None
    if actor.id not in {staff.id for staff in route.recipients}:
        raise RecordingRefused("not_your_unit")  # whoever writes a report down holds it
    return route


def record(
    session: Session,
    draft: OpenDraft,
    recording: Recording,
    actor: StaffMember,
    identity: Identity,
    *,
    deadlines: Deadlines,
    office_today: date,
    installation_salt: bytes,
    params: Argon2Params,
    gate: Argon2Gate | None = None,
) -> Recorded:
    """File the recorded report as a case (the caller commits, then promotes the files)."""
    check(session, recording, actor, office_today)
    _route(session, recording, actor)  # refused before the Argon2 run
    receipt: str | None = None
    reporter = None
    if recording.contact is ReporterContact.LETTER:
        receipt = generate_code()
        with slot_between_transactions(session, gate, patient=True) as run:
            code_secrets = run(
                derive_code_secrets, receipt, CodeKind.RECEIPT, installation_salt, params
            )
        lookup = lookup_hash(code_secrets.lookup_id)
        reporter = Identity.from_seed(code_secrets.identity_seed).public()
    else:  # no receipt derives this: nobody can sign in to the case
        lookup = hashlib.sha256(secrets.token_bytes(32)).digest()
    serialise(session, Lock.HOLDERS)  # read again under the lock, as a web report is
    made = recorded_by_form(session, draft.row.id_hash)
    if made is not None:  # the other post of a double click got here first
        raise AlreadyRecorded(made)
    route = _route(session, recording, actor)
    files = draft.payload.files if draft.payload else []
    try:
        filed = file_case(
            session,
            NewCase(
                uid=draft.case_uid,
                reporter_key=draft.key,
                lookup=lookup,
                reporter=reporter,
                category_id=recording.category_id,
                received_on=recording.received_on,
                report=recording.report,
                identity=recording.identity,
                files=files,
                channel=recording.channel,
                recorded_by=actor,
            ),
            route,
            set(),
            deadlines,
        )
    except FilingRefused as refused:
        raise RecordingRefused(refused.code) from None
    case = filed.case
    if recording.reference:
        internal = case_keys.audience_key(session, case, Audience.INTERNAL)
        case_records.add_record(
            session,
            case,
            internal,
            filed.internal_key,
            REFERENCE_KIND,
            AuthorKind.STAFF,
            recording.reference.encode("utf-8"),
            author_staff_id=actor.id,
        )
    session.add(
        RecordedIntake(
            case_id=case.id,
            recorded_by=actor.id,
            contact=recording.contact,
            form_hash=draft.row.id_hash,
            sealed_receipt=(
                seal_record(filed.internal_key, receipt.encode("ascii"), _receipt_context(case))
                if receipt is not None
                else None
            ),
        )
    )
    journal.append(
        session,
        case,
        actor,
        identity,
        RECORDED,
        {
            "channel": recording.channel.value,
            "received_on": recording.received_on.isoformat(),
            "contact": recording.contact.value,
        },
    )
    session.execute(delete(SubmissionDraft).where(SubmissionDraft.id_hash == draft.row.id_hash))
    session.flush()
    return Recorded(case, receipt, filed.storage_names)


def recorded_by_form(session: Session, form_hash: bytes) -> Case | None:
    """The case this recording form already made, if it was sent before (a double click)."""
    found = session.scalar(select(RecordedIntake).where(RecordedIntake.form_hash == form_hash))
    return session.get(Case, found.case_id) if found is not None else None


def _receipt_context(case: Case) -> RecordContext:
    return RecordContext(case.uid, "printed_receipt", case.uid)


def recorded_intake(session: Session, case: Case) -> RecordedIntake | None:
    return session.get(RecordedIntake, case.id)


def kept_receipt(
    session: Session, case: Case, staff: StaffMember, identity: Identity
) -> str | None:
    """The printed receipt for a reprint of the letter; None once the reporter has replaced it."""
    found = recorded_intake(session, case)
    if found is None or found.sealed_receipt is None:
        return None
    key = casefile.internal_key(session, case, staff, identity)
    try:
        return open_record(key, found.sealed_receipt, _receipt_context(case)).decode("ascii")
    except DecryptionError:
        return None


def mark_letter_shown(session: Session, case: Case) -> None:
    """The day the letter was first drawn: the case page says it, so a second print is seen."""
    found = recorded_intake(session, case)
    if found is not None and found.letter_shown_on is None:
        found.letter_shown_on = today()
        session.flush()


def forget_receipt(session: Session, case: Case) -> None:
    """The reporter holds the letter now, and a receipt of their own: the copy goes."""
    found = recorded_intake(session, case)
    if found is not None:
        found.sealed_receipt = None
        session.flush()


@dataclass(frozen=True)
class ChannelFacts:
    """How a recorded report came in, for its handlers' case page."""

    channel: Channel
    received_on: date
    reference: str
    contact: ReporterContact
    recorded_by: str
    letter_shown_on: date | None
    receipt_kept: bool
    taken_over_on: date | None


def channel_facts(
    session: Session, case: Case, staff: StaffMember, identity: Identity
) -> ChannelFacts | None:
    """None for a web report; the reference is opened with the handler's internal key."""
    found = recorded_intake(session, case)
    if found is None:
        return None
    reference = ""
    row = session.scalar(
        select(CaseRecord).where(CaseRecord.case_id == case.id, CaseRecord.kind == REFERENCE_KIND)
    )
    if row is not None:
        key = casefile.internal_key(session, case, staff, identity)
        reference = open_record(key, row.ciphertext, case_keys.record_context(case, row)).decode(
            "utf-8"
        )
    recorder = session.get(StaffMember, found.recorded_by) if found.recorded_by else None
    return ChannelFacts(
        channel=case.channel,
        received_on=case.received_on,
        reference=reference,
        contact=found.contact,
        recorded_by=recorder.display_name if recorder is not None else "",
        letter_shown_on=found.letter_shown_on,
        receipt_kept=found.sealed_receipt is not None,
        taken_over_on=case.taken_over_on,
    )
