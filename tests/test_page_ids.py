"""Unique ids on every page, and every label bound to a control of its own form.

Two ``<textarea id="text">`` on the case page sent a click on "Catatan
internal" to the message for the reporter: a note meant for the team could go
to the reporter. This walks every page of every zone as every role in the
populated world (``tests/support/pages.py``) and fails on an id used twice,
on a ``<label for>`` that names nothing, names what is not a form control, or
names a control of another form than the label's own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest

from tests.support.pages import every_page
from tests.support.world import World, build_world

LABELABLE = {"input", "select", "textarea", "button", "meter", "output", "progress"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


@dataclass
class Control:
    tag: str
    hidden: bool
    form: int | None  # which <form> of the page holds it (by order), None outside any


@dataclass
class PageMarkup(HTMLParser):
    ids: dict[str, int] = field(default_factory=dict)
    controls: dict[str, Control] = field(default_factory=dict)
    labels: list[tuple[str, int | None]] = field(default_factory=list)
    forms: int = 0
    form: int | None = None

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "form":
            self.forms += 1
            self.form = self.forms
        ident = found.get("id")
        if ident is not None:
            self.ids[ident] = self.ids.get(ident, 0) + 1
            if tag in LABELABLE:
                hidden = tag == "input" and found.get("type") == "hidden"
                owner = int(found["form"]) if found.get("form", "").isdigit() else self.form
                self.controls[ident] = Control(tag, hidden, owner)
        if tag == "label" and found.get("for") is not None:
            self.labels.append((found["for"] or "", self.form))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.form = None


def problems_of(html: str) -> list[str]:
    markup = PageMarkup()
    markup.feed(html)
    found = [f'id "{ident}" {count} times' for ident, count in markup.ids.items() if count > 1]
    for target, form in markup.labels:
        control = markup.controls.get(target)
        if control is None or control.hidden:
            found.append(f'label for "{target}" names no visible control')
        elif control.form != form:
            found.append(f'label for "{target}" is in another form than its control')
    return found


def test_the_checker_finds_what_it_looks_for() -> None:
    """The crawl below can fail: the case page's old markup is caught."""
    old = (
        '<form><label for="text">Pesan</label><textarea id="text"></textarea></form>'
        '<form><label for="text">Catatan internal</label><textarea id="text"></textarea></form>'
        '<form><label for="gone">X</label>'
        '<input type="hidden" id="h"><label for="h">Y</label></form>'
    )
    assert problems_of(old) == [
        'id "text" 2 times',
        'label for "text" is in another form than its control',
        'label for "gone" names no visible control',
        'label for "h" names no visible control',
    ]
    assert problems_of('<form><label for="a">A</label><input id="a"></form>') == []


@pytest.fixture
def world(app, org) -> World:
    return build_world(app, org)


def test_every_page_has_unique_ids_and_labels_bound_to_their_own_control(world: World) -> None:
    pages = every_page(world)
    seen = {(page.role, page.name) for page in pages}
    # The walk reaches the pages that matter to each side (so it cannot pass by seeing nothing).
    for expected in (
        ("inv_a", "investigator.case_page"),
        ("inv_b", "investigator.case_page"),
        ("inv_a", "investigator.inbox_page"),
        ("reporter", "reporter.case"),
        ("respondent", "respondent.home"),
        ("admin", "admin.staff_detail"),
        ("anon", "reporter.receive_form (review)"),
    ):
        assert expected in seen, expected
    failures = [
        f"{page.role} {page.name} {page.path}: {problem}"
        for page in pages
        for problem in problems_of(page.html)
    ]
    assert not failures, "\n".join(sorted(set(failures)))
