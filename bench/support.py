"""Shared pieces of the HTTP benchmarks: a throwaway installation and a gunicorn server."""

from __future__ import annotations

import http.client
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from crypto import TEST_ARGON2

ROOT = Path(__file__).resolve().parent.parent
MiB = 1024 * 1024
READY = re.compile(r"worker \d+ ready")


def instance_settings(instance: Path, **extra: str) -> dict[str, str]:
    """Environment for an app on a fresh SQLite instance folder (production Argon2 unless told)."""
    instance.mkdir(parents=True, exist_ok=True)
    settings = {
        "WBS_INSTANCE_PATH": str(instance),
        "WBS_ENV": "development",
        "WBS_TLS": "false",
        "WBS_SECRET_KEY": secrets.token_hex(32),
        "WBS_INSTALLATION_SALT": secrets.token_hex(32),
    }
    settings.update(extra)
    return settings


def prepare_installation(env: dict[str, str]) -> int:
    """Migrate the instance and add a unit with its supervisor; return the unit id.

    A supervisor, because every report must reach one (``services.cases.delivery``);
    one handler all the same, so each case costs the same wraps as before.
    """
    from wbs_app.db import app_database
    from wbs_app.factory import create_app
    from wbs_app.migrate import upgrade
    from wbs_app.models import StaffRole
    from wbs_app.services.office import organisation
    from wbs_app.services.office.catalogue import ensure_default_categories
    from wbs_app.services.staff import accounts, totp
    from wbs_app.services.staff.accounts import Credentials

    config = {key.removeprefix("WBS_"): value for key, value in env.items()}
    app = create_app(config)
    database = app_database(app)
    upgrade(database.engine)
    with database.session() as session:
        ensure_default_categories(session)
        unit = organisation.create_unit(session, None, "Kanwil", None)
        _, token = accounts.invite(
            session, None, "h@bench.invalid", "Handler", StaffRole.SUPERVISOR, [unit.id]
        )
        secret = totp.new_secret()
        password = "kopi-toraja-" + os.urandom(8).hex()
        handler = accounts.activate(
            session,
            token,
            Credentials("handler", password, password, secret, totp.code_at(secret, time.time())),
            TEST_ARGON2,
        )
        _certify(session, handler)
        unit_id = unit.id
    database.dispose()
    return unit_id


def _certify(session: Any, handler: Any) -> None:
    """A ceremony whose shares are dropped at once, and the root's certificate for the handler."""
    from crypto.certificates import certificate_fingerprint
    from wbs_app.services.trust import certificates, root

    custodians = [root.CustodianName(f"Custodian {n}", "Bench") for n in (1, 2, 3)]
    shares = [issued.words for issued in root.hold_ceremony(session, custodians)]
    opened = root.open_root(session, shares[:2])
    heard = certificate_fingerprint(handler.identity_public)
    certificates.certify_by_root(session, handler, opened, heard)
    session.commit()


def scratch_dir(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Gunicorn:
    """gunicorn with the project's gunicorn.conf.py, for one app module."""

    def __init__(self, app: str, env: Mapping[str, str], workers: int = 1) -> None:
        self.port = free_port()
        self.env = {
            **os.environ,
            **env,
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "WBS_WORKERS": str(workers),
        }
        self.app = app
        self.workers = workers
        self.process: subprocess.Popen[bytes] | None = None
        # The server's own log, kept for when a benchmark fails.
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in __exit__

    def __enter__(self) -> Gunicorn:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", self.app],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        # The socket is bound before the start-up sweep runs and the workers
        # import the app, so wait for every worker's "ready" line (gunicorn.conf.py):
        # a timing, a profile or a memory reading taken earlier would include
        # the start-up.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if len(READY.findall(self.output())) >= self.workers:
                return self
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        log = self.output()[-3000:]
        self.__exit__(None, None, None)  # not left running when it never became ready
        raise RuntimeError("gunicorn did not start:\n" + log)

    def output(self) -> str:
        """The server's log so far (read without moving the file offset the server writes at)."""
        fd = self.log.fileno()
        return os.pread(fd, os.fstat(fd).st_size, 0).decode(errors="replace")

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
        if exc[0] is not None:
            print(self.output()[-3000:], file=sys.stderr)
        self.log.close()

    def worker_pids(self) -> list[int]:
        """The forked workers: the master's children but the start-up sweep (a flask command).

        A worker's command line is the master's, or "gunicorn: worker ..." where
        setproctitle is installed; either way it names gunicorn.
        """
        assert self.process is not None
        master = self.process.pid
        pids = []
        for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split():
            try:
                if b"gunicorn" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    pids.append(int(pid))
            except OSError:  # it ended while we looked
                continue
        return pids

    def peak_rss_mib(self) -> float:
        """The largest resident set any worker reached (VmHWM), measured by the kernel."""
        peak = 0
        for pid in self.worker_pids():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        return peak / 1024


class HttpSession:
    """One client of a loopback server: its own connection and cookies, as a browser keeps them.

    Enough HTTP for the benchmarks' forms (no redirects followed, no JavaScript),
    so that concurrent reporters are real, separate clients of gunicorn.
    """

    def __init__(self, port: int, timeout: float = 300) -> None:
        self.port = port
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.location = ""  # the last answer's Location header (redirects are not followed)

    def request(
        self, method: str, path: str, body: bytes = b"", content_type: str = ""
    ) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if content_type:
            headers["Content-Type"] = content_type
        try:
            connection.request(method, path, body=body or None, headers=headers)
            response = connection.getresponse()
            page = response.read().decode(errors="replace")
            self.location = response.getheader("Location") or ""
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name.strip()] = rest.split(";", 1)[0]
            return response.status, page
        finally:
            connection.close()

    def get(self, path: str) -> tuple[int, str]:
        return self.request("GET", path)

    def post(self, path: str, fields: list[tuple[str, str]]) -> tuple[int, str]:
        return self.request(
            "POST", path, urlencode(fields).encode(), "application/x-www-form-urlencoded"
        )

    def post_multipart(self, path: str, fields: list[tuple[str, str]]) -> tuple[int, str]:
        boundary = "----LenteraBenchForm" + secrets.token_hex(8)
        body = (
            b"".join(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
                + value.encode()
                + b"\r\n"
                for name, value in fields
            )
            + f"--{boundary}--\r\n".encode()
        )
        return self.request("POST", path, body, f"multipart/form-data; boundary={boundary}")
