"""WSGI entry point for gunicorn (``wsgi:app``) and ``flask --app wsgi``."""

from wbs_app import create_app

app = create_app()
