"""A large evidence upload through gunicorn: encrypted and stored vs stored in plaintext.

Both servers run the project's gunicorn.conf.py with one worker and receive
the same multipart body from the same client; the encrypted one is the real
reporter form (CSRF, draft, StreamEncryptor into the attachment store). Peak
memory is the worker's VmHWM from /proc, read after the upload.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

from bench import profiling
from bench.support import Gunicorn, MiB, instance_settings, prepare_installation, scratch_dir

PIECE = os.urandom(MiB)
BOUNDARY = "----LenteraBench7d1f"


def _body(fields: list[tuple[str, str]], size_mib: int) -> tuple[list[bytes], Iterator[bytes], int]:
    head = b"".join(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields
    )
    head += (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="evidence"; filename="big.bin"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()

    def stream() -> Iterator[bytes]:
        yield head
        for _ in range(size_mib):
            yield PIECE
        yield tail

    return [head, tail], stream(), len(head) + size_mib * MiB + len(tail)


def _post(port: int, path: str, fields: list[tuple[str, str]], size_mib: int, cookie: str) -> float:
    _, body, length = _body(fields, size_mib)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    headers = {
        "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
        "Content-Length": str(length),
    }
    if cookie:
        headers["Cookie"] = cookie
    start = time.perf_counter()
    connection.request("POST", path, body=body, headers=headers)
    response = connection.getresponse()
    response.read()
    elapsed = time.perf_counter() - start
    connection.close()
    if response.status != 200:
        raise RuntimeError(f"upload answered {response.status}")
    return elapsed


def _form_token(port: int) -> tuple[str, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/lapor/formulir")
    response = connection.getresponse()
    page = response.read().decode()
    cookie = (response.getheader("Set-Cookie") or "").split(";", 1)[0]
    connection.close()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    if token is None:
        raise RuntimeError("no CSRF token on the form")
    return token.group(1), cookie


def measure(size_mib: int, rounds: int, profile: Path | None = None) -> dict[str, float]:
    scratch = scratch_dir("lentera-bench-upload-")
    try:
        limit = str(8 * 1024 * MiB)  # the benchmark's file is larger than the default 100 MiB
        env = instance_settings(
            scratch / "instance", WBS_MAX_UPLOAD_BYTES=limit, WBS_MAX_UPLOAD_REQUEST_BYTES=limit
        )
        unit_id = prepare_installation(env)
        results = {
            "encrypted_s": float("inf"),
            "plain_s": float("inf"),
            "peak_mib": 0.0,
            "plain_peak_mib": 0.0,
        }
        for number in range(1, rounds + 1):
            with Gunicorn("wsgi:app", env) as server:
                token, cookie = _form_token(server.port)
                fields = [
                    ("draft", ""),
                    ("csrf_token", token),
                    ("unit", str(unit_id)),
                    ("category", "1"),
                    ("what", "bench upload"),
                ]
                with profiling.sampled(profile, f"upload-{number}", server.worker_pids()):
                    elapsed = _post(server.port, "/lapor/formulir", fields, size_mib, cookie)
                results["encrypted_s"] = min(results["encrypted_s"], elapsed)
                results["peak_mib"] = max(results["peak_mib"], server.peak_rss_mib())
            for pending in (scratch / "instance" / "attachments" / "pending").iterdir():
                pending.unlink()
            with Gunicorn(
                "bench.plain_upload:app", {**env, "BENCH_PLAIN_DIR": str(scratch)}
            ) as server:
                results["plain_s"] = min(
                    results["plain_s"], _post(server.port, "/", [("what", "bench")], size_mib, "")
                )
                results["plain_peak_mib"] = max(results["plain_peak_mib"], server.peak_rss_mib())
        return results
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench upload")
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--rounds", type=int, default=2)
    profiling.add_option(parser)
    args = parser.parse_args(argv)
    figures = measure(args.size_mib, args.rounds, args.profile)
    print(f"encrypted_store  {args.size_mib / figures['encrypted_s']:10.1f} MiB/s")
    print(f"plain_store      {args.size_mib / figures['plain_s']:10.1f} MiB/s")
    plain_peak = figures["plain_peak_mib"]
    print(f"peak_worker_rss  {figures['peak_mib']:10.1f} MiB (plain server: {plain_peak:.1f} MiB)")
    print(f"size             {args.size_mib:10d} MiB, best of {args.rounds}")
    print(f"upload={figures['plain_s'] / figures['encrypted_s']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(__import__("sys").argv[1:]))
