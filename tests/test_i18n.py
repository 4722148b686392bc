"""Language: Indonesian by default, English by a carried query argument, no cookie."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "wbs_app" / "translations"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}
METHODS = [
    ("wbs_app/**.py", "python"),
    ("wbs_app/**/templates/**.html", "jinja2"),
]


def test_indonesian_is_the_default(client) -> None:
    body = client.get("/").get_data(as_text=True)
    assert '<html lang="id">' in body
    assert "Laporkan pelanggaran dengan aman dan anonim" in body
    assert "Report wrongdoing safely and anonymously" not in body


def test_english_by_query_argument_is_carried_by_links(client) -> None:
    response = client.get("/?lang=en")
    body = response.get_data(as_text=True)
    assert '<html lang="en">' in body
    assert "Report wrongdoing safely and anonymously" in body
    assert 'href="/panduan-anonim?lang=en"' in body
    # The switch back leads to the default language without the argument.
    assert 'href="/" hreflang="id"' in body
    assert "Set-Cookie" not in response.headers


def test_english_error_pages(client) -> None:
    body = client.get("/missing?lang=en").get_data(as_text=True)
    assert "Page not found" in body


def test_unknown_language_falls_back_to_indonesian(client) -> None:
    body = client.get("/?lang=xx").get_data(as_text=True)
    assert '<html lang="id">' in body


def test_categories_follow_the_language(client) -> None:
    assert "Pungutan liar / percaloan" in client.get("/").get_data(as_text=True)
    assert "Illegal levies / brokering" in client.get("/?lang=en").get_data(as_text=True)


def _extracted_messages() -> set[str]:
    method_map = [
        (pattern, "jinja2" if kind == "jinja2" else "python") for pattern, kind in METHODS
    ]
    found: set[str] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=method_map, keywords=KEYWORDS
    ):
        if isinstance(message, tuple):
            # A plural pair is one catalogue entry, under its singular.
            found.add(message[0])
        elif message:
            found.add(message)
    return found


def test_every_message_has_an_indonesian_translation() -> None:
    with (TRANSLATIONS / "id" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="id")
    messages = _extracted_messages()
    assert len(messages) > 50
    missing = sorted(
        message
        for message in messages
        if catalog.get(message) is None
        or not catalog.get(message).string
        or catalog.get(message).fuzzy
    )
    assert not missing, "untranslated (run `make translations-update` and translate): " + repr(
        missing
    )
