"""Which staff passwords are acceptable: long, and not a known or guessable one.

A staff password protects the key that opens every case the person handles,
so the rule follows NIST SP 800-63B: a minimum length and a check against
common passwords, without composition rules that push people to
``Password2024!``. Such variants are caught by reducing a password to its
stem (lower case, leetspeak undone, digits and symbols around it removed).
"""

from __future__ import annotations

import enum
import re
import unicodedata
from functools import cache
from importlib import resources

MIN_LENGTH = 12
MAX_LENGTH = 256
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"}
)
_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")
_SEQUENCES = ("abcdefghijklmnopqrstuvwxyz", "qwertyuiopasdfghjklzxcvbnm", "01234567890")


class PasswordProblem(enum.StrEnum):
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    COMMON = "common"
    PERSONAL = "personal"


@cache
def common_passwords() -> frozenset[str]:
    data = resources.files("wbs_app.services.staff").joinpath("data")
    text = data.joinpath("common-passwords.txt").read_text()
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def _stem(password: str) -> str:
    return _EDGES.sub("", password.lower()).translate(_LEET)


def _is_trivial(stem: str) -> bool:
    if len(set(stem)) <= 2:
        return True
    return any(stem in sequence or stem in sequence[::-1] for sequence in _SEQUENCES)


def check(password: str, *, personal: tuple[str, ...] = ()) -> list[PasswordProblem]:
    """The problems with a proposed password; an empty list means acceptable.

    ``personal`` holds the user's own name, username and e-mail address, none
    of which may appear in the password.
    """
    password = unicodedata.normalize("NFC", password)
    problems: list[PasswordProblem] = []
    if len(password) < MIN_LENGTH:
        problems.append(PasswordProblem.TOO_SHORT)
    if len(password) > MAX_LENGTH:
        problems.append(PasswordProblem.TOO_LONG)
    lowered = password.lower()
    stem = _stem(password)
    listed = common_passwords()
    if lowered in listed or stem in listed or _is_trivial(stem) or _is_trivial(lowered):
        problems.append(PasswordProblem.COMMON)
    # Of an e-mail address only the local part is personal: the office's
    # domain is shared by everyone and says nothing about the person.
    pieces = {
        part
        for value in personal
        for part in re.split(r"[.\s_+-]+", value.lower().split("@", 1)[0])
        if len(part) >= 4
    }
    if any(piece in lowered or piece in stem for piece in pieces):
        problems.append(PasswordProblem.PERSONAL)
    return problems
