"""Debian's chromium driven by Playwright, as a reporter on Tor Browser "Safest" would be.

Playwright's own browser download cannot run here (and should not be needed):
``executable_path`` points at the system chromium that ``.ci/run`` installs.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    path = (
        os.environ.get("WBS_CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )
    if not path:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: .ci/run must install Debian's chromium package")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return path


class AppInBrowser:
    """Chromium showing the Flask app's own responses, signed in as whichever client is given.

    Playwright's request routing hands every request of the page to a Flask
    test client (the same WSGI app with every header it sets, CSP included) and
    the answer back to Chromium. So a test can sign each role in once through
    the test client and look at that role's pages in a real browser, and can
    show a POST's answer (a letter, a form sent back with errors) as Chromium
    would render it. Requests for any other origin are refused and recorded.
    """

    BASE = "https://lentera.test"

    def __init__(self, page: Any, client: Any) -> None:
        self.page = page
        self.client = client  # whose session the next requests carry
        self.foreign: list[str] = []
        self._shown: dict[str, Any] = {}
        page.context.route("**/*", self._serve)

    def _serve(self, route: Any) -> None:
        request = route.request
        parts = urlsplit(request.url)
        if f"{parts.scheme}://{parts.netloc}" != self.BASE:
            self.foreign.append(request.url)
            route.abort()
            return
        if parts.path in self._shown:
            response = self._shown[parts.path]
        else:
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            headers = {
                name: value
                for name, value in request.headers.items()
                if name.lower() in {"content-type", "accept-language"}
            }
            response = self.client.open(
                path, method=request.method, data=request.post_data_buffer, headers=headers
            )
        body = response.get_data()
        response.close()  # a static file or a download holds an open file until closed
        route.fulfill(
            status=response.status_code,
            headers={name: value for name, value in response.headers.items()},
            body=body,
        )

    def open(self, client: Any, path: str) -> Any:
        """Go to ``path`` as the role ``client`` is signed in as."""
        self.client = client
        return self.page.goto(self.BASE + path)

    def show(self, response: Any) -> Any:
        """Render a response the test client already received (say, a POST's answer)."""
        key = f"/__shown/{len(self._shown)}"
        self._shown[key] = response
        return self.page.goto(self.BASE + key)


def shoot(page: Any, folder: Path, name: str) -> None:
    """The page at 1280 and 390 px into ``folder``; it must not scroll sideways at either."""
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert not overflow, f"{name} scrolls sideways at {width} px"
    page.set_viewport_size({"width": 1280, "height": 900})


def staff_sign_in(page: Any, server: Any, app: Any, login: Any) -> None:
    """Sign a staff member in through the sign-in page, as they would type it."""
    from tests.support.staff import next_code

    page.goto(server.url + "/staf/masuk")
    page.get_by_label("Nama pengguna atau e-mail").fill(login.username)
    page.get_by_label("Kata sandi").fill(login.password)
    page.get_by_label("Kode autentikator").fill(next_code(app, login))
    page.get_by_role("button", name="Masuk").click()
