"""Making a case: the one way a report becomes a case, whoever filed it.

A reporter's web form (``services.cases.intake``) and a handler recording a
report received elsewhere (``services.cases.recorded_intake``) both end here,
so that every case has the same keys, wraps, records and notices whatever
door it came in by.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crypto import PublicIdentity, new_key
from wbs_app.models import (
    Audience,
    AuthorKind,
    Case,
    CaseStatus,
    Channel,
    HandlerExclusion,
    RecipientKind,
    StaffMember,
)
from wbs_app.services.cases import case_keys, case_records, routing, staff_notices
from wbs_app.services.cases.case_records import FileInfo
from wbs_app.services.infra.clock import today
from wbs_app.services.infra.errors import DomainError
from wbs_app.services.office.deadlines import Deadlines


class FilingRefused(DomainError):
    """A receipt collision (astronomically rare): the filer tries again."""

    code = "retry"


@dataclass(frozen=True)
class NewCase:
    """What a new case is made of, whoever filed it: the reporter on the web form, or a
    handler recording a report received elsewhere (``services.cases.recorded_intake``).

    ``reporter`` is the identity the receipt derives, None when no receipt
    exists (a recorded report whose reporter cannot be reached); ``lookup`` is
    then a random value no receipt derives. ``recorded_by`` is the handler
    who wrote the report down: its records are theirs, not the reporter's.
    """

    uid: str
    reporter_key: bytes
    lookup: bytes
    reporter: PublicIdentity | None
    category_id: int
    received_on: date
    report: dict[str, str]
    identity: dict[str, str] | None
    files: list[FileInfo]
    channel: Channel = Channel.WEB
    recorded_by: StaffMember | None = None


@dataclass(frozen=True)
class Filed:
    case: Case
    internal_key: bytes
    storage_names: list[str]


def file_case(
    session: Session,
    new: NewCase,
    route: routing.Route,
    excluded_staff_ids: set[int],
    deadlines: Deadlines,
) -> Filed:
    """Make the case, its keys, wraps, records and attachment rows (the caller commits).

    The one way a case comes to exist: the reporter key is wrapped to the
    receipt's identity and every key to the route's recipients, the
    reporter's exclusions are kept, the recipients are told.
    """
    acknowledge_due, verification_due, feedback_due = deadlines.case_dues(new.received_on)
    case = Case(
        uid=new.uid,
        lookup_hash=new.lookup,
        unit_id=route.unit_id,
        category_id=new.category_id,
        status=CaseStatus.RECEIVED,
        status_changed_on=today(),
        received_on=new.received_on,
        acknowledge_due=acknowledge_due,
        verification_due=verification_due,
        feedback_due=feedback_due,
        acknowledged_on=None,
        reporter_public=new.reporter.to_bytes() if new.reporter is not None else None,
        channel=new.channel,
    )
    session.add(case)
    try:
        session.flush()
    except IntegrityError:
        raise FilingRefused() from None  # a receipt collision: astronomically rare

    reporter_key, internal_key = new.reporter_key, new_key()
    reporter_row = case_keys.new_audience_key(session, case, Audience.REPORTER, "", reporter_key)
    internal_row = case_keys.new_audience_key(session, case, Audience.INTERNAL, "", internal_key)
    if new.reporter is not None:
        case_keys.wrap_to_holder(
            session, case, reporter_row, reporter_key, new.reporter, RecipientKind.REPORTER
        )
    for staff in route.recipients:
        case_keys.wrap_to_staff(session, case, reporter_row, reporter_key, staff)
        case_keys.wrap_to_staff(session, case, internal_row, internal_key, staff)
    for staff_id in excluded_staff_ids & {staff.id for staff in route.handlers}:
        session.add(HandlerExclusion(case_id=case.id, staff_id=staff_id))
    recorder = new.recorded_by
    others = [staff for staff in route.recipients if recorder is None or staff.id != recorder.id]
    staff_notices.new_case(session, case, others)  # the recorder knows already
    author = AuthorKind.STAFF if recorder is not None else AuthorKind.REPORTER
    author_id = recorder.id if recorder is not None else None

    report = case_records.add_record(
        session,
        case,
        reporter_row,
        reporter_key,
        "report",
        author,
        json.dumps(new.report, ensure_ascii=False).encode("utf-8"),
        author_staff_id=author_id,
    )
    if new.identity:
        case_records.add_record(
            session,
            case,
            internal_row,
            internal_key,
            "identity",
            author,
            json.dumps(new.identity, ensure_ascii=False).encode("utf-8"),
            author_staff_id=author_id,
        )
    names = case_records.attach_files(session, case, reporter_row, reporter_key, report, new.files)
    return Filed(case, internal_key, names)
