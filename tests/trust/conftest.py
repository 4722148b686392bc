"""Fixtures of the trust tests: the custodians' commands on a real terminal."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.support.console import Console


@pytest.fixture
def console(app: Flask, instance_path: Path) -> Iterator[Callable[..., Console]]:
    """Start commands on a terminal; whatever still runs at the end is stopped."""
    started: list[Console] = []

    def start(*args: str) -> Console:
        started.append(Console(app, instance_path, *args))
        return started[-1]

    yield start
    for each in started:
        each.close()
