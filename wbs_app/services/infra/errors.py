"""Domain errors raised by services and translated into pages by the views.

Every refusal carries one ``code``, its only name: the web side words it from
that code alone (``wbs_app.refusals.MESSAGES``), and a test reads every raise
in ``services`` and fails when a code has no translated message. So a code is
given once, where the error is made: as a class attribute by a class with a
single reason, or by the raise site. A class raised with a code it received
from elsewhere (a routing problem, a stored outcome) lists those in ``codes``,
so that the test can see them.
"""

from __future__ import annotations

from typing import ClassVar


class DomainError(Exception):
    """A request the domain refuses; ``code`` says why, never anything secret."""

    code: str = ""
    codes: ClassVar[tuple[str, ...]] = ()

    def __init__(self, code: str | None = None) -> None:
        if code is not None:
            self.code = code
        if not self.code:
            raise TypeError(f"{type(self).__name__} needs a code")
        super().__init__(self.code)


class NotFound(DomainError):
    """The thing asked for does not exist, or the caller may not know that it does."""

    code = "not_found"
