"""Handler views: the inbox and the case (report, files, thread, notes, journal, steps)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from wbs_app.appctx import current_deadlines
from wbs_app.db import request_session
from wbs_app.form_base import row_id
from wbs_app.i18n import current_language
from wbs_app.investigator import bp, journal_view, labels
from wbs_app.investigator.cases import held_case
from wbs_app.investigator.classification import Classification
from wbs_app.investigator.classification import classification as classification_for
from wbs_app.investigator.forms import (
    AccessForm,
    CloseThreadsForm,
    ExtensionDecisionForm,
    InvitationForm,
    MessageForm,
    NoteForm,
    RespondentMessageForm,
    RetaliationAckForm,
    RevealForm,
    StepForm,
)
from wbs_app.investigator.linking import Linking
from wbs_app.investigator.linking import linking as linking_for
from wbs_app.models import Case, CaseStatus, Channel, RespondentInvitation
from wbs_app.notices import refused
from wbs_app.refusals import MESSAGES, refusal_message
from wbs_app.security.downloads import download_response
from wbs_app.security.staff_auth import signed_in
from wbs_app.security.zones import INVESTIGATOR, zone
from wbs_app.services.cases import (
    access,
    casefile,
    inbox,
    journal,
    lifecycle,
    regrant_wait,
    reporter_channel,
    staff_notices,
)
from wbs_app.services.cases.case_keys import NoAccess
from wbs_app.services.cases.lifecycle import StepRefused
from wbs_app.services.infra.clock import local_today
from wbs_app.services.infra.errors import DomainError
from wbs_app.services.office import organisation
from wbs_app.services.office.catalogue import active_categories
from wbs_app.services.office.deadlines import DeadlineKind
from wbs_app.services.respondents import (
    invitation_letter,
    respondent,
    respondent_signatures,
    right_of_reply,
)
from wbs_app.settings import settings
from wbs_app.web import uploads
from wbs_app.web.reporter_notices import NOTICES


def _filters() -> inbox.InboxFilter:
    args = request.args
    status = args.get("status", "")
    return inbox.InboxFilter(
        status=CaseStatus(status) if status in {s.value for s in CaseStatus} else None,
        unit_id=row_id(args.get("unit")),
        category_id=row_id(args.get("category")),
        overdue=args.get("overdue") == "1",
        triage=args.get("triage") == "1",
        channel=_channel(args.get("channel", "")),
    )


def _channel(value: str) -> Channel | None:
    try:
        return Channel(value)
    except ValueError:
        return None


@bp.get("/kasus")
@zone(INVESTIGATOR)
def inbox_page() -> str:
    context = signed_in()
    db = request_session()
    number = max(request.args.get("hal", 1, type=int) or 1, 1)
    filters = _filters()
    rows, more = inbox.page(db, context.staff, filters, number)
    return render_template(
        "investigator/inbox.html",
        rows=rows,
        more=more,
        page=number,
        filters=filters,
        categories=inbox.category_names(db, current_language()),
        active=active_categories(db),
        units=organisation.unit_tree(db),
        # Translated once per page, not once per row (the lazy strings would be).
        status_labels=labels.resolved(labels.STATUS),
        deadline_labels=labels.resolved(labels.DEADLINES),
        triage_labels=labels.resolved(labels.TRIAGE),
        channel_labels=labels.resolved(labels.CHANNELS),
        awaiting=regrant_wait.awaiting(db, context.staff.id),
    )


def _step_form() -> StepForm:
    form = StepForm()
    form.conclusion.choices = [
        SelectChoice(k, str(v))
        for k, v in labels.CONCLUSIONS.items()
        if k in lifecycle.VERIFICATION_OUTCOMES  # "referred" is the referral step's now
    ]
    form.activity.choices = [SelectChoice(k, str(v)) for k, v in labels.ACTIVITIES.items()]
    form.finding.choices = [SelectChoice(k, str(v)) for k, v in labels.FINDINGS.items()]
    form.level.choices = [SelectChoice(k, str(v)) for k, v in labels.LEVELS.items()]
    form.to.choices = [SelectChoice(k, str(v)) for k, v in labels.STATUS.items()]
    form.outside_body.choices = [SelectChoice(k, str(v)) for k, v in labels.OUTSIDE_BODIES.items()]
    return form


def render_case(
    case: Case,
    *,
    reveal: bool = False,
    step_form: StepForm | None = None,
    classification: Classification | None = None,
    retaliation_form: RetaliationAckForm | None = None,
    linking: Linking | None = None,
    status: int = 200,
) -> Any:
    context = signed_in()
    db = request_session()
    seen = inbox.newest_record(db, case)  # before the records: the marker is what is shown
    try:
        file = casefile.staff_file(
            db, case, context.staff, context.identity, reveal_identity=reveal
        )
        notes = casefile.read_notes(db, case, context.staff, context.identity)
        invitations = _invitations(case)
        respondent_keys = {
            author: key
            for invitation, key, _, _, _ in invitations
            for author in journal.respondent_authors(invitation)
        }
        internal = casefile.internal_key(db, case, context.staff, context.identity)
        reporter_key = casefile.reporter_key_for_staff(db, case, context.staff, context.identity)
        respondent_keys.update(reporter_channel.reporter_keys(case, reporter_key))
        timeline = journal.read(db, case, internal, respondent_keys)
    except NoAccess:
        abort(404)
    if status < 400:  # a refused post drawn again changes nothing, not even what was read
        inbox.mark_read(db, context.staff, case, seen)
        staff_notices.mark_case_read(db, context.staff, case)
    db.commit()  # a reveal's journal entry (who looked) and its marker; a GET only ends its read
    moves = sorted(lifecycle.STATUS_MOVES.get(case.status, frozenset()), key=lambda s: s.value)
    holders = access.holders(db, case)
    grantable = access.grantable(db, case)
    # A holder with an old key is given back on his own line of the list,
    # not offered a second time in the grant form below it.
    old_keys = {holder.staff.id for holder in holders if holder.state == "old_key"}
    grant_form = AccessForm(formdata=None)
    grant_form.staff_id.choices = [
        SelectChoice(staff.id, staff.display_name)
        for staff in grantable
        if staff.id not in old_keys
    ]
    return render_template(
        "investigator/case.html",
        case=case,
        file=file,
        notes=notes,
        timeline=journal_view.present(timeline, journal.authors(db, timeline)),
        category=inbox.category_names(db, current_language()).get(case.category_id, ""),
        message_form=MessageForm(formdata=None),
        note_form=NoteForm(formdata=None),
        reveal_form=RevealForm(),
        retaliation_form=retaliation_form or RetaliationAckForm(formdata=None),
        step_form=step_form or _step_form(),
        moves=moves,
        labels=labels,
        holders=holders,
        regrantable={staff.id for staff in grantable if staff.id in old_keys},
        invitations=[
            (invitation, allegation, right_of_reply.worded(thread), signatures)
            for invitation, _, allegation, thread, signatures in invitations
        ],
        # The right of reply: decisions wait for these, or say why they do not.
        answer_running=[
            invitation
            for invitation, *_ in invitations
            if right_of_reply.answer_running(invitation)
        ],
        open_threads=[invitation for invitation, *_ in invitations if not invitation.closed_on],
        close_form=CloseThreadsForm(formdata=None),
        requested_days=right_of_reply.requested_days,
        notices=NOTICES,
        invitation_form=_invitation_form(),
        extension_form=_extension_form(),
        respondent_message_form=RespondentMessageForm(formdata=None),
        grant_form=grant_form,
        access_form=AccessForm(formdata=None),
        classification=classification or classification_for(case),
        linking=linking or linking_for(case),
        can_refer=lifecycle.can_refer(case),
    ), status


def _respondent_counts_working_days() -> bool:
    return current_deadlines().counts_working_days(DeadlineKind.RESPONDENT)


def _extension_form() -> ExtensionDecisionForm:
    form = ExtensionDecisionForm(formdata=None)
    if _respondent_counts_working_days():
        form.days.label.text = _("Extra working days, if granted")
    return form


def _invitation_form() -> InvitationForm:
    form = InvitationForm(
        formdata=None,
        data={
            "days": str(current_deadlines().respondent_days),
            "once": invitation_letter.new_form_token(),
        },
    )
    if _respondent_counts_working_days():  # counted as the office counts this deadline
        form.days.label.text = _("Working days to answer")
    form.role.choices = [
        SelectChoice("accused", str(labels.ROLES["accused"])),
        SelectChoice("witness", str(labels.ROLES["witness"])),
    ]
    return form


def _invitations(
    case: Case,
) -> list[tuple[RespondentInvitation, bytes, dict[str, str], list[Any], dict[str, str]]]:
    """Each invitation with its summary, thread and statements' signatures, with its key."""
    context = signed_in()
    db = request_session()
    found = []
    for invitation in respondent.invitations(db, case):
        try:
            key = respondent.staff_key(db, case, invitation, context.staff, context.identity)
        except NoAccess:
            continue
        allegation, thread = respondent.read_thread(db, case, invitation, key)
        signatures = respondent_signatures.verdicts(db, case, invitation, key, thread)
        found.append((invitation, key, allegation, thread, signatures))
    return found


@bp.get("/kasus/<int:case_id>")
@zone(INVESTIGATOR)
def case_page(case_id: int) -> Any:
    return render_case(held_case(case_id))


@bp.post("/kasus/<int:case_id>/identitas")
@zone(INVESTIGATOR)
def reveal_identity(case_id: int) -> Any:
    if not RevealForm().validate_on_submit():
        abort(400)
    return render_case(held_case(case_id), reveal=True)


@bp.post("/kasus/<int:case_id>/pesan")
@zone(INVESTIGATOR)
def send_message(case_id: int) -> Response:
    context = signed_in()
    case = held_case(case_id)
    form = MessageForm()
    db = request_session()
    if form.validate_on_submit():
        kind = "question" if form.question.data else "message"
        try:
            casefile.add_staff_message(
                db, case, context.staff, context.identity, form.text.data, kind
            )
        except NoAccess:
            abort(404)
        db.commit()
        flash(_("Message sent; the reporter reads it at their next visit."))
    else:
        refused(_("Write a message first."))
    return redirect(url_for("investigator.case_page", case_id=case_id))


@bp.post("/kasus/<int:case_id>/catatan")
@zone(INVESTIGATOR)
def add_note(case_id: int) -> Response:
    context = signed_in()
    case = held_case(case_id)
    form = NoteForm()
    db = request_session()
    if form.validate_on_submit():
        try:
            casefile.add_note(db, case, context.staff, context.identity, form.text.data)
        except NoAccess:
            abort(404)
        except DomainError as error:
            refused(refusal_message(error))
            return redirect(url_for("investigator.case_page", case_id=case_id))
        db.commit()
        flash(_("Note saved."))
    else:  # an empty note said nothing at all before
        refused(MESSAGES["note_empty"])
    return redirect(url_for("investigator.case_page", case_id=case_id))


@bp.post("/kasus/<int:case_id>/tindakan-balasan")
@zone(INVESTIGATOR)
def acknowledge_retaliation(case_id: int) -> Any:
    """A handler takes up the reporter's report of retaliation (journaled, marker cleared)."""
    context = signed_in()
    case = held_case(case_id)
    form = RetaliationAckForm()
    if not form.validate_on_submit():
        return render_case(case, retaliation_form=form, status=400)
    db = request_session()
    try:
        reporter_channel.acknowledge(
            db, case, context.staff, context.identity, form.retaliation_note.data
        )
    except NoAccess:
        abort(404)
    except reporter_channel.NothingToAcknowledge:
        db.rollback()
        refused(_("A colleague has already taken up this report of retaliation."))
        return redirect(url_for("investigator.case_page", case_id=case_id))
    db.commit()
    flash(_("Recorded in the journal: the report of retaliation is taken up."))
    return redirect(url_for("investigator.case_page", case_id=case_id))


@bp.post("/kasus/<int:case_id>/langkah")
@zone(INVESTIGATOR)
def record_step(case_id: int) -> Any:
    context = signed_in()
    case = held_case(case_id)
    form = _step_form()
    db = request_session()
    if not form.validate_on_submit():
        return render_case(case, step_form=form, status=400)
    try:
        lifecycle.record_step(
            db,
            case,
            context.staff,
            context.identity,
            form.kind.data,
            form.values(),
            local_today(settings().timezone),
        )
    except NoAccess:
        abort(404)
    except StepRefused as refused:
        db.rollback()
        message = refusal_message(refused)
        target = getattr(form, refused.field, None) if refused.field else None
        if target is not None:
            target.errors = [*target.errors, message]
        else:
            form.form_errors.append(message)
        return render_case(held_case(case_id), step_form=form, status=400)
    db.commit()
    flash(_("Step recorded in the journal."))
    return redirect(url_for("investigator.case_page", case_id=case_id))


@bp.get("/kasus/<int:case_id>/berkas/<int:file_id>")
@zone(INVESTIGATOR)
def download(case_id: int, file_id: int) -> Response:
    context = signed_in()
    case = held_case(case_id)
    db = request_session()
    try:
        key = casefile.reporter_key_for_staff(db, case, context.staff, context.identity)
        found = casefile.open_file(db, uploads.store(), case, key, file_id)
    except NoAccess:
        abort(404)
    return download_response(found.file.filename, found.file.size, found.chunks)
