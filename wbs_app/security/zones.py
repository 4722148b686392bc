"""Trust zones: every route declares the one zone it belongs to.

DESIGN.md section 1. ``zone(name)`` marks a view and, for a guarded zone,
asks that zone's guard before the view runs. Guards are registered per app by
the zone's blueprint (its session check); a zone with no guard refuses every
request, so a route can never be open by accident. ``tests`` walk
``app.url_map`` to prove every endpoint carries a zone.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, abort, current_app
from werkzeug.wrappers import Response

PUBLIC = "public"
REPORTER = "reporter"
INVESTIGATOR = "investigator"
RESPONDENT = "respondent"
ADMIN = "admin"
# Pages every logged-in staff member uses whatever their role (logout,
# password change): guarded by the staff session, no role required.
STAFF = "staff"
ZONES = (PUBLIC, REPORTER, INVESTIGATOR, RESPONDENT, ADMIN, STAFF)

ZONE_ATTRIBUTE = "wbs_zone"
GUARDS_KEY = "lentera.zone_guards"

# A guard returns None to let the request through, or the response to send
# instead (a redirect to the zone's login, say).
Guard = Callable[[], Response | None]
F = TypeVar("F", bound=Callable[..., Any])


def register_guard(app: Flask, zone_name: str, guard: Guard) -> None:
    if zone_name not in ZONES or zone_name == PUBLIC:
        raise ValueError(f"cannot guard zone {zone_name!r}")
    app.extensions.setdefault(GUARDS_KEY, {})[zone_name] = guard


def zone(zone_name: str) -> Callable[[F], F]:
    """Declare the zone of a view; guarded zones check their guard first."""
    if zone_name not in ZONES:
        raise ValueError(f"unknown zone {zone_name!r}")

    def decorate(view: F) -> F:
        if zone_name == PUBLIC:
            setattr(view, ZONE_ATTRIBUTE, zone_name)
            return view

        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            guard: Guard | None = current_app.extensions.get(GUARDS_KEY, {}).get(zone_name)
            if guard is None:
                abort(403)
            refusal = guard()
            if refusal is not None:
                return refusal
            return view(*args, **kwargs)

        setattr(guarded, ZONE_ATTRIBUTE, zone_name)
        return guarded  # type: ignore[return-value]

    return decorate


def zone_of(app: Flask, endpoint: str) -> str | None:
    view = app.view_functions.get(endpoint)
    return getattr(view, ZONE_ATTRIBUTE, None)
