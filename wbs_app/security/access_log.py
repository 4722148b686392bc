"""What the access log may say of a request: a path template on the staff side, nothing else.

gunicorn's access log (``gunicorn.conf.py``) printed every path as sent, so a
staff page named its case and file ids (``/staf/pengelola/kasus/41/berkas/7``)
and a reporter's visit left the minute of every page, which together with a
case's journal tells who wrote when (issue 18). The log line now takes its
request part from the WSGI environ (``ENVIRON_KEY``, gunicorn's
``%({lentera.access}e)s``), which the app fills once the URL is matched:

- on the staff side (``/staf``): the method and the route's template
  (``GET /staf/pengelola/kasus/<int:case_id>``), never an id or a query;
- everywhere else (the reporter and respondent sides, the landing page and
  guide a reporter reads first, assets, unknown addresses): ``-``.

Status and duration are gunicorn's own atoms; the response size is left out
everywhere (a download's size is its file's exact size).
"""

from __future__ import annotations

from flask import Flask, request

from wbs_app.security.sides import STAFF_PATH

ENVIRON_KEY = "lentera.access"
# gunicorn.conf.py repeats this format (it imports none of the app); a test compares them.
ACCESS_LOG_FORMAT = "%({" + ENVIRON_KEY + "}e)s %(s)s %(M)sms"
QUIET = "-"


def describe(rule: str | None, method: str) -> str:
    """The request part of a log line: a staff route's method and template, or ``QUIET``."""
    if rule is None or not (rule == STAFF_PATH or rule.startswith(STAFF_PATH + "/")):
        return QUIET
    return f"{method} {rule}"


def register_access_log(app: Flask) -> None:
    """Describe each request before any other hook runs (one may answer it: CSRF, a guard)."""

    def describe_for_the_log() -> None:
        rule = request.url_rule
        request.environ[ENVIRON_KEY] = describe(rule.rule if rule else None, request.method)

    app.before_request_funcs.setdefault(None, []).insert(0, describe_for_the_log)
