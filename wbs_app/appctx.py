"""Settings turned into the objects services take, for the current app.

Services never read Flask's config; views call these and pass the result.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app

from crypto import Argon2Params
from wbs_app.db import request_session
from wbs_app.services.argon2_gate import Argon2Gate
from wbs_app.services.organisation import DEADLINE_KEYS, Deadlines, deadlines
from wbs_app.services.staff_sessions import SessionPolicy

ARGON2_GATE = "lentera.argon2_gate"


def argon2_params() -> Argon2Params:
    config = current_app.config
    return Argon2Params(
        time_cost=int(config["ARGON2_TIME_COST"]),
        memory_kib=int(config["ARGON2_MEMORY_KIB"]),
        parallelism=int(config["ARGON2_PARALLELISM"]),
    )


def argon2_gate() -> Argon2Gate:
    """This process's bound on concurrent Argon2id runs (``create_app`` makes it)."""
    gate: Argon2Gate = current_app.extensions[ARGON2_GATE]
    return gate


def staff_session_policy() -> SessionPolicy:
    config = current_app.config
    return SessionPolicy(
        idle=timedelta(minutes=int(config["STAFF_SESSION_IDLE_MINUTES"])),
        absolute=timedelta(hours=int(config["STAFF_SESSION_MAX_HOURS"])),
    )


def current_deadlines() -> Deadlines:
    return deadlines(request_session(), {key: current_app.config[key] for key in DEADLINE_KEYS})


def external_url(path_and_query: str) -> str:
    """An absolute link for out-of-band delivery (activation letters, console)."""
    base: str = current_app.config["BASE_URL"].rstrip("/")
    return base + path_and_query
