"""A 500 MiB url-encoded POST to every route: how much the gunicorn worker's peak memory grows.

Issue 18 measured a worker going from 602 to 1,690 MiB under one such body,
since Werkzeug reads a url-encoded form whole. Here one gunicorn worker (the
project's gunicorn.conf.py) first gets a small url-encoded POST on every POST
route of the app (so that every page, template and error handler it will use
is loaded), its peak resident set (VmHWM) is read, and then every route gets
a body declared at ``--mib`` MiB and sent until the server answers; then
four such bodies at once on the report form's review route, one sent chunked
(no Content-Length), and a multipart one to every route that takes no files.
The figure is the growth of the worker's peak.
"""

from __future__ import annotations

import argparse
import contextlib
import select
import shutil
import socket
import threading
from collections import Counter
from typing import Any

from bench.support import Gunicorn, MiB, instance_settings, prepare_installation, scratch_dir

PIECE = b"a" * MiB
URLENCODED = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data; boundary=----LenteraBenchBodies"
# The streaming upload views: they take large multipart bodies (bench/upload.py).
UPLOAD_PATHS = (
    "/lapor/formulir",
    "/lapor/kasus/pesan",
    "/lapor/kasus/tindakan-balasan",
    "/lapor/kasus/koreksi",
    "/klarifikasi/pernyataan",
    "/staf/pengelola/laporan-baru",
)


def post_routes(env: dict[str, str]) -> list[str]:
    """A URL for every route that takes POST, with dummy arguments (1 or "x")."""
    from flask import url_for

    from wbs_app.factory import create_app

    app = create_app({key.removeprefix("WBS_"): value for key, value in env.items()})
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "POST" not in (rule.methods or ()):
                continue
            numbers: dict[str, Any] = dict.fromkeys(rule.arguments, 1)
            words: dict[str, Any] = dict.fromkeys(rule.arguments, "x")
            try:
                urls.append(url_for(rule.endpoint, **numbers))
            except Exception:  # a string argument
                urls.append(url_for(rule.endpoint, **words))
    return urls


def send(
    port: int, path: str, size: int, *, chunked: bool = False, content_type: str = URLENCODED
) -> int:
    """POST ``size`` bytes of a body, stopping once the server answers; its status."""
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        length = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {size}"
        sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
            f"{length}\r\nConnection: close\r\n\r\n".encode()
        )
        sent = 0
        while sent < size:
            readable, _, _ = select.select([sock], [], [], 0)
            if readable:
                break  # answered before the body was read: stop sending
            piece = PIECE[: min(MiB, size - sent)]
            try:
                sock.sendall(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
            except OSError:  # the server closed the connection
                break
            sent += len(piece)
        if chunked and sent >= size:
            with contextlib.suppress(OSError):
                sock.sendall(b"0\r\n\r\n")
        answer = b""
        try:
            while b"\r\n" not in answer:
                data = sock.recv(4096)
                if not data:
                    break
                answer += data
        except OSError:
            pass
    status = answer.split(b" ", 2)[1] if answer.startswith(b"HTTP/") else b"0"
    return int(status)


def measure(size_mib: int) -> dict[str, Any]:
    scratch = scratch_dir("lentera-bench-bodies-")
    try:
        env = instance_settings(scratch / "instance")
        prepare_installation(env)
        routes = post_routes(env)
        with Gunicorn("wsgi:app", env) as server:
            for path in routes:  # warm-up: every page and error page the big bodies will meet
                send(server.port, path, 1024)
            before = server.peak_rss_mib()
            statuses: Counter[int] = Counter()
            for path in routes:
                statuses[send(server.port, path, size_mib * MiB)] += 1
            after_each = server.peak_rss_mib()
            four = [
                threading.Thread(target=send, args=(server.port, "/lapor/kirim", size_mib * MiB))
                for _ in range(4)
            ]
            for thread in four:
                thread.start()
            for thread in four:
                thread.join()
            chunked = send(server.port, "/staf/masuk", size_mib * MiB, chunked=True)
            # Multipart where no file is taken (Werkzeug would spool its parts).
            multipart: Counter[int] = Counter()
            for path in routes:
                if path not in UPLOAD_PATHS:
                    multipart[send(server.port, path, size_mib * MiB, content_type=MULTIPART)] += 1
            after = server.peak_rss_mib()
        return {
            "routes": len(routes),
            "statuses": dict(sorted(statuses.items())),
            "chunked_status": chunked,
            "multipart_statuses": dict(sorted(multipart.items())),
            "before_mib": before,
            "after_each_mib": after_each,
            "after_mib": after,
            "growth_mib": after - before,
        }
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench bodies")
    parser.add_argument("--mib", type=int, default=500)
    args = parser.parse_args(argv)
    figures = measure(args.mib)
    answers = ", ".join(f"{count} x {status}" for status, count in figures["statuses"].items())
    print(f"routes            {figures['routes']:10d} POST routes, {args.mib} MiB each")
    print(f"answers           {answers}; chunked: {figures['chunked_status']}")
    multipart = ", ".join(f"{n} x {status}" for status, n in figures["multipart_statuses"].items())
    print(f"multipart         {multipart} (routes that take no files)")
    print(f"peak_worker_rss   {figures['before_mib']:10.1f} MiB after warm-up")
    print(f"after_each_route  {figures['after_each_mib']:10.1f} MiB")
    print(f"after_the_rest    {figures['after_mib']:10.1f} MiB (four at once, chunked, multipart)")
    print(f"bodies={figures['growth_mib']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(__import__("sys").argv[1:]))
