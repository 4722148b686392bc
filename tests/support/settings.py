"""Changing a built app's settings, for tests that shrink a limit on a running app.

The app's settings are frozen (``wbs_app.settings``): writing to ``app.config``
after ``create_app`` changes nothing the app reads, so such a test swaps the
whole object instead.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from flask import Flask

from wbs_app.settings import AppSettings, install, settings


def replace_settings(app: Flask, **changes: Any) -> AppSettings:
    changed = dataclasses.replace(settings(app), **changes)
    install(app, changed)
    return changed
