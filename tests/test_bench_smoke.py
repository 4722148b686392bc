"""The HTTP benchmarks run on tiny inputs and end with their machine-readable line."""

from __future__ import annotations

import re

from bench import receipt_login, upload


def test_upload_benchmark_smoke(capsys) -> None:
    assert upload.main(["--size-mib", "2", "--rounds", "1"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert re.fullmatch(r"upload_encrypted_vs_plain=\d+\.\d{3}", lines[-1])
    peak = float(re.search(r"peak_worker_rss\s+([\d.]+)", "\n".join(lines)).group(1))
    assert peak > 0


def test_receipt_login_benchmark_smoke(capsys) -> None:
    assert receipt_login.main(["--rounds", "1"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert re.fullmatch(r"receipt_login_vs_argon2=\d+\.\d{3}", lines[-1])


def test_inbox_benchmark_smoke(capsys) -> None:
    from bench import inbox

    assert inbox.main(["--small", "20", "--large", "60", "--rounds", "2"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert re.fullmatch(r"inbox_large_vs_small=\d+\.\d{3}", lines[-1])
