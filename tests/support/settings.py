"""The test run's settings: which database, cheap Argon2, an app's configuration.

Kept apart from ``tests/conftest.py`` so that test modules and support helpers
import them from here, never from the conftest (a conftest is pytest's, and
importing it as a module loads it a second time).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

POSTGRES_URL = os.environ.get("WBS_TEST_DATABASE_URL", "")

# Cheap Argon2 for speed; tests/test_config.py pins the production values.
FAST_ARGON2 = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_KIB": 8, "ARGON2_PARALLELISM": 1}


def test_config(instance_path: Path, **extra: Any) -> dict[str, Any]:
    config: dict[str, Any] = {
        "ENV": "test",
        "TESTING": True,
        "INSTANCE_PATH": str(instance_path),
        "SECRET_KEY": secrets.token_hex(32),
        "INSTALLATION_SALT": secrets.token_hex(32),
        "DATABASE_URL": POSTGRES_URL,
        **FAST_ARGON2,
    }
    config.update(extra)
    return config


test_config.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test
