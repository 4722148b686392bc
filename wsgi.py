"""WSGI entry point for gunicorn (``wsgi:app``) and ``flask --app wsgi``.

A configuration that cannot run (missing secrets, a database made with
another installation salt) ends the process with its one-line explanation
rather than a traceback: the operator reads what to do, not where it failed.
"""

from config import ConfigError
from wbs_app.factory import create_app

try:
    app = create_app()
except ConfigError as error:
    raise SystemExit(f"Lentera cannot start: {error}") from None
