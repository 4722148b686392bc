"""The test run's settings: which database, cheap Argon2, an app's configuration.

Kept apart from ``tests/conftest.py`` so that test modules and support helpers
import them from here, never from the conftest (a conftest is pytest's, and
importing it as a module loads it a second time).

The app's settings are frozen (``wbs_app.settings``): writing to ``app.config``
after ``create_app`` changes nothing the app reads, so a test that shrinks a
limit on a running app swaps the whole object (``replace_settings``).
"""

from __future__ import annotations

import dataclasses
import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy.engine import make_url

from config import argon2_settings
from crypto import TEST_ARGON2
from wbs_app.settings import AppSettings, install, settings

# Under pytest-xdist (``make test`` runs the suite in one worker per core) each
# worker is a process of its own with a name such as ``gw0``; empty otherwise.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


def _worker_database(url: str, worker: str) -> str:
    """The worker's own database beside the one named (``test`` -> ``test_gw0``).

    Every worker empties and migrates its database, so two must never share
    one; alone, the run uses the database it was given.
    """
    if not url or not worker:
        return url
    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_{worker}").render_as_string(hide_password=False)


# The database WBS_TEST_DATABASE_URL names, and the one this process tests on.
GIVEN_POSTGRES_URL = os.environ.get("WBS_TEST_DATABASE_URL", "")
POSTGRES_URL = _worker_database(GIVEN_POSTGRES_URL, WORKER)

# Cheap Argon2 for speed; tests/test_config.py pins the production values.
FAST_ARGON2 = argon2_settings(TEST_ARGON2)


def test_config(instance_path: Path, **extra: Any) -> dict[str, Any]:
    config: dict[str, Any] = {
        "ENV": "test",
        "TESTING": True,
        "INSTANCE_PATH": str(instance_path),
        "SECRET_KEY": secrets.token_hex(32),
        "INSTALLATION_SALT": secrets.token_hex(32),
        "PASSWORD_PEPPER": secrets.token_hex(32),
        "DATABASE_URL": POSTGRES_URL,
        **FAST_ARGON2,
    }
    config.update(extra)
    return config


test_config.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test


def replace_settings(app: Flask, **changes: Any) -> AppSettings:
    changed = dataclasses.replace(settings(app), **changes)
    install(app, changed)
    return changed
