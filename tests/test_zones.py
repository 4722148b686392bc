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
