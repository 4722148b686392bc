"""Every page of every zone in Chromium, as each role, at 1280 and 390 pixels wide.

The screenshots are part of this test's output: one PNG per page and width,
under ``$LENTERA_SHOTS`` when it is set (else the test's temporary folder),
whose path the test prints. At 390 px (a phone) the document must not scroll
sideways: a wide table scrolls inside its own panel; at 1280 px every table
fits its panel. At both widths every
label of a text field or a list sits above its own control (the inbox's
filter labels sat above the neighbouring select at 1280 px). JavaScript is
off, as for a reporter on Tor Browser "Safest".
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from tests.support.browser import AppInBrowser
from tests.support.pages import Page, every_page
from tests.support.world import World, build_world

pytestmark = pytest.mark.browser

WIDTHS = (1280, 390)

# Run in the page: sideways overflow, and each label against the control it names.
MEASURE = (Path(__file__).parent / "measure_page.js").read_text(encoding="utf-8").strip()


def _shots_folder(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("LENTERA_SHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _file_name(page: Page, width: int) -> str:
    name = re.sub(r"[^a-z0-9]+", "-", f"{page.role} {page.name} {page.path}".lower()).strip("-")
    return f"{name}-{width}.png"


@pytest.fixture
def world(app, org) -> World:
    return build_world(app, org)


# One test per width, so that pytest-xdist runs the two on two workers at once
# (the walk of both took a minute in one worker, the longest test of the suite).
@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_at_both_widths(
    world: World, no_js_page: Any, tmp_path: Path, width: int
) -> None:
    """The pages at one of ``WIDTHS`` (the viewport set once: each page loads at it)."""
    folder = _shots_folder(tmp_path)
    print(f"\nscreenshots of every page at {width} px: {folder}")
    viewer = AppInBrowser(no_js_page, world.clients["anon"])
    problems: list[str] = []
    pages = every_page(world)
    shot = 0
    no_js_page.set_viewport_size({"width": width, "height": 900})
    for page in pages:
        if page.path:
            viewer.open(world.clients[page.role], page.path)
        else:
            viewer.show(page.response)
        found = no_js_page.evaluate(MEASURE)
        no_js_page.screenshot(path=str(folder / _file_name(page, width)), full_page=True)
        shot += 1
        where = f"{page.role} {page.name} {page.path} at {width} px"
        if width == 390 and found["scroll"] > found["client"]:
            problems.append(
                f"{where}: {found['scroll']} px wide in {found['client']}: {found['wide']}"
            )
        if width == 1280 and found["scrolling"]:
            problems.append(f"{where}: tables wider than their panel {found['scrolling']}")
        if found["misplaced"]:
            problems.append(f"{where}: labels not above their control {found['misplaced']}")
    print(f"{shot} screenshots of {len(pages)} pages in {folder}")
    assert viewer.foreign == [], "requests for another origin"
    assert len(pages) > 60  # every role's pages, not a few
    assert not problems, "\n".join(problems)
