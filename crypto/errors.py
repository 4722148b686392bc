"""The two errors of the library: one for every failed decryption, one for bad code input."""


class DecryptionError(Exception):
    """Decryption or verification failed.

    Deliberately one error with one message for every cause (wrong key, wrong
    context, a flipped bit, a cut, a forged signature): a caller, and through
    it an attacker, learns only that it did not work.
    """

    def __init__(self) -> None:
        super().__init__("decryption failed")


class CodeFormatError(ValueError):
    """A receipt or invitation code is malformed or fails its check digit."""

    def __init__(self) -> None:
        super().__init__("not a valid code")
