"""The supervisors' journal checkpoint page in Chromium, at a desk's width and a telephone's.

Screenshots go to ``WBS_SHOTS_DIR`` (or the test's temporary folder).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.browser import AppInBrowser
from tests.support.staff import signed_in

pytestmark = pytest.mark.browser


def test_checkpoint_page_fits_both_widths(app, org, no_js_page, tmp_path) -> None:
    supervisor = signed_in(app, org.rahman)
    viewer = AppInBrowser(no_js_page, supervisor)
    folder = Path(os.environ.get("WBS_SHOTS_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        no_js_page.set_viewport_size({"width": width, "height": 900})
        viewer.open(supervisor, "/staf/pengelola/jurnal/titik-periksa")
        assert no_js_page.get_by_role("button", name="Unduh titik periksa").is_visible()
        main = no_js_page.locator("main").bounding_box()
        assert main is not None and main["x"] + main["width"] <= width
        scroll = no_js_page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, scroll
        no_js_page.screenshot(path=str(folder / f"checkpoint-{width}.png"), full_page=True)
    assert viewer.foreign == []
