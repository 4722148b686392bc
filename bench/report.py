"""``make bench``: run every benchmark on this machine and write docs/performance.md.

Each benchmark runs in a process of its own (so that one's memory and threads
do not colour the next) and is read by its last line, ``name=ratio``; the lines
before it are its figures, copied into the page as printed. The inbox runs
and the statistics run twice, on SQLite and on the PostgreSQL named by WBS_BENCH_DATABASE_URL (a
database of its own: the benchmark empties it), when that server answers.
"""

from __future__ import annotations

import argparse
import operator
import os
import platform
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.support import ROOT

DEFAULT_POSTGRES = "postgresql+psycopg://root@127.0.0.1:5432/lentera_bench"


@dataclass(frozen=True)
class Target:
    """A DESIGN.md section 6 target: the ratio a benchmark's last line must meet."""

    benchmark: str
    label: str
    compare: str  # ">=" or "<="
    bound: float
    measures: str

    def met(self, value: float) -> bool:
        check: Callable[[float, float], bool] = operator.ge if self.compare == ">=" else operator.le
        return check(value, self.bound)


TARGETS = (
    Target("crypto", "crypto", ">=", 0.8, "stream format / raw AES-256-GCM, 64 KiB chunks, 1 GiB"),
    Target("upload", "upload", ">=", 0.5, "1 GiB upload through gunicorn, encrypted / plain"),
    Target("receipt_login", "receipt_login", "<=", 1.1, "receipt login over HTTP / one Argon2id"),
    Target("inbox", "inbox (SQLite)", "<=", 2.0, "inbox page, 100,000 / 1,000 cases"),
    Target("inbox", "inbox (PostgreSQL)", "<=", 2.0, "inbox page, 100,000 / 1,000 cases"),
    Target("submit_load", "submit_load", ">=", 0.6, "32 reporters submitting / bare Argon2id"),
    Target("bodies", "bodies", "<=", 32.0, "worker peak RSS growth (MiB), 500 MiB forms to all"),
    Target("notify", "notify", ">=", 0.8, "1,000 notices to 200 handlers by e-mail / bare smtplib"),
    Target("stats", "stats (SQLite)", "<=", 1.5, "board, quarterly PDF, 100,000 / 1,000 cases"),
    Target("stats", "stats (PostgreSQL)", "<=", 1.5, "board, quarterly PDF, 100,000 / 1,000 cases"),
)
PEAK_MEMORY_MIB = 128.0


@dataclass
class Run:
    target: Target
    figures: list[str]
    value: float | None
    seconds: float
    note: str = ""


def _run(target: Target, env: dict[str, str]) -> Run:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "bench", target.benchmark],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    lines = done.stdout.strip().splitlines()
    last = lines[-1] if lines else ""
    name, _, value = last.partition("=")
    if done.returncode != 0 or name != target.benchmark:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return Run(target, lines, None, seconds, f"failed: {tail}")
    return Run(target, lines[:-1], float(value), seconds)


def _postgres_ready(url: str) -> str:
    """Create the benchmark's database if the server answers; '' when it does not."""
    import psycopg

    plain = url.replace("postgresql+psycopg://", "postgresql://", 1)
    server, _, name = plain.rpartition("/")
    try:
        with psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=3) as db:
            exists = db.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
            if not exists:
                db.execute(f'CREATE DATABASE "{name}"')  # the name comes from our own setting
            version = db.execute("SHOW server_version").fetchone()
            return f"PostgreSQL {version[0] if version else '?'}"
    except psycopg.Error:
        return ""


def _machine() -> list[str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown",
    )
    memory = next(
        (
            int(line.split()[1]) // 1024
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        0,
    )
    return [
        f"- CPU: {cpu}, {os.cpu_count()} logical cores; memory {memory / 1024:.1f} GiB",
        f"- System: {platform.platform()}",
        f"- Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}",
    ]


def _peak_memory(run: Run) -> str:
    for line in run.figures:
        if line.startswith("peak_worker_rss"):
            peak = float(line.split()[1])
            verdict = "met" if peak < PEAK_MEMORY_MIB else "**missed**"
            return (
                f"| upload memory | {peak:.1f} MiB | < {PEAK_MEMORY_MIB:.0f} MiB | {verdict} "
                "| peak RSS of the gunicorn worker (VmHWM) |"
            )
    return ""


def render(runs: list[Run], machine: list[str], postgres: str) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    out = [
        "# Performance",
        "",
        "Written by `make bench` (`python -m bench.report`); the targets are DESIGN.md section 6,",
        "each a ratio of two things measured side by side in the same run on the same machine.",
        "",
        f"Measured {when} on:",
        "",
        *machine,
        f"- PostgreSQL: {postgres or 'not reachable, its inbox and statistics runs skipped'}",
        "",
        "| benchmark | ratio | target | verdict | what is compared |",
        "|---|---|---|---|---|",
    ]
    for run in runs:
        if run.value is None:
            out.append(f"| {run.target.label} | - | {run.target.compare} {run.target.bound} | "
                       f"not measured ({run.note}) | {run.target.measures} |")
            continue
        verdict = "met" if run.target.met(run.value) else "**missed**"
        out.append(f"| {run.target.label} | {run.value:.3f} | {run.target.compare} "
                   f"{run.target.bound} | {verdict} | {run.target.measures} |")
        if run.target.benchmark == "upload" and (memory := _peak_memory(run)):
            out.append(memory)
    out += ["", "## Figures as printed", ""]
    for run in runs:
        out += [f"### {run.target.label} ({run.seconds:.0f} s)", "", "```", *run.figures]
        if run.value is not None:
            out.append(f"{run.target.benchmark}={run.value:.3f}")
        out += ["```", ""]
    return "\n".join(out)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.report")
    parser.add_argument("--out", default=str(ROOT / "docs" / "performance.md"))
    args = parser.parse_args(argv)
    base = {key: value for key, value in os.environ.items() if key != "WBS_BENCH_DATABASE_URL"}
    postgres_url = os.environ.get("WBS_BENCH_DATABASE_URL", DEFAULT_POSTGRES)
    postgres = _postgres_ready(postgres_url)
    runs = []
    for target in TARGETS:
        if target.label.endswith("(PostgreSQL)"):
            if not postgres:
                continue
            env = {**base, "WBS_BENCH_DATABASE_URL": postgres_url}
        else:
            env = base
        print(f"== {target.label}", flush=True)
        run = _run(target, env)
        print("\n".join(run.figures), f"\n{run.target.benchmark}={run.value}", flush=True)
        runs.append(run)
    Path(args.out).write_text(render(runs, _machine(), postgres) + "\n")
    print(f"wrote {args.out}")
    return 0 if all(run.value is not None and run.target.met(run.value) for run in runs) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
