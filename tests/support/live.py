"""A real gunicorn server on loopback, as ``make run`` starts it, for end-to-end tests."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

from werkzeug.datastructures import MultiDict
from werkzeug.test import encode_multipart

from config import Settings, head_log_seed

ROOT = Path(__file__).resolve().parents[2]


def free_port(host: str) -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def served_environment(instance_path: Path, settings: Mapping[str, str]) -> dict[str, str]:
    """The environment of a server or command on this test's database, as ``make run`` sets it."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("WBS_")}
    env.update({f"WBS_{key}": value for key, value in settings.items()})
    if "WBS_HEAD_LOG_SEED" not in env and "WBS_INSTALLATION_SALT" in env:
        # The server runs as ENV=development, which needs the seed a test app
        # derives from its salt (config.head_log_seed): the same key, one head log.
        salt = env["WBS_INSTALLATION_SALT"]
        seed = head_log_seed(Settings(ENV="test", INSTALLATION_SALT=salt))
        env["WBS_HEAD_LOG_SEED"] = seed.hex()
    env.update(WBS_INSTANCE_PATH=str(instance_path), WBS_ENV="development", WBS_TLS="false")
    return env


class LiveServer:
    """gunicorn with the project's own gunicorn.conf.py, logging to a file.

    Without its scheduled worker (``wbs worker``) unless asked: one more import
    of the app per server costs seconds of CPU that the other pytest-xdist
    worker waits for, and a sweep each minute beside a test that counts files
    would make its census a race. ``tests/worker`` starts servers with it.
    """

    def __init__(
        self,
        instance_path: Path,
        settings: Mapping[str, str],
        host: str = "127.0.0.2",
        workers: int = 2,
        scheduled_worker: bool = False,
    ):
        self.host = host
        self.workers = workers
        self.scheduled_worker = scheduled_worker
        self.port = free_port(host)
        self.log_path = instance_path.parent / "gunicorn.log"
        self.instance_path = instance_path
        self.settings = settings
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> LiveServer:
        env = served_environment(self.instance_path, self.settings)
        env.update(
            WBS_WORKERS=str(self.workers),
            WBS_WORKER="true" if self.scheduled_worker else "false",
            HOST=self.host,
            PORT=str(self.port),
        )
        log = self.log_path.open("ab")
        # A session (and process group) of its own: ``kill`` takes the master
        # and its workers down together, as a power cut would, and nothing else.
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited: " + self.log_path.read_text(errors="replace"))
            # The socket is bound before the start-up sweep runs and the workers
            # start: ready means a worker answered a request.
            connection = http.client.HTTPConnection(self.host, self.port, timeout=5)
            try:
                connection.request("GET", "/")
                connection.getresponse().read()
                return self
            except OSError:
                time.sleep(0.1)
            finally:
                connection.close()
        self.stop()
        raise RuntimeError("gunicorn did not start in 30 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def kill(self) -> None:
        """``kill -9`` of the whole process group: master and workers, no clean-up at all."""
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            _wait_for_group_exit(self.process.pid)
        self.process = None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def _wait_for_group_exit(group: int, seconds: float = 10.0) -> None:
    """Workers die a moment after the master; wait until none is left."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    raise RuntimeError("gunicorn workers survived SIGKILL")


# What a client sees when the server dies under its request: a reset, a
# refused connection, or an answer cut short.
CONNECTION_LOST = (OSError, http.client.HTTPException)


class Browser:
    """urllib with a cookie jar and its own connections: a client of the real gunicorn server."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, path: str) -> str:
        return self.get_bytes(path).decode()

    def get_bytes(self, path: str) -> bytes:
        with self.opener.open(self.base + path, timeout=60) as response:
            body: bytes = response.read()
            return body

    def post(self, path: str, fields: Any, multipart: bool = False) -> str:
        status, body = self.send(path, fields, multipart)
        if status >= 400:
            raise AssertionError(f"POST {path} answered {status}")
        return body.decode()

    def send_stream(
        self, path: str, body: Iterator[bytes], length: int, content_type: str
    ) -> tuple[int, bytes]:
        """POST a body the caller hands over piece by piece (a slow upload, say)."""
        headers = {"Content-Type": content_type, "Content-Length": str(length)}
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        return self._open(request)

    def send(self, path: str, fields: Any = None, multipart: bool = False) -> tuple[int, bytes]:
        """GET (no fields) or POST; returns status and body, 4xx and 5xx included.

        A dropped connection (the server died mid-request) raises one of ``CONNECTION_LOST``.
        """
        data = None
        headers = {}
        if fields is not None:
            if multipart:
                boundary, data = encode_multipart(MultiDict(fields))
                headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
            else:
                data = urllib.parse.urlencode(fields, doseq=True).encode()
                headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(self.base + path, data=data, headers=headers)
        return self._open(request)

    def _open(self, request: urllib.request.Request) -> tuple[int, bytes]:
        try:
            with self.opener.open(request, timeout=120) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()
