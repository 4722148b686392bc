"""The anonymous guessing brake's answer on the code login pages (reporter, respondent)."""

from __future__ import annotations

import math
from typing import Any

from flask import make_response, render_template
from flask_babel import gettext as _
from werkzeug.wrappers import Response


def brake_response(template: str, form: Any, delay: float) -> Response:
    """429 with Retry-After, before any Argon2 work.

    The brake counts failures for everybody, never per address, so the same
    answer reaches a guesser and an honest reporter alike; refusing at once
    (rather than sleeping) keeps a guessing flood from holding the threads and
    Argon2 slots that staff sign-ins and new reports need.
    """
    seconds = max(1, math.ceil(delay))
    error = _(
        "Many codes were tried in the last minute. To protect every report, wait %(seconds)d seconds and try again.",
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
