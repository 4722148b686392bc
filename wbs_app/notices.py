"""The two kinds of notice a page shows after a redirect, as Flask's flash categories.

A refusal ("write a message first", "this colleague already has access") was
shown like a success: green, and announced politely (``role=status``), so a
handler could read "Catatan disimpan" where nothing was saved. ``base.html``
draws ``ERROR`` in the error colours with ``role=alert``, announced at once,
and anything else as a confirmation.
"""

from __future__ import annotations

from flask import flash

ERROR = "error"
DONE = "message"  # Flask's default category
WARN = "warn"  # neither done nor refused: something the person must know (a session ended)


def refused(message: str) -> None:
    """Tell the next page that what was asked was not done, and why."""
    flash(message, ERROR)


def done(message: str) -> None:
    """Tell the next page that what was asked was done."""
    flash(message, DONE)


def warned(message: str) -> None:
    """Tell the next page something that happened to the person, in the warning colours."""
    flash(message, WARN)
