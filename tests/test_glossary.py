"""The Indonesian catalogue against docs/glossary.md (issue 15, Wording).

The glossary is the one list of the interface's words. This test reads it, so
that a word changed there is checked here without editing the test: a term
marked ``always`` is used wherever its English term appears, a variant listed
as not used appears nowhere, and two different English messages never share
one Indonesian wording (the way "Lanjut ke pemeriksaan" once stood both for
the report form's "Continue to review" and for "Proceed to examination").
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = ROOT / "docs" / "glossary.md"
CATALOGUE = ROOT / "wbs_app" / "translations" / "id" / "LC_MESSAGES" / "messages.po"

# Different English, one Indonesian wording, on purpose: a past and a present
# form of the same thing, where Indonesian does not mark the difference.
SHARED_ON_PURPOSE = {
    # WTForms' own messages that say one thing to a person in several ways.
    frozenset({"invalid choice: could not coerce", "not a valid choice"}),
    frozenset({"not a valid decimal value", "not a valid float value"}),
    frozenset({"csrf failed", "csrf token missing", "invalid csrf token"}),
    frozenset({"a new activation link", "new activation link"}),
    frozenset({"request for more time", "the request for more time"}),
    frozenset({"delete", "remove"}),  # a unit, a file from a draft: both gone for good
    frozenset({"acknowledge receipt", "acknowledgement"}),  # a journal step and its deadline
    frozenset(
        {
            "how did it happen, and how do you know about it?",
            "how did it happen, and how do you know?",
        }
    ),
    frozenset(
        {
            "your report has been passed to the authority competent to handle it",
            "your report was passed to the authority competent to handle it",
        }
    ),
}


def _table(heading: str) -> list[list[str]]:
    """The rows of the Markdown table under ``## heading`` (header and rule skipped)."""
    text = GLOSSARY.read_text(encoding="utf-8")
    section = text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows[2:]]


def _catalogue() -> list[tuple[str, str]]:
    with CATALOGUE.open("rb") as handle:
        catalog = read_po(handle, locale="id")
    pairs = []
    for message in catalog:
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        pairs.extend((ids[min(i, len(ids) - 1)], text) for i, text in enumerate(strings))
    return pairs


def _alternatives(cell: str) -> list[str]:
    """ "referred / refer", "age (of a case)": the words, without the parenthesis."""
    cell = re.sub(r"\([^)]*\)", "", cell)
    return [part.strip().lower() for part in re.split(r"[;/]", cell) if part.strip()]


def _word(term: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){re.escape(term)}(?:s|es)?(?![\w-])", re.IGNORECASE)


def test_the_glossary_is_read() -> None:
    assert len(_table("Terms")) >= 30
    assert len(_table("Variants not used")) >= 8


def test_every_term_marked_always_is_used_for_its_english() -> None:
    wrong = []
    for indonesian, english, _meaning, _where, rule in _table("Terms"):
        if rule != "always":
            continue
        wanted = _alternatives(indonesian)
        for term in _alternatives(english):
            for msgid, msgstr in _catalogue():
                if _word(term).search(msgid) and not any(w in msgstr.lower() for w in wanted):
                    wrong.append(f"{msgid!r} -> {msgstr!r} (wants {' / '.join(wanted)})")
    assert not wrong, "\n".join(wrong)


def test_no_variant_the_glossary_rules_out() -> None:
    found = []
    for variant, instead, _why in _table("Variants not used"):
        pattern = re.compile(rf"(?<!\w){re.escape(variant)}(?!\w)", re.IGNORECASE)
        found.extend(
            f"{variant!r} in {msgstr!r} (use {instead})"
            for _msgid, msgstr in _catalogue()
            if pattern.search(msgstr)
        )
    assert not found, "\n".join(found)


def _plain(text: str) -> str:
    return text.strip().rstrip(".:").lower()


def _same_english(texts: set[str]) -> bool:
    singular = {re.sub(r"(?:ies|s)\b", lambda m: "y" if m[0] == "ies" else "", t) for t in texts}
    return len(singular) == 1 or frozenset(texts) in SHARED_ON_PURPOSE


def test_one_indonesian_wording_means_one_thing() -> None:
    by_wording: dict[str, set[str]] = defaultdict(set)
    for msgid, msgstr in _catalogue():
        if msgstr:
            by_wording[_plain(msgstr)].add(_plain(msgid))
    shared = {
        wording: sorted(english)
        for wording, english in by_wording.items()
        if len(english) > 1 and not _same_english(english)
    }
    assert not shared, shared
