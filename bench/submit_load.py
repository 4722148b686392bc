"""32 concurrent reporters submitting through gunicorn, against bare Argon2id as concurrent.

DESIGN.md section 6: under 32 concurrent reporters, submissions sustain at least
0.6 of the Argon2id bound. Every submission costs one Argon2id run with the
production parameters (the receipt's derivation), so the bound is the rate at
which this machine runs those derivations with 32 callers at once; the
benchmark measures that rate bare, in this process, in the same run, then the
rate of complete submissions (form, review, send, receipt page) made by 32
separate HTTP clients against gunicorn as ``make run`` starts it. Afterwards
every receipt must open its own case through the login form: zero errors and
zero lost cases, or the benchmark fails.

Issue 17 adds the cost of certificates (each recipient's chain checked at
every wrap, and shown on the review page): the same load also runs against
``bench.uncertified_app``, the app with those checks made no-ops, in
alternating rounds, and ``certificate_checks`` is the checked rate over that
baseline (target >= 0.9).
"""

from __future__ import annotations

import argparse
import secrets
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from bench import profiling
from bench.support import (
    Gunicorn,
    HttpSession,
    instance_settings,
    prepare_installation,
    scratch_dir,
)
from crypto import PRODUCTION_ARGON2, CodeKind, derive_code_secrets, generate_code


@dataclass
class Submission:
    marker: str
    receipt: str = ""
    error: str = ""


def _submit(port: int, unit_id: int, marker: str) -> Submission:
    """One reporter's whole journey as a browser without JavaScript makes it."""
    from tests.support.reporter import DRAFT_RE, RECEIPT_RE, csrf_from

    client = HttpSession(port)
    status, form = client.get("/lapor/formulir")
    if status != 200:
        return Submission(marker, error=f"form {status}")
    fields = [
        ("draft", ""),
        ("csrf_token", csrf_from(form)),
        ("unit", str(unit_id)),
        ("category", "1"),
        ("what", f"Pungutan liar di loket, laporan {marker}."),
        ("who", "Petugas loket 3"),
        ("where", "Loket pelayanan lantai 1"),
        ("when", "Senin pagi"),
        ("how", "Saya sendiri diminta membayar."),
    ]
    status, review = client.post_multipart("/lapor/formulir", fields)
    draft = DRAFT_RE.search(review)
    if status != 200 or draft is None:
        return Submission(marker, error=f"review {status}")
    status, sent = client.post(
        "/lapor/kirim", [("csrf_token", csrf_from(review)), ("draft", draft.group(1))]
    )
    if status == 303:  # the send redirects to the page that shows the receipt once
        status, sent = client.get(client.location)
    receipt = RECEIPT_RE.search(sent)
    if status != 200 or receipt is None:
        return Submission(marker, error=f"send {status}")
    return Submission(marker, receipt=receipt.group(1))


def _opens_its_case(port: int, submission: Submission) -> bool:
    from tests.support.reporter import csrf_from

    client = HttpSession(port)
    _, page = client.get("/lapor/masuk")
    status, _ = client.post(
        "/lapor/masuk", [("csrf_token", csrf_from(page)), ("receipt", submission.receipt)]
    )
    if status != 302:
        return False
    status, case_page = client.get("/lapor/kasus")
    return status == 200 and submission.marker in case_page


def _bare_rate(concurrency: int, count: int) -> float:
    """Derivations per second of the receipt's Argon2id run, ``concurrency`` callers at once."""
    salt = secrets.token_bytes(32)
    codes = [generate_code().replace(" ", "") for _ in range(count)]
    start = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(
            pool.map(
                lambda code: derive_code_secrets(code, CodeKind.RECEIPT, salt, PRODUCTION_ARGON2),
                codes,
            )
        )
    return count / (time.perf_counter() - start)


@dataclass
class LoadFigures:
    bare_rate: float
    submit_rate: float  # with certificate checks, as served
    baseline_rate: float  # the same load with the checks made no-ops (bench.uncertified_app)
    errors: list[str]
    received: dict[str, int]  # by app: receipts shown
    lost: dict[str, int]  # by app: receipts that did not open their case


CHECKED_APP = "wsgi:app"
BASELINE_APP = "bench.uncertified_app:app"


def _load(
    app: str,
    env: dict[str, str],
    unit_id: int,
    settings: tuple[int, int, int],
    profile: Path | None,
) -> tuple[float, list[Submission], int]:
    """One server, ``count`` submissions by ``concurrency`` clients: rate, outcomes, opened."""
    concurrency, count, workers = settings
    with Gunicorn(app, env, workers=workers) as server:
        markers = [f"M{secrets.token_hex(6)}" for _ in range(count)]
        with profiling.sampled(profile, "submit_load", server.worker_pids()):
            start = time.perf_counter()
            with ThreadPoolExecutor(concurrency) as pool:
                submissions = list(
                    pool.map(lambda marker: _submit(server.port, unit_id, marker), markers)
                )
            elapsed = time.perf_counter() - start
        # One at a time: the check is of the cases, and a flood of logins is
        # what the Argon2 gate refuses (503) on purpose.
        opened = sum(_opens_its_case(server.port, s) for s in submissions if s.receipt)
    return count / elapsed, submissions, opened


def measure(
    concurrency: int, count: int, workers: int, profile: Path | None = None, rounds: int = 1
) -> LoadFigures:
    """Bare Argon2id, then rounds of the served app and the unchecked baseline, alternating.

    Alternating (checked, baseline, checked, ...) spreads whatever else the
    machine does over both sides; the rates are totals over the rounds.
    """
    scratch = scratch_dir("lentera-bench-load-")
    try:
        env = instance_settings(scratch / "instance")
        unit_id = prepare_installation(env)
        bare = _bare_rate(concurrency, count)
        settings = (concurrency, count, workers)
        apps = (CHECKED_APP, BASELINE_APP)
        times = dict.fromkeys(apps, 0.0)
        received = dict.fromkeys(apps, 0)
        lost = dict.fromkeys(apps, 0)
        errors: list[str] = []
        for _ in range(rounds):
            for app in apps:
                rate, made, opened = _load(app, env, unit_id, settings, profile)
                times[app] += count / rate
                errors += [s.error for s in made if s.error]
                received[app] += sum(1 for s in made if s.receipt)
                lost[app] += sum(1 for s in made if s.receipt) - opened
                profile = None  # the profile, if asked for, is of the first (checked) round
        return LoadFigures(
            bare_rate=bare,
            submit_rate=count * rounds / times[CHECKED_APP],
            baseline_rate=count * rounds / times[BASELINE_APP],
            errors=errors,
            received=received,
            lost=lost,
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench submit_load")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--count", type=int, default=96, help="submissions per round and side")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (conf default)")
    parser.add_argument("--rounds", type=int, default=1, help="checked/baseline pairs")
    profiling.add_option(parser)
    args = parser.parse_args(argv)
    figures = measure(args.concurrency, args.count, args.workers, args.profile, args.rounds)
    at_once = f"{args.concurrency} at once"
    total = args.count * args.rounds
    print(f"argon2id_bare    {figures.bare_rate:8.2f} /s ({at_once}, t=3, m=64 MiB, p=4)")
    print(f"submissions      {figures.submit_rate:8.2f} /s ({at_once}, {args.workers} workers)")
    print(f"  no cert checks {figures.baseline_rate:8.2f} /s (same load, bench.uncertified_app)")
    print(f"reports          {total:8d} per side")
    print(f"errors           {len(figures.errors):8d} {sorted(set(figures.errors))}")
    checked, baseline = CHECKED_APP, BASELINE_APP
    print(
        f"receipts         {figures.received[checked]:8d} received, "
        f"{figures.lost[checked]} not opening their case"
    )
    print(
        f"  no cert checks {figures.received[baseline]:8d} received, "
        f"{figures.lost[baseline]} not opening their case"
    )
    print(f"certificate_checks={figures.submit_rate / figures.baseline_rate:.3f}")
    print(f"submit_load={figures.submit_rate / figures.bare_rate:.3f}")
    return 1 if figures.errors or any(figures.lost.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main(__import__("sys").argv[1:]))
