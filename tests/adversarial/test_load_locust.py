"""Load: 50 locust users for 60 s against gunicorn on loopback; zero failures, zero 5xx.

The users (tests/adversarial/locustfile.py) mix the landing page, reports
with evidence (form, review, receipt) and receipt logins that open the case
page. Locust runs headless in its own process (it patches the standard
library with gevent), bounded in users and time, and stops by itself. The
request counts, failures and latency percentiles are printed to the test
output even without ``-s``, for the closing note. Argon2id runs at the test
suite's cheap cost here: this measures the web stack and the database under
concurrency; ``python -m bench receipt_login`` measures Argon2id itself.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.durability import (
    census,
    file_report,
    integrity_check,
    live_settings,
    receipt_in,
    send,
    server_failures,
)
from tests.support.live import Browser, LiveServer

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
USERS, SPAWN_RATE, SECONDS = 50, 10, 60
COLUMNS = ("Request Count", "Failure Count", "50%", "95%", "99%", "Max Response Time")


def _summary(rows: list[dict[str, str]]) -> str:
    lines = [
        f"locust: {USERS} users, spawn {SPAWN_RATE}/s, {SECONDS} s on loopback (latencies in ms)",
        f"{'request':38} {'count':>7} {'fail':>5} {'p50':>6} {'p95':>6} {'p99':>6} {'max':>6}",
    ]
    for row in rows:
        values = [row[column] for column in COLUMNS]
        lines.append(
            f"{row['Name']:38} {values[0]:>7} {values[1]:>5} "
            + " ".join(f"{float(value):>6.0f}" for value in values[2:])
        )
    return "\n".join(lines)


@pytest.mark.slow
def test_fifty_users_for_a_minute_without_a_failure(app, org, instance_path, capsys) -> None:
    server = LiveServer(instance_path, live_settings(app)).start()
    try:
        browser = Browser(server.url)
        receipts = []
        for n in range(3):  # codes for the first logins
            status, review = file_report(browser, org.units["a"], f"Awal {n}", [("a.bin", b"a")])
            assert status == 200
            status, page = send(browser, review)
            assert status == 200
            receipts.append(receipt_in(page).replace(" ", ""))
        prefix = instance_path.parent / "locust"
        env = {
            "WBS_LOAD_UNIT": str(org.units["a"]),
            "WBS_LOAD_RECEIPTS": ",".join(receipts),
            "PATH": "/usr/bin:/bin",
        }
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "locust",
                "-f",
                str(LOCUSTFILE),
                "--headless",
                "-u",
                str(USERS),
                "-r",
                str(SPAWN_RATE),
                "-t",
                f"{SECONDS}s",
                "--host",
                server.url,
                "--csv",
                str(prefix),
                "--only-summary",
                "--stop-timeout",
                "10",
                "--loglevel",
                "WARNING",
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=SECONDS + 90,
            check=False,
        )
        with Path(f"{prefix}_stats.csv").open(newline="") as handle:
            rows = list(csv.DictReader(handle))
        summary = _summary(rows)
        with capsys.disabled():
            print("\n" + summary)
        (instance_path.parent / "locust-summary.txt").write_text(summary + "\n")
        failures = Path(f"{prefix}_failures.csv").read_text()
        total = next(row for row in rows if row["Name"] == "Aggregated")
        assert int(total["Request Count"]) > USERS * 10, summary
        assert int(total["Failure Count"]) == 0, (summary, failures)
        assert done.returncode == 0, done.stderr[-3000:]
        assert server_failures(server.log()) == []
        sent = next(row for row in rows if row["Name"] == "POST /lapor/kirim")
        after = census(app, instance_path / "attachments")
        # A user stopped at the deadline may leave a send the server finished unrecorded.
        made = after.cases - len(receipts)
        assert int(sent["Request Count"]) <= made <= int(sent["Request Count"]) + USERS
        assert after.leftovers.empty(), after.leftovers
        assert integrity_check(app) == "ok"
    finally:
        server.stop()
