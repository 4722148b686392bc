"""`make run` starts the scheduled worker beside gunicorn, and Ctrl-C stops both.

On a copy of the project, as a newcomer runs it (``tests/test_make.py``'s checkout).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

from tests.support.live import free_port
from tests.test_make import checkout  # noqa: F401 - the fixture
from wbs_app.services.housekeeping import JOBS

HOST = "127.0.0.9"


def _output_until(process: subprocess.Popen[str], log: Path, marks: tuple[str, ...]) -> str:
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace")
        if all(mark in text for mark in marks):
            return text
        if process.poll() is not None:
            break
        time.sleep(0.3)
    raise AssertionError(f"make run never said {marks}:\n" + log.read_text()[-3000:])


def _wait_for_runs(database: Path) -> None:
    """Every job ran once: the worker's rows in the checkout's own database."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with contextlib.closing(sqlite3.connect(database)) as connection:
            ran = connection.execute("SELECT count(*) FROM worker_jobs WHERE runs > 0").fetchone()
        if ran[0] == len(JOBS):
            return
        time.sleep(0.5)
    raise AssertionError("the worker did not run every job within 120 s")


def test_make_run_starts_the_worker_and_ctrl_c_stops_it_with_gunicorn(
    checkout: Path,  # noqa: F811 - the fixture
) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("WBS_")}
    log = checkout.parent / "make-run.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "run", f"HOST={HOST}", f"PORT={free_port(HOST)}"],
            cwd=checkout,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # a terminal's foreground group, for the Ctrl-C below
        )
    try:
        _output_until(process, log, ("scheduled worker started", "worker started:"))
        _wait_for_runs(checkout / "instance" / "wbs.sqlite3")
    finally:
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in the terminal sends
        process.wait(timeout=60)
    text = log.read_text(errors="replace")
    assert "worker stopped" in text
    left = subprocess.run(
        ["pgrep", "-g", str(process.pid)], capture_output=True, text=True, check=False
    )
    assert left.stdout.strip() == "", "a process of make run outlived Ctrl-C"
