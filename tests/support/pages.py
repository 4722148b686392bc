"""Every page of every zone, as each role sees it in the populated world.

The ids-and-labels crawl (``tests/test_page_ids.py``) and the screenshot walk
(``tests/browser/test_pages_browser.py``) both need the same list: every GET
route of ``app.url_map`` requested as every role with case A's objects, plus
what the world holds only on one side (case B as Sitti, who holds it) and the
pages a browser only sees as a POST's answer (the report's review page, a
sign-in refused, a refusal's notice). Only HTML answers that the role may read (200) are pages;
the static files, downloads and the 403s and redirects are not.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from flask import url_for

from tests.support.access_matrix import SESSION_ENDERS, route_methods, url_of
from tests.support.http import https_client
from tests.support.reporter import Report, csrf_from, post_form
from tests.support.world import ROLES, World


@dataclass
class Page:
    role: str
    name: str  # the endpoint, or what the shown answer is
    path: str  # where a browser goes for it ("" for a POST's answer)
    html: str
    response: Any = None  # a POST's answer, to be shown as it was received


def _is_page(response: Any) -> bool:
    return response.status_code == 200 and response.mimetype == "text/html"


def page_paths(world: World) -> list[tuple[str, str, str]]:
    """(role, endpoint, path) of every GET page, with the role's own case B for Sitti."""
    found = []
    for endpoint, methods in route_methods(world.app).items():
        if "GET" not in methods or endpoint in SESSION_ENDERS or endpoint == "public.static":
            continue
        path = url_of(world, endpoint)
        for role in ROLES:
            found.append((role, endpoint, path))
            if role == "inv_b" and f"/{world.case_a}" in path and "kasus" in path:
                found.append((role, endpoint, path.replace(f"/{world.case_a}", f"/{world.case_b}")))
    # Revoking a holder of case A (url_of names the target, who holds nothing): Budi
    # giving up his own access, and Rahman revoking Budi's.
    with world.app.test_request_context():
        revoke = url_for(
            "investigator.confirm_revoke", case_id=world.case_a, staff_id=world.org.budi.id
        )
    found += [("inv_a", "investigator.confirm_revoke", revoke)]
    found += [("supervisor", "investigator.confirm_revoke", revoke)]
    return found


def _answer(name: str, response: Any, role: str = "anon") -> Page:
    return Page(role, name, "", response.get_data(as_text=True), response)


def posted_pages(world: World) -> list[Page]:
    """Pages a browser reaches only as the answer to a form: the review page, refusals."""
    pages = []
    reporter = world.clients["anon"]
    review = post_form(reporter, Report(unit=world.org.units["a"], identity=("Nama", "0811")))
    pages.append(_answer("reporter.receive_form (review)", review))
    empty = post_form(reporter, Report(unit=world.org.units["a"], what=""))
    pages.append(_answer("reporter.receive_form (errors)", empty))
    login_page = reporter.get("/staf/masuk").get_data(as_text=True)
    refused = reporter.post(
        "/staf/masuk",
        data={"csrf_token": csrf_from(login_page), "login": "x", "password": "y", "code": "1"},
    )
    pages.append(_answer("staff.login (refused)", refused))
    # A refusal after a redirect, as the page it leads to shows it (notice error, role=alert).
    budi, case_path = world.clients["inv_a"], f"/staf/pengelola/kasus/{world.case_a}"
    budi.post(f"{case_path}/catatan", data={"csrf_token": world.token("inv_a"), "text": ""})
    pages.append(_answer("investigator.case_page (note refused)", budi.get(case_path), "inv_a"))
    reporter = world.clients["reporter"]
    empty_reason = reporter.post(
        "/lapor/kasus/cabut", data={"csrf_token": world.token("reporter"), "reason": ""}
    )
    pages.append(_answer("reporter.withdraw (no reason)", empty_reason, "reporter"))
    # The activation link an invitation shows once, and the page it opens.
    invited = world.clients["admin"].post(
        "/staf/admin/staf/undang",
        data={
            "csrf_token": world.token("admin"),
            "email": "baru@kanwil.example",
            "display_name": "Petugas Baru",
            "role": "investigator",
            "units": str(world.org.units["a"]),
        },
    )
    pages.append(_answer("admin.invite (link)", invited, "admin"))
    link = re.search(r'<p class="link-box">https?://[^/]+(/[^<]+)</p>', pages[-1].html)
    assert link is not None, "the invitation shows its activation link"
    newcomer = https_client(world.app)
    pages.append(_answer("staff.activate", newcomer.get(html.unescape(link.group(1)))))
    return pages


def every_page(world: World) -> list[Page]:
    """Every page each role can read, fetched through the test client."""
    pages = []
    for role, endpoint, path in page_paths(world):
        with world.clients[role].get(path) as response:
            if _is_page(response):
                pages.append(Page(role, endpoint, path, response.get_data(as_text=True)))
    return pages + posted_pages(world)
