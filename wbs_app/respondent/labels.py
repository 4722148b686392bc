"""Words of the respondent zone that its views share."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

# A kept statement meeting the code of another invitation than its own.
KEPT_STATEMENT_ELSEWHERE = _l(
    "This code opens another invitation than the one your kept statement was written to, so the statement was not sent and nothing was opened. Enter the code of the invitation you were answering. To open this invitation without the statement, start again from the code page."
)
# A kept statement (services.codes.held) that was no longer stored when the code came back.
KEPT_STATEMENT_GONE = _l(
    "Your unsent statement is no longer stored: it was deleted after some hours, for your safety. Please write it again."
)
