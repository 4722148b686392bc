"""Settings turned into the objects services take, for the current app.

Services never read the settings; views call these (on ``wbs_app.settings``)
and pass the result.
"""

from __future__ import annotations

from flask import current_app, g

from crypto import Argon2Params
from wbs_app.db import request_session
from wbs_app.services.infra.argon2_gate import Argon2Gate, Argon2Lanes
from wbs_app.services.infra.send_lanes import SendLanes
from wbs_app.services.infra.sessions import SessionPolicy
from wbs_app.services.office.deadlines import Deadlines, deadlines
from wbs_app.settings import settings

ARGON2_GATE = "lentera.argon2_gate"
SEND_LANES = "lentera.send_lanes"


def argon2_params() -> Argon2Params:
    return settings().argon2


def password_pepper() -> bytes:
    """The pepper every staff seed's seal depends on (``crypto.passwords`` v2)."""
    return settings().password_pepper


def argon2_gate(lane: str) -> Argon2Gate:
    """This process's bound on concurrent Argon2id runs of one kind of work.

    ``lane`` is one of ``services.infra.argon2_gate.LANES`` (``create_app``
    makes them): each kind of work waits only behind its own kind.
    """
    lanes: Argon2Lanes = current_app.extensions[ARGON2_GATE]
    return lanes.lane(lane)


def send_lanes() -> SendLanes:
    """This process's two lanes for sending a report (``create_app`` makes them)."""
    lanes: SendLanes = current_app.extensions[SEND_LANES]
    return lanes


def staff_session_policy() -> SessionPolicy:
    current = settings()
    return SessionPolicy(idle=current.staff_session_idle, absolute=current.staff_session_max)


def current_deadlines() -> Deadlines:
    """The deadlines in force, read once per request (a page may need them twice)."""
    if "deadlines" not in g:
        g.deadlines = deadlines(request_session(), settings().deadline_defaults)
    found: Deadlines = g.deadlines
    return found


def external_url(path_and_query: str) -> str:
    """An absolute link for out-of-band delivery (activation letters, console)."""
    return settings().base_url + path_and_query
