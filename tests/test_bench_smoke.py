"""The HTTP benchmarks run on tiny inputs and end with their machine-readable line."""

from __future__ import annotations

import re

import pytest

from bench import receipt_login, upload

pytestmark = pytest.mark.bench


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


def test_stats_benchmark_smoke(capsys) -> None:
    from bench import stats

    assert stats.main(["--small", "350", "--large", "400", "--rounds", "1"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert re.fullmatch(r"stats=\d+\.\d{3}", lines[-1])
    queries = re.search(r"queries one unit (\d+), all 34 units (\d+)", "\n".join(lines))
    assert queries and abs(int(queries.group(1)) - int(queries.group(2))) <= 1


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


def test_inbox_profile_names_the_view(tmp_path, capsys) -> None:
    """--profile writes pyinstrument's call tree of the measured arm, the app's frames in it."""
    from bench import inbox

    arguments = ["--small", "5", "--large", "10", "--rounds", "2", "--profile", str(tmp_path)]
    assert inbox.main(arguments) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1].startswith("inbox=")
    tree = (tmp_path / "inbox-sqlite-10.txt").read_text()
    assert "inbox_page" in tree and "wbs_app/services/cases/inbox.py" in tree


def test_server_profile_samples_the_workers_serving(tmp_path, capsys) -> None:
    """py-spy samples the gunicorn workers once they are ready, not their start-up."""
    from bench import submit_load

    # Six reports: with two, the sampler sometimes caught no request in the view (71 samples).
    assert submit_load.main(["--count", "6", "--concurrency", "2", "--profile", str(tmp_path)]) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1].startswith("submit_load=")
    summary = (tmp_path / "submit_load.txt").read_text()
    assert "samples" in summary.splitlines()[0]
    assert "wbs_app/reporter/intake_views.py" in summary
    assert "import_app" not in summary


def test_summary_counts_a_recursive_frame_once_per_stack() -> None:
    from bench.profiling import summarise

    stacks = ["main (a.py:1);f (a.py:2);f (a.py:2) 3", "main (a.py:1);g (a.py:5) 1", "junk"]
    text = summarise(stacks)
    assert text.startswith("4 samples")
    inclusive = text.split("inclusive time")[1]
    assert "100.0%  main (a.py:1)" in inclusive and " 75.0%  f (a.py:2)" in inclusive
    own = text.split("inclusive time")[0]
    assert " 75.0%  f (a.py:2)" in own and " 25.0%  g (a.py:5)" in own


def test_rewrap_benchmark_smoke(capsys) -> None:
    from bench import rewrap

    assert rewrap.main(["--cases", "30", "--batch", "7", "--rounds", "1"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert re.fullmatch(r"rewrap=\d+\.\d{3}", out[-1])
    assert re.search(r"cases\s+30 \(60 recovery wraps, batch 7\)", "\n".join(out))


def test_notify_benchmark_smoke(capsys) -> None:
    from bench import notify

    assert notify.main(["--people", "4", "--rounds", "2"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert re.fullmatch(r"notify=\d+\.\d{3}", out[-1])
    assert re.search(r"events\s+8 to 4 handlers \(2 rounds\)", "\n".join(out))
