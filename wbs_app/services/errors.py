"""Domain errors raised by services and translated into pages by the views."""


class DomainError(Exception):
    """A request the domain refuses; the message is safe to show, never secret."""


class NotFound(DomainError):
    """The thing asked for does not exist, or the caller may not know that it does."""
