"""The guessing brake's answer on the code login pages (reporter, respondent)."""

from __future__ import annotations

from typing import Any

from flask import make_response, render_template
from flask_babel import gettext as _
from werkzeug.wrappers import Response


def brake_response(template: str, form: Any, seconds: int) -> Response:
    """429 with Retry-After, before any Argon2 work, to the browser whose codes failed.

    The count is that browser's own (``services.codes.guessing``): every other
    reporter goes on signing in. Refusing at once (rather than sleeping)
    keeps a guesser from holding the threads and Argon2 slots others need.
    """
    seconds = max(1, seconds)
    error = _(
        "Several codes typed in this browser were not right. Check the code digit by digit, wait %(seconds)d seconds and try again.",
        seconds=seconds,
    )
    response = make_response(render_template(template, form=form, error=error), 429)
    response.headers["Retry-After"] = str(seconds)
    return response


def busy_response(template: str, form: Any, retry_after: int) -> Response:
    """503 with Retry-After, on the code page itself, when the Argon2 gate is full.

    For a code page that holds a kept message's key (``services.codes.held``): the
    app's generic busy page would lose it, so the same page comes back to be
    sent again in a moment.
    """
    error = _(
        "Many people are signing in at this moment. Wait a few seconds and try again: what you wrote is still kept."
    )
    response = make_response(render_template(template, form=form, error=error), 503)
    response.headers["Retry-After"] = str(retry_after)
    return response
