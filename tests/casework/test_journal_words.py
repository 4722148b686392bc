"""The journal, the official record of a case, reads as words in both languages.

Every kind of entry the code can write (found in the source: each
``journal.append`` and what its kind can be) is made through the pages, and
the case page's journal must show no raw key, code, identifier, signing
label or UTC time, no English on the Indonesian page, and the author's name
and role with the time in the installation's zone.
"""

from __future__ import annotations

import ast
import html
import re
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po

from tests.support.journal_walk import RAW, every_kind_on_a_recorded_case, every_kind_on_case_a
from tests.support.world import World, build_world
from wbs_app.investigator import labels

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ROOT / "wbs_app" / "services"
APPENDERS = {
    "append": 4,
    "append_by_respondent": 5,
    "append_by_reporter": 4,
    "append_by_custodians": 5,
}  # the kind's position


def _constants(node: ast.AST) -> set[str]:
    return {
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    }


def _kinds_of(tree: ast.Module, function: ast.AST, name: str) -> set[str]:
    """What a variable passed as the kind can hold: its assignments (in the function or the
    module), or what it is compared with."""
    found: set[str] = set()
    for node in [*ast.walk(function), *tree.body]:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            found |= _constants(node.value)
    if found:
        return found
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Compare)
            and isinstance(node.left, ast.Name)
            and node.left.id == name
            and all(isinstance(op, ast.Eq | ast.In | ast.NotEq) for op in node.ops)
        ):
            for comparator in node.comparators:
                found |= _constants(comparator)
    return found


def written_kinds() -> set[str]:
    """Every kind of journal entry the services can write."""
    kinds: set[str] = set()
    for path in sorted(SERVICES.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef):
                continue
            for call in ast.walk(function):
                if not (
                    isinstance(call, ast.Call)
                    and isinstance(call.func, ast.Attribute)
                    and isinstance(call.func.value, ast.Name)
                    and call.func.value.id == "journal"
                    and call.func.attr in APPENDERS
                ):
                    continue
                keyword = next((k.value for k in call.keywords if k.arg == "kind"), None)
                arg = keyword or call.args[APPENDERS[call.func.attr]]
                if isinstance(arg, ast.Constant):
                    kinds.add(arg.value)
                    continue
                assert isinstance(arg, ast.Name), f"{path.name}: a kind this test cannot follow"
                found = _kinds_of(tree, function, arg.id)
                assert found, f"{path.name}:{call.lineno}: cannot tell what {arg.id} holds"
                kinds |= found
    return kinds


def test_every_kind_the_code_writes_has_words() -> None:
    kinds = written_kinds()
    assert {"acknowledge", "access_granted", "extension_granted", "outcome_notified"} <= kinds
    assert kinds - set(labels.STEPS) == set()


def _catalogue() -> Any:
    with (ROOT / "wbs_app/translations/id/LC_MESSAGES/messages.po").open("rb") as handle:
        return read_po(handle, locale="id")


def english_of_the_catalogue() -> list[str]:
    """Every English message that Indonesian says differently: none may be on an Indonesian page."""
    found = []
    for message in _catalogue():
        if not message.id or not message.string:
            continue
        singular = message.id if isinstance(message.id, str) else message.id[0]
        translated = message.string if isinstance(message.string, str) else message.string[0]
        plain = re.split(r"%\(\w+\)\w", singular)
        for part in plain:
            part = part.strip(" .,:;()")
            if len(part) >= 12 and part not in translated and " " in part:
                found.append(part)
    return found


def _section(page: str, heading: str) -> str:
    start = page.index(f"<h2>{heading}</h2>")
    end = page.index("</section>", start)
    return page[start:end]


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", fragment))


@pytest.fixture
def world(app, org) -> World:
    return build_world(app, org)


def test_the_journal_is_written_in_words(world: World) -> None:
    every_kind_on_case_a(world)
    recorded = every_kind_on_a_recorded_case(world)
    budi = world.clients["inv_a"]
    page = budi.get(f"/staf/pengelola/kasus/{world.case_a}").get_data(as_text=True)
    # A report recorded from another channel writes the kinds a web report cannot.
    other = budi.get(f"/staf/pengelola/kasus/{recorded}").get_data(as_text=True)
    journal = _text(_section(page, "Jurnal")) + _text(_section(other, "Jurnal"))
    for pattern, what in RAW:
        assert not pattern.findall(journal), (what, pattern.findall(journal)[:5], journal[:3000])
    codes = set()
    for table in (
        labels.STATUS,
        labels.CONCLUSIONS,
        labels.ACTIVITIES,
        labels.FINDINGS,
        labels.LEVELS,
    ):
        codes |= set(table)
    section = _section(page, "Jurnal")
    values = {_text(value).strip() for value in re.findall(r"<dd[^>]*>(.*?)</dd>", section, re.S)}
    assert not values & codes, values & codes  # a status or choice printed as its code
    english = [part for part in english_of_the_catalogue() if part in journal]
    assert not english, english
    assert "Keterangan lain" not in journal  # a field without words
    assert "WITA" in journal and "Budi" in journal and "(Pemeriksa)" in journal, journal[:2000]
    assert "Pejabat A" in journal  # the respondent by name, not by the invitation's id
    kinds = written_kinds()
    with world.app.test_request_context("/"):
        titles = {kind: str(labels.STEPS[kind]) for kind in kinds}
    missing = [kind for kind, title in titles.items() if title not in journal]
    assert not missing, missing


def test_the_threads_hold_no_codes(world: World) -> None:
    """The notices and outcomes each step sends are stored as codes: both threads word them."""
    every_kind_on_case_a(world)
    page = (
        world.clients["inv_a"].get(f"/staf/pengelola/kasus/{world.case_a}").get_data(as_text=True)
    )
    reporter = world.clients["reporter"].get("/lapor/kasus").get_data(as_text=True)
    for thread in (
        _text(_section(page, "Pesan dengan pelapor")),
        _text(_section(page, "Hak jawab")),
        _text(_section(reporter, "Pesan dengan tim")),
    ):
        for pattern, what in RAW:
            assert not pattern.findall(thread), (what, pattern.findall(thread)[:5], thread[:2000])
        assert not {word.strip() for word in thread.split("\n")} & set(labels.STATUS), thread


def test_the_journal_in_english(world: World) -> None:
    every_kind_on_case_a(world)
    page = (
        world.clients["inv_a"]
        .get(f"/staf/pengelola/kasus/{world.case_a}?lang=en")
        .get_data(as_text=True)
    )
    journal = _text(_section(page, "Journal"))
    for pattern, what in RAW:
        assert not pattern.findall(journal), (what, pattern.findall(journal)[:5])
    assert "Access granted" in journal and "WITA" in journal and "(Investigator)" in journal
    assert re.search(r"[A-Z][a-z]+ \d{1,2}, 20\d\d \d{1,2}:\d\d\s[AP]M WITA", journal), journal[
        :500
    ]
