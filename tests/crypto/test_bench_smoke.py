"""The crypto benchmark runs on a tiny input and ends with its machine-readable line."""

from __future__ import annotations

import re

import pytest

from bench.crypto import main

pytestmark = pytest.mark.bench


def test_crypto_benchmark_smoke(capsys) -> None:
    assert main(["--size-mib", "1", "--rounds", "1", "--quick"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert re.fullmatch(r"crypto=\d+\.\d{3}", lines[-1])
    assert any(line.startswith("stream_encrypt") for line in lines)
