"""Sending e-mail over SMTP: the server's settings, one connection per run, what a failure means.

``smtplib`` from the standard library does the protocol; this module adds
what every sender here needs: TLS that is never silently skipped (STARTTLS
is required when asked for, the certificate is checked against the system's
store or the office's own CA), a timeout on every socket operation, and the
one distinction a retrying sender must make: a *refusal* (the server answered
5xx for this message or recipient: sending it again now will not help) from an
*outage* (no connection, a dropped one, 4xx, a TLS failure: the same message
may be accepted later). Nothing here logs: the caller says what happened in
counts.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage

SECURITY_MODES = ("starttls", "tls", "none")
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


@dataclass(frozen=True)
class MailSettings:
    """Where and how to send; ``security`` is one of ``SECURITY_MODES``."""

    host: str
    port: int
    security: str
    sender: str
    username: str = ""
    password: str = ""
    ca_file: str = ""
    timeout_seconds: float = 30.0
    # An address refused this many times is given up (its notices stay in the app).
    max_attempts: int = 5
    # The local hour (the installation's time zone) at which digests go out.
    digest_hour: int = 7

    def __repr__(self) -> str:  # never the password, in a traceback or a log
        return f"MailSettings({self.host}:{self.port}, {self.security})"


class MailUnavailable(Exception):
    """The server could not be reached or would not take mail now: try again later."""


class MailRefused(Exception):
    """The server refused this message for good (5xx): sending it again now will not help."""


class MailDeferred(Exception):
    """The server will not take this message now (4xx for its address): the others go on."""


def _tls_context(settings: MailSettings) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=settings.ca_file or None)


class Connection:
    """An open SMTP session; ``send`` raises ``MailRefused`` or ``MailUnavailable``."""

    def __init__(self, smtp: smtplib.SMTP) -> None:
        self._smtp = smtp

    def send(self, message: EmailMessage) -> None:
        """Raise ``MailRefused`` (5xx for this mail), ``MailDeferred`` (4xx for it) or
        ``MailUnavailable`` (the session is lost, the server is closing, our sender is refused)."""
        try:
            refused = self._smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            raise _for_message(min(code for code, _ in error.recipients.values())) from None
        except smtplib.SMTPDataError as error:
            raise _for_message(error.smtp_code) from None
        except (smtplib.SMTPException, OSError):  # the sender refused is our setting's fault
            raise MailUnavailable() from None
        if refused:  # some recipients refused: each mail here has one
            raise MailRefused()


def _for_message(code: int) -> Exception:
    """What a reply code about one message means for the run."""
    if code == 421:  # the server is closing the session: everyone waits
        return MailUnavailable()
    return MailRefused() if code >= 500 else MailDeferred()


@contextmanager
def connect(settings: MailSettings) -> Iterator[Connection]:
    """Open, secure and authenticate a session; closed when the block ends.

    Raises ``MailUnavailable`` when the server cannot be reached, will not
    start TLS or refuses the credentials (an operator's setting, not a
    recipient's fault: every message would fail alike).
    """
    smtp: smtplib.SMTP
    try:
        if settings.security == "tls":
            smtp = smtplib.SMTP_SSL(
                settings.host,
                settings.port,
                timeout=settings.timeout_seconds,
                context=_tls_context(settings),
            )
        else:
            smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_seconds)
    except (smtplib.SMTPException, OSError):
        raise MailUnavailable() from None
    try:
        try:
            smtp.ehlo()
            if settings.security == "starttls":
                # smtplib.starttls raises SMTPNotSupportedError when the server
                # offers none: never fall back to plain text.
                smtp.starttls(context=_tls_context(settings))
                smtp.ehlo()
            if settings.username:
                smtp.login(settings.username, settings.password)
        except (smtplib.SMTPException, OSError):
            raise MailUnavailable() from None
        yield Connection(smtp)
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()
