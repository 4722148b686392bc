"""The stylesheet's colours, computed: the focus ring must stand out (3:1, WCAG 1.4.11).

The ring was #ffbf47 on white, 1.6:1: a keyboard user could not see where
they were. The ring is outside the element (``outline-offset``), so what it
must contrast with is the page around the element: every light background
the stylesheet uses, and the brand blue behind the header's links.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = Path(__file__).resolve().parent.parent / "wbs_app" / "static" / "css" / "lentera.css"
LIGHT = ("--paper", "--wash", "--error-bg", "--warn-bg", "--ok-bg")


def luminance(colour: str) -> float:
    """Relative luminance of ``#rrggbb`` (WCAG 2.x)."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _variables(css: str) -> dict[str, str]:
    root = re.search(r":root\s*\{(.*?)\}", css, re.S)
    assert root is not None
    return dict(re.findall(r"(--[\w-]+):\s*(#[0-9a-fA-F]{6})", root.group(1)))


def _rules(css: str) -> list[tuple[str, str]]:
    """(selectors, declarations) of every rule, comments left out."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    return [(s.strip(), d) for s, d in re.findall(r"([^{}]+)\{([^{}]*)\}", css)]


def _colour(value: str, variables: dict[str, str]) -> str:
    found = re.search(r"var\((--[\w-]+)\)|(#[0-9a-fA-F]{6})", value)
    assert found is not None, value
    return variables[found.group(1)] if found.group(1) else found.group(2)


def focus_colours() -> dict[str, str]:
    """The ring's colour for the page (``a:focus``) and for the header (``header.site a:focus``)."""
    css = CSS.read_text(encoding="utf-8")
    variables = _variables(css)
    found = {}
    for selectors, declarations in _rules(css):
        names = [s.strip() for s in selectors.split(",")]
        colour = re.search(r"outline(?:-color)?:\s*([^;]+)", declarations)
        if colour is None:
            continue
        for name in ("a:focus", "header.site a:focus"):
            if name in names:
                found[name] = _colour(colour.group(1).split()[-1], variables)
    return found


def test_contrast_is_computed_as_wcag_says() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#ffbf47", "#ffffff") == pytest.approx(1.6, abs=0.05)  # the old ring


def test_the_focus_ring_stands_out_on_every_background() -> None:
    css = CSS.read_text(encoding="utf-8")
    variables = _variables(css)
    rings = focus_colours()
    for background in LIGHT:
        ratio = contrast(rings["a:focus"], variables[background])
        assert ratio >= 3, f"focus ring on {background}: {ratio:.2f}:1"
    on_header = contrast(rings["header.site a:focus"], variables["--brand"])
    assert on_header >= 3, f"focus ring on the header: {on_header:.2f}:1"
