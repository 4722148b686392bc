"""A real SMTP server for the notification tests (aiosmtpd), in this process or in a child.

Each accepted message is written to a folder as one file (written whole,
then renamed into place) before the server answers 250, so what a test reads
is what the server accepted. ``MailServer`` runs it on a thread of the test;
``MailServerProcess`` runs it as a child process (``python -m
tests.support.smtp``) that a test can kill: ``die_on`` makes the child kill
itself with SIGKILL on receiving that message (numbered from 1), after
reading its data and before accepting it, as a server lost mid-run would.
Optional STARTTLS or implicit TLS with a certificate made here for
127.0.0.1, and AUTH with one login.
"""

from __future__ import annotations

import argparse
import datetime
import email
import email.policy
import ipaddress
import os
import signal
import ssl
import subprocess
import sys
import time
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

HOST = "127.0.0.1"


class Catcher:
    """The aiosmtpd handler: every message to a file, optionally dying on the n-th."""

    def __init__(
        self,
        folder: Path,
        die_on: int = 0,
        refuse: frozenset[str] = frozenset(),
        defer: frozenset[str] = frozenset(),
    ) -> None:
        self.folder = folder
        self.die_on = die_on
        self.refuse = refuse
        self.defer = defer
        self.received = 0

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 No such mailbox"
        if address in self.defer:
            return "452 4.2.2 Mailbox full, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received += 1
        if self.die_on and self.received == self.die_on:
            os.kill(os.getpid(), signal.SIGKILL)
        name = f"{time.time_ns()}-{self.received}.eml"
        partial = self.folder / (name + ".part")
        partial.write_bytes(envelope.content)
        partial.rename(self.folder / name)
        return "250 Message accepted for delivery"


class Login:
    """AUTH PLAIN/LOGIN with one account."""

    def __init__(self, username: str, password: str) -> None:
        self.expected = LoginPassword(username.encode(), password.encode())

    def __call__(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
        return AuthResult(success=data == self.expected)


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (its file is the client's CA file too)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "lentera-test-smtp")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(HOST))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def _server_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


@dataclass(frozen=True)
class Options:
    """How the server is set up: plain, STARTTLS (required) or implicit TLS; AUTH or not."""

    security: str = "none"  # "none", "starttls" or "tls"
    cert: Path | None = None
    key: Path | None = None
    username: str = ""
    password: str = ""
    refuse: frozenset[str] = frozenset()  # addresses answered 550
    defer: frozenset[str] = frozenset()  # addresses answered 452


def _controller(folder: Path, port: int, options: Options, die_on: int = 0) -> Controller:
    kwargs: dict[str, Any] = {}
    if options.security != "none":
        assert options.cert is not None and options.key is not None
        context = _server_context(options.cert, options.key)
        if options.security == "starttls":
            kwargs.update(tls_context=context, require_starttls=True)
        else:
            kwargs.update(ssl_context=context, auth_require_tls=False)
    if options.username:
        kwargs.update(authenticator=Login(options.username, options.password), auth_required=True)
    handler = Catcher(folder, die_on, options.refuse, options.defer)
    return Controller(handler, hostname=HOST, port=port, **kwargs)


def messages(folder: Path) -> list[EmailMessage]:
    """Every message the server accepted, oldest first."""
    found = []
    for path in sorted(folder.glob("*.eml"), key=lambda p: int(p.name.split("-")[0])):
        parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        found.append(parsed)
    return found


class MailServer:
    """The server on a thread of this process."""

    def __init__(self, folder: Path, port: int, options: Options = Options()) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder, self.port, self.options = folder, port, options
        self._controller = _controller(folder, port, options)

    def __enter__(self) -> MailServer:
        self._controller.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._controller.stop()

    def messages(self) -> list[EmailMessage]:
        return messages(self.folder)


class MailServerProcess:
    """The server as a child process, so that it can die as a real one does."""

    def __init__(self, folder: Path, port: int, die_on: int = 0) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder, self.port, self.die_on = folder, port, die_on
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> MailServerProcess:
        command = [sys.executable, "-m", "tests.support.smtp", str(self.folder), str(self.port)]
        command += ["--die-on", str(self.die_on)]
        root = Path(__file__).resolve().parents[2]
        self.process = subprocess.Popen(command, cwd=root)
        _wait_for_port(self.port, self.process)
        return self

    def __exit__(self, *_: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
        if self.process is not None:
            self.process.wait(timeout=10)

    def wait_for_death(self, timeout: float = 30) -> int:
        assert self.process is not None
        return self.process.wait(timeout=timeout)

    def messages(self) -> list[EmailMessage]:
        return messages(self.folder)


def _wait_for_port(port: int, process: subprocess.Popen[bytes]) -> None:
    import socket

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError("the SMTP server did not start")
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("the SMTP server did not listen within 30 s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path)
    parser.add_argument("port", type=int)
    parser.add_argument("--die-on", type=int, default=0)
    arguments = parser.parse_args()
    controller = _controller(arguments.folder, arguments.port, Options(), arguments.die_on)
    controller.start()
    stop = False

    def _stop(*_: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, _stop)
    while not stop:
        time.sleep(0.2)
    controller.stop()


if __name__ == "__main__":
    main()
