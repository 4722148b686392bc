"""The HTTP benchmarks run on tiny inputs and end with their machine-readable line."""

from __future__ import annotations

import re

from bench import receipt_login, upload


def test_upload_benchmark_smoke(capsys) -> None:
    assert upload.main(["--size-mib", "2", "--rounds", "1"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert re.fullmatch(r"upload=\d+\.\d{3}", lines[-1])
    peak = float(re.search(r"peak_worker_rss\s+([\d.]+)", "\n".join(lines)).group(1))
    assert peak > 0


def test_receipt_login_benchmark_smoke(capsys) -> None:
    assert receipt_login.main(["--rounds", "2"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert re.fullmatch(r"receipt_login=\d+\.\d{3}", lines[-1])


def test_inbox_benchmark_smoke(capsys) -> None:
    from bench import inbox

    assert inbox.main(["--small", "20", "--large", "60", "--rounds", "2"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert re.fullmatch(r"inbox=\d+\.\d{3}", lines[-1])


def test_submit_load_benchmark_smoke(capsys) -> None:
    from bench import submit_load

    assert submit_load.main(["--count", "4", "--concurrency", "2"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert re.fullmatch(r"submit_load=\d+\.\d{3}", out[-1])
    assert re.search(r"receipts\s+4 received, 0 not opening", "\n".join(out))


def test_report_marks_each_target_met_or_missed() -> None:
    from bench.report import TARGETS, Run, render

    crypto, upload = TARGETS[0], TARGETS[1]
    page = render(
        [
            Run(crypto, ["stream_encrypt 900.0 MiB/s"], 0.85, 10.0),
            Run(upload, ["peak_worker_rss 140.0 MiB (plain server: 60.0 MiB)"], 0.4, 20.0),
        ],
        ["- CPU: test"],
        "",
    )
    assert "| crypto | 0.850 | >= 0.8 | met |" in page
    assert "| upload | 0.400 | >= 0.5 | **missed** |" in page
    assert "| upload memory | 140.0 MiB | < 128 MiB | **missed** |" in page
    assert "stream_encrypt 900.0 MiB/s" in page and "- CPU: test" in page
