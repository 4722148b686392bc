"""What the team's status steps tell the reporter, worded for both sides of the thread.

The steps leave a notice code in the reporter thread (``services.cases.lifecycle``);
the reporter reads it in their language on their page, and the handlers see
the same words in the thread on the case page, so both know what was said.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

NOTICES = {
    "acknowledged": _l(
        "Your report has been received and acknowledged. The team is now verifying it."
    ),
    "investigating": _l("Verification is complete: your report is now being examined."),
    "not_competent": _l(
        "Your report concerns a matter outside this office's authority. The team may tell you where to turn."
    ),
    "referred": _l("Your report has been passed to the authority competent to handle it."),
    "decided": _l("The examination is finished and a finding has been made."),
    "sanctioned": _l("A violation was found and follow-up measures have been decided."),
    "closed": _l("Handling of your report is complete. Thank you for reporting."),
    "on_hold": _l("Handling of your report is paused for now."),
    "resumed": _l("Handling of your report has resumed."),
    "reopened": _l("Your report has been reopened and is being verified again."),
    "referred_up": _l(
        "Your report has been passed to the complaint unit of the tier above, which handles it from now on. Your receipt and this conversation stay the same."
    ),
    "referred_kpk": _l(
        "Your report has been passed to the Corruption Eradication Commission (KPK), which is competent to handle it."
    ),
    "referred_polri": _l(
        "Your report has been passed to the police (Polri), who are competent to handle it."
    ),
    "referred_kejaksaan": _l(
        "Your report has been passed to the public prosecution (Kejaksaan), which is competent to handle it."
    ),
    "referred_ombudsman": _l(
        "Your report has been passed to the Ombudsman of the Republic of Indonesia, which is competent to handle it."
    ),
    "referred_apip": _l(
        "Your report has been passed to the Inspectorate General (APIP), which is competent to handle it."
    ),
    "referred_other": _l(
        "Your report has been passed to another authority competent to handle it. You can still ask the team here."
    ),
    "archived": _l(
        "The team archived your report as a repeat of another report or as not a real report. If this is a mistake, answer here: the team can reopen it."
    ),
}
