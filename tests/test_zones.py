"""Every route belongs to exactly one trust zone; guarded zones fail closed."""

from __future__ import annotations

from tests.support.http import https_client
from wbs_app.security.zones import GUARDS_KEY, INVESTIGATOR, ZONES, register_guard, zone, zone_of


def test_every_route_declares_a_zone(app) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints, "no routes registered"
    undeclared = sorted(e for e in endpoints if zone_of(app, e) not in ZONES)
    assert not undeclared, f"routes without a zone: {undeclared}"


def test_zone_without_guard_refuses(make_app) -> None:
    app = make_app()
    app.extensions[GUARDS_KEY].pop(INVESTIGATOR)

    @zone(INVESTIGATOR)
    def secret_page() -> str:
        return "case content"

    app.add_url_rule("/guarded", "guarded", secret_page)
    response = https_client(app).get("/guarded")
    assert response.status_code == 403
    assert "case content" not in response.get_data(as_text=True)


def test_guard_decides(make_app) -> None:
    app = make_app()
    allowed = {"value": False}

    def guard():
        if allowed["value"]:
            return None
        from flask import redirect

        return redirect("/")

    register_guard(app, INVESTIGATOR, guard)

    @zone(INVESTIGATOR)
    def secret_page() -> str:
        return "case content"

    app.add_url_rule("/guarded", "guarded", secret_page)
    client = https_client(app)
    assert client.get("/guarded").status_code == 302
    allowed["value"] = True
    assert client.get("/guarded").get_data(as_text=True) == "case content"


def test_each_side_is_one_url_prefix_and_its_cookies_path(app) -> None:
    """A zone's pages share the prefix its cookies are scoped to (security.sides)."""
    from wbs_app.security import reporter_auth, respondent_auth, sides, staff_auth

    assert staff_auth.COOKIE_PATH == sides.STAFF_PATH
    assert reporter_auth.COOKIE_PATH == sides.REPORTER_PATH
    assert respondent_auth.COOKIE_PATH == sides.RESPONDENT_PATH
    side_of_blueprint = {
        "staff": sides.STAFF_PATH,
        "investigator": sides.STAFF_PATH,
        "admin": sides.STAFF_PATH,
        "reporter": sides.REPORTER_PATH,
        "respondent": sides.RESPONDENT_PATH,
        "public": None,
    }
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.split(".")[0]
        assert sides.side_of(rule.rule) == side_of_blueprint[blueprint], rule.rule
    staff_zones = {"staff", "investigator", "admin"}
    for rule in app.url_map.iter_rules():
        if zone_of(app, rule.endpoint) in staff_zones:
            assert rule.rule.startswith("/staf/"), rule.rule


def test_old_staff_addresses_send_a_get_to_the_new_place(client) -> None:
    # The addresses below are the old ones on purpose ("old-staff-url" keeps
    # /work/tools/rewrite_staff_urls.py off these lines).
    moved = (
        "/pengelola/kasus?overdue=1&lang=en",  # old-staff-url
        "/pengelola/kasus/7/undangan/ab12/surat",  # old-staff-url
        "/pengelola/",  # old-staff-url
        "/admin/kop-surat",  # old-staff-url
        "/admin/",  # old-staff-url
    )
    for old in moved:
        response = client.get(old)
        assert response.status_code == 301, old
        assert response.headers["Location"] == "/staf" + old, old
        assert "Set-Cookie" not in response.headers
    # A form posted to an old address is refused, not sent on.
    assert client.post("/pengelola/kasus/7/catatan").status_code == 405  # old-staff-url
    assert client.get("/pengelola").status_code == 308  # old-staff-url: to /pengelola/
