"""Names shown on one line among other words: no invisible characters that steer the display.

A unit, a category, a staff member or an invited official is named inline,
next to words of the page ("Revoke", "answer by ...", "(Investigator)"). A
right-to-left override (U+202E) or an unclosed embedding or isolate in such a
name reverses or reorders the page's own words after it, and zero-width
characters make two different names look the same. Escaping cannot stop
either, so names lose every control and format character (Unicode Cc and Cf)
and their whitespace is collapsed. Long free text (reports, messages, notes)
keeps what the writer typed: it is shown in a block of its own, where an
override ends with the paragraph.
"""

from __future__ import annotations

import unicodedata


def one_line_name(text: str) -> str:
    """``text`` without control or format characters, whitespace collapsed to single spaces."""
    visible = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if ch.isspace() or unicodedata.category(ch) not in {"Cc", "Cf"}
    )
    return " ".join(visible.split())
