"""`make run`'s set-up, for real, on a copy of the project (issue 14: what a new office meets).

The targets run as a newcomer runs them: a fresh instance folder, no WBS_
variable set. The copy shares this checkout's virtual environment (the
install step is pip's own and CI installs it from scratch); everything else,
the secrets, the translations, the migrations, the salt fingerprint and the
printed links, is made by the Makefile.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    copy = tmp_path / "lentera"
    for name in filter(None, (entry.decode() for entry in listed)):
        if not (ROOT / name).is_file():
            continue
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, copy / name)
    (copy / ".venv").symlink_to(ROOT / ".venv")
    return copy


def _make(copy: Path, *targets: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("WBS_")}
    env.pop("HOST", None)
    env.pop("PORT", None)
    return subprocess.run(
        ["make", "--no-print-directory", *targets],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=240,
    )


def test_make_run_sets_up_a_fresh_checkout_then_the_demo_replaces_the_set_up_link(
    checkout: Path,
) -> None:
    first = _make(checkout, "setup-link", "HOST=127.0.0.9", "PORT=5090")
    assert first.returncode == 0, first.stdout[-2000:] + first.stderr[-2000:]
    assert "installation salt fingerprint recorded" in first.stdout
    assert "  http://127.0.0.9:5090/staf/penyiapan?kode=" in first.stdout
    assert oct((checkout / "instance").stat().st_mode & 0o777) == "0o700"

    demo = _make(checkout, "demo", "HOST=127.0.0.9", "PORT=5090")
    assert demo.returncode == 0, demo.stdout[-2000:] + demo.stderr[-2000:]
    assert "sitti" in demo.stdout

    again = _make(checkout, "setup-link")
    assert again.returncode == 0, again.stderr[-2000:]
    assert "an administrator exists; no set-up link is needed" in again.stdout


def test_make_run_refuses_new_secrets_beside_a_restored_database(checkout: Path) -> None:
    assert _make(checkout, "demo").returncode == 0  # a database that holds reports
    (checkout / "instance" / "config.py").unlink()  # restored without its instance/config.py
    refused = _make(checkout, "setup-link")
    assert refused.returncode != 0
    assert "restore instance/config.py" in refused.stderr
    assert not (checkout / "instance" / "config.py").exists()
