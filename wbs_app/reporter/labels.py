"""Plain-language words for a case's status, as a reporter reads them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from wbs_app.models import CaseStatus
from wbs_app.refusals import MESSAGES

REPORTER_STATUS = {
    CaseStatus.RECEIVED: (
        _l("Received"),
        _l("Your report has arrived and is waiting to be acknowledged by the team."),
    ),
    CaseStatus.VERIFICATION: (
        _l("Being verified"),
        _l("The team is checking whether the report is complete and within its authority."),
    ),
    CaseStatus.INVESTIGATION: (
        _l("Under examination"),
        _l(
            "The team is examining the evidence and may ask the people concerned for clarification."
        ),
    ),
    CaseStatus.DECISION: (
        _l("Decision in preparation"),
        _l("The examination is finished; a finding is being made."),
    ),
    CaseStatus.SANCTION: (
        _l("Follow-up"),
        _l("A violation was found and the follow-up is under way."),
    ),
    CaseStatus.CLOSED: (_l("Completed"), _l("Handling of your report is complete.")),
    CaseStatus.REFERRED: (
        _l("Referred"),
        _l("Your report was passed to the authority competent to handle it."),
    ),
    CaseStatus.NOT_COMPETENT: (
        _l("Not within our authority"),
        _l("The matter is outside the authority of this office; see the team's message."),
    ),
    CaseStatus.ON_HOLD: (_l("On hold"), _l("Handling is paused for now; see the team's message.")),
    CaseStatus.WITHDRAWN: (_l("Withdrawn"), _l("You withdrew this report.")),
    CaseStatus.ARCHIVED: (
        _l("Archived"),
        _l("The team archived this report; see the team's message."),
    ),
}

CHOOSE_CATEGORY_LABEL = _l("— Choose one —")

NOT_SURE_LABEL = _l("Not sure (the regional office decides)")

# Every supervisor excluded, and a unit above whose own team can take the report
# (services.cases.routing): shown with its name on the review page, before anything is sent.
ROUTE_UP_OFFER = _l(
    "Your report was not sent yet: the people you excluded include every supervisor who receives reports about this unit. You can send it instead to the complaint team of the unit above, named below. The people you excluded will not receive it there either. Nothing you wrote is lost."
)

# A send the Argon2 gate could not take in time (other people's sign-ins).
SEND_BUSY = _l(
    "Many people are signing in or sending reports at this moment, so your report was not sent yet. Everything is kept: wait a few seconds and press “Send the report” again."
)
SENDS_CROWDED = _l(
    "Many reports are arriving at this moment, so yours was not sent yet. Everything is kept: wait a few seconds and press “Send the report” again."
)

# A kept reply (services.codes.held) meeting the receipt of another report than its own.
KEPT_REPLY_ELSEWHERE = MESSAGES["held_elsewhere"]
# A kept reply (services.codes.held) that was no longer stored when the receipt came back.
KEPT_REPLY_GONE = MESSAGES["gone"]
# A report of retaliation (services.cases.reporter_channel) that reached the team.
RETALIATION_SENT = _l(
    "Your report of retaliation was sent. The team handling your report is alerted and must take it up."
)

# A kept post sent with a printed receipt, before its new receipt was typed back:
# that visit signs nothing (``services.codes.receipt_takeover``).
KEPT_BEFORE_TAKE_OVER = _l(
    "Your message is kept, not sent: first write down your new code, then sign in with it and "
    "write the message again."
)
