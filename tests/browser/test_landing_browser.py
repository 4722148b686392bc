"""The landing page in a real browser with JavaScript off: readable, same-origin only."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser


def test_landing_page_without_javascript(live_server, no_js_page, tmp_path) -> None:
    page = no_js_page
    response = page.goto(live_server.url + "/")
    assert response is not None and response.status == 200
    assert page.locator("h1").inner_text() == "Laporkan pelanggaran dengan aman dan anonim"
    # The stylesheet applied (the header is the brand colour), so the CSP lets our CSS in.
    colour = page.locator("header.site").evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour == "rgb(11, 79, 138)"
    page.screenshot(path=str(tmp_path / "landing.png"), full_page=True)

    page.get_by_role("link", name="English").click()
    assert page.locator("h1").inner_text() == "Report wrongdoing safely and anonymously"
    assert "lang=en" in page.url
    page.get_by_role("link", name="Read the full guide to staying anonymous").click()
    assert page.locator("h1").inner_text() == "How to stay anonymous"

    origins = {urlsplit(url).netloc for url in page.requested_urls}  # type: ignore[attr-defined]
    assert origins == {f"{live_server.host}:{live_server.port}"}
    assert any(url.endswith("/static/css/lentera.css") for url in page.requested_urls)  # type: ignore[attr-defined]
    assert page.context.cookies() == []
