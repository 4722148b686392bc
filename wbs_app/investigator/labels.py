"""Handler-facing words for statuses, steps and their choices."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

# The words of the workflow facts, which the statistics and the public page show too.
from wbs_app.web.case_words import CHANNELS as CHANNELS
from wbs_app.web.case_words import DEADLINE_KINDS as DEADLINE_KINDS
from wbs_app.web.case_words import FINDINGS as FINDINGS
from wbs_app.web.case_words import LEVELS as LEVELS
from wbs_app.web.case_words import STATUS as STATUS

# What a notice tells its handler (``services.cases.staff_notices``).
NOTICES = {
    "new_case": _l("New report"),
    "reporter_message": _l("The reporter wrote"),
    "respondent_statement": _l("A statement from an invited official"),
    "extension_request": _l("A request for more time to answer"),
    "deadline_soon": _l("A deadline falls due within two working days"),
    "deadline_missed": _l("A deadline was missed"),
    "escalation": _l("A missed deadline in a unit below: escalated to you"),
}
# Triage marks (``services.cases.triage``); "" is no mark.
TRIAGE = {
    "": _l("No mark"),
    "spam": _l("Spam"),
    "duplikat": _l("Duplicate"),
}
STEPS = {
    "acknowledge": _l("Acknowledge receipt"),
    "verification": _l("Record the verification"),
    "investigation": _l("Record an examination step"),
    "finding": _l("Record the finding"),
    "sanction": _l("Record the sanction"),
    "status": _l("Change the status"),
    "reopen": _l("Reopen the case"),
    "identity_viewed": _l("Reporter's identity viewed"),
    "access_granted": _l("Access granted"),
    "access_regranted": _l("Access granted again (new key)"),
    "access_revoked": _l("Access revoked"),
    "recovery_regranted": _l("Access given back from the recovery key"),
    "assigned": _l("Case assigned"),
    "invitation_created": _l("Invitation to answer created"),
    "statement_received": _l("Statement received"),
    "extension_requested": _l("More time requested"),
    "extension_granted": _l("More time granted"),
    "extension_refused": _l("More time refused"),
    "outcome_notified": _l("Outcome sent to the respondent"),
    "invitation_taken_over": _l("Invitation taken over by its addressee"),
    "invitation_reissued": _l("New invitation issued; the old one closed"),
    "note": _l("Note"),
    "category_changed": _l("Category changed"),
    "unit_changed": _l("Case moved to another unit"),
    "retaliation_reported": _l("Reporter reported retaliation"),
    "withdrawn": _l("Report withdrawn by the reporter"),
    "retaliation_acknowledged": _l("Report of retaliation taken up"),
    "triage": _l("Triage mark changed"),
    "archived": _l("Archived as spam or duplicate"),
    "deadline_escalated": _l("Missed deadline escalated up the tree"),
    "escalation_ended": _l("Escalation ended"),
    "recorded": _l("Report recorded from another channel"),
    "receipt_taken_over": _l("Printed receipt replaced by the reporter's own"),
    "record_confirmed": _l("Reporter confirmed the record of their report"),
    "record_corrected": _l("Reporter corrected the record of their report"),
    "case_linked": _l("Case linked to another"),
    "case_unlinked": _l("Link to another case removed"),
    "referred_up": _l("Case referred to the tier above"),
    "referral": _l("Refer to an outside body"),
}
CONTACTS = {
    "surat": _l("a receipt letter was printed for the reporter"),
    "tidak_ada": _l("the reporter cannot be reached: no receipt exists"),
}
LINK_KINDS = {
    "sama": _l("Same matter (counted once)"),
    "terkait": _l("Related"),
}
# Bodies outside the ministry a case is referred to (``lifecycle.OUTSIDE_BODIES``).
OUTSIDE_BODIES = {
    "kpk": _l("KPK (Corruption Eradication Commission)"),
    "polri": _l("Polri (National Police)"),
    "kejaksaan": _l("Kejaksaan (Public Prosecution)"),
    "ombudsman": _l("Ombudsman RI"),
    "apip": _l("APIP (Inspektorat Jenderal)"),
    "other": _l("Another body (name it)"),
}
# What the sender chose; each revocation it led to is an entry of its own.
REFERRAL_ACCESS = {
    "kept": _l("the sending unit keeps access"),
    "ended": _l("the sending unit's access ends (each revocation follows in the journal)"),
}
ROLES = {
    "accused": _l("Accused (terlapor), to answer the allegation"),
    "witness": _l("Witness, for clarification"),
}
# Short forms, for the journal's author and the invitation's line.
RESPONDENT_ROLES = {
    "accused": _l("Accused (terlapor)"),
    "witness": _l("Witness"),
}
STAFF_ROLES = {
    "admin": _l("Administrator"),
    "investigator": _l("Investigator"),
    "supervisor": _l("Supervisor"),
}
THREAD_KINDS = {
    "message": _l("message"),
    "question": _l("question"),
    "notice": _l("notice"),
    "withdrawal": _l("withdrawal"),
    "statement": _l("statement"),
    "extension_request": _l("request for more time"),
    "outcome": _l("outcome"),
    "retaliation": _l("report of retaliation"),
    "confirmation": _l("record confirmed"),
    "correction": _l("correction of the record"),
}
CONCLUSIONS = {
    "complete": _l("Complete"),
    "needs_information": _l("Needs more information from the reporter"),
    "proceed": _l("Proceed to examination"),
    "not_competent": _l("Not within authority"),
    # Written before referrals became a step of their own (issue 20): read in old journals.
    "referred": _l("Refer to the competent authority"),
}
ACTIVITIES = {
    "interview": _l("Interview"),
    "documents": _l("Documents examined"),
    "site_visit": _l("Site visit"),
    "clarification": _l("Clarification from the accused"),
    "other": _l("Other"),
}
# Why an escalation ended (``services.cases.escalation``).
ESCALATION_ENDS = {
    "met": _l("The deadline was met"),
    "case_ended": _l("The case ended"),
}
DEADLINES = {
    "done": _l("done"),
    "on_time": _l("on time"),
    "due_soon": _l("due soon"),
    "overdue": _l("overdue"),
}


def resolved(labels: dict[str, Any]) -> dict[str, str]:
    """The labels in the request's language, as plain strings.

    A lazy string is translated again each time a template prints it: the
    inbox printed four per row, and the profile of its page showed them.
    """
    return {key: str(label) for key, label in labels.items()}


# A respondent's statement and what its signature shows (services.respondents.respondent_signatures).
SIGNATURES = {
    "addressee": _l("Signed by the invitation's addressee"),
    "printed": _l(
        "Sent with the printed code, before the invitation was taken over: "
        "this does not show who wrote it"
    ),
    "broken": _l(
        "This statement's signature does not match: it is not shown to be the addressee's"
    ),
}
