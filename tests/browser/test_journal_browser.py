"""The journal and the audit log in Chromium, at a desk's width and a telephone's.

Every kind of entry is made (as in ``tests/casework/test_journal_words.py``);
the rendered text must hold no code, and the journal must fit a 390 px
screen. Screenshots go to ``WBS_SHOTS_DIR`` (or the test's temporary folder).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.support.browser import AppInBrowser
from tests.support.journal_walk import RAW, every_kind_on_case_a
from tests.support.world import World, build_world

pytestmark = pytest.mark.browser
WIDTHS = (1280, 390)


@pytest.fixture
def world(app, org) -> World:
    return build_world(app, org)


def _shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("WBS_SHOTS_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _check(page: Any, selector: str, width: int) -> None:
    text = page.locator(selector).inner_text()
    for pattern, what in RAW:
        assert not pattern.findall(text), (what, pattern.findall(text)[:5])
    box = page.locator(selector).bounding_box()
    assert box is not None and box["x"] + box["width"] <= width, (selector, box)


def test_journal_and_audit_log_read_as_words(world: World, no_js_page, tmp_path) -> None:
    every_kind_on_case_a(world)
    viewer = AppInBrowser(no_js_page, world.clients["inv_a"])
    folder = _shots(tmp_path)
    for width in WIDTHS:
        no_js_page.set_viewport_size({"width": width, "height": 900})
        viewer.open(world.clients["inv_a"], f"/staf/pengelola/kasus/{world.case_a}")
        no_js_page.locator("ol.timeline").scroll_into_view_if_needed()
        _check(no_js_page, "ol.timeline", width)
        no_js_page.screenshot(path=str(folder / f"case-{width}.png"), full_page=True)
        timeline = no_js_page.locator("ol.timeline")
        timeline.screenshot(path=str(folder / f"journal-{width}.png"))
        thread = no_js_page.locator("section.panel", has_text="Hak jawab")
        thread.screenshot(path=str(folder / f"reply-{width}.png"))
        viewer.open(world.clients["admin"], "/staf/admin/audit")
        no_js_page.screenshot(path=str(folder / f"audit-{width}.png"), full_page=True)
        log = no_js_page.locator("main table").first.inner_text()
        for pattern, what in RAW:  # its width at 390 px is the tables' own matter
            assert not pattern.findall(log), (what, pattern.findall(log)[:5])
