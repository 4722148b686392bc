"""A real gunicorn server on loopback, as ``make run`` starts it, for end-to-end tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port(host: str) -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


class LiveServer:
    """gunicorn with the project's own gunicorn.conf.py, logging to a file."""

    def __init__(self, instance_path: Path, settings: Mapping[str, str], host: str = "127.0.0.2"):
        self.host = host
        self.port = free_port(host)
        self.log_path = instance_path.parent / "gunicorn.log"
        self.instance_path = instance_path
        self.settings = settings
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> LiveServer:
        env = {key: value for key, value in os.environ.items() if not key.startswith("WBS_")}
        env.update({f"WBS_{key}": value for key, value in self.settings.items()})
        env.update(
            WBS_INSTANCE_PATH=str(self.instance_path),
            WBS_ENV="development",
            WBS_TLS="false",
            WBS_WORKERS="2",
            HOST=self.host,
            PORT=str(self.port),
        )
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited: " + self.log_path.read_text(errors="replace"))
            try:
                with socket.create_connection((self.host, self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.1)
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

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")
