"""Posts that must outlive their session: the zone's guard hands them to a keeper.

A guarded view marked ``@keeps_posts_after_session(keeper)`` still answers a
POST whose session has ended (idle or absolute expiry, or a lost cookie):
instead of redirecting to the code page, which would throw the body away
unread, the guard calls ``keeper()``. The keeper receives the body, keeps it
encrypted (``wbs_app.web.kept``) and answers the code page itself. The
view itself still runs only for a live session.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app, request
from werkzeug.wrappers import Response

KEEPER_ATTRIBUTE = "wbs_keeper"

Keeper = Callable[[], Response]
F = TypeVar("F", bound=Callable[..., Any])


def keeps_posts_after_session(keeper: Keeper) -> Callable[[F], F]:
    """Mark a view as kept after its session (below ``zone``, whose wrapper copies the mark)."""

    def decorate(view: F) -> F:
        setattr(view, KEEPER_ATTRIBUTE, keeper)
        return view

    return decorate


def keeper_for_request() -> Keeper | None:
    """The keeper of the view this POST is for, if it has one."""
    if request.method != "POST" or request.endpoint is None:
        return None
    view = current_app.view_functions.get(request.endpoint)
    keeper: Keeper | None = getattr(view, KEEPER_ATTRIBUTE, None)
    return keeper
