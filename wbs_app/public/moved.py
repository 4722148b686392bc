"""The staff pages' old addresses answer with the way to their new place.

Before every staff page moved under ``/staf`` (so the staff cookies could stay
on that path, ``security.sides``), the handlers' pages were at ``/pengelola``
and the administrators' at ``/admin``. Printed letters, bookmarks and e-mails
still carry those links: a GET is sent on, with its query, to the same page
under ``/staf``. Anything else gets 405, since a form posted to an old address
was drawn by an old page whose CSRF token no longer exists.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import redirect, request
from werkzeug.wrappers import Response

from wbs_app.public import bp
from wbs_app.security.sides import STAFF_PATH
from wbs_app.security.zones import PUBLIC, zone

OLD_PREFIXES = ("/pengelola", "/admin")


def new_address(path: str, query: bytes) -> str:
    """The same page under the staff side, the query kept (``?lang=en``)."""
    target = quote(STAFF_PATH + path, safe="/")
    return f"{request.script_root}{target}" + (f"?{query.decode('latin-1')}" if query else "")


@zone(PUBLIC)
def moved(rest: str = "") -> Response:
    """Permanent: a browser or a link checker may remember the new place."""
    return redirect(new_address(request.path, request.query_string), 301)


# Redirects, not pages: nothing links to them (tests that crawl pages leave them out).
MOVED_ENDPOINTS: list[str] = []
for _prefix in OLD_PREFIXES:
    _name = f"moved{_prefix.replace('/', '_')}"
    bp.add_url_rule(f"{_prefix}/", _name, moved, methods=["GET"])
    bp.add_url_rule(f"{_prefix}/<path:rest>", f"{_name}_page", moved, methods=["GET"])
    MOVED_ENDPOINTS += [f"public.{_name}", f"public.{_name}_page"]
