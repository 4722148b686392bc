"""Shared pieces of the HTTP benchmarks: a throwaway installation and a gunicorn server."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MiB = 1024 * 1024


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
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
        if exc[0] is not None:
            self.log.seek(0)
            print(self.log.read().decode(errors="replace")[-3000:], file=sys.stderr)
        self.log.close()

    def worker_pids(self) -> list[int]:
        assert self.process is not None
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def peak_rss_mib(self) -> float:
        """The largest resident set any worker reached (VmHWM), measured by the kernel."""
        peak = 0
        for pid in self.worker_pids():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        return peak / 1024
