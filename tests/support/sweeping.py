"""What the sweep tests share: a census of the attachment folder by content, and two hooks.

``store_digests`` names every file under the attachment root by its place and
its SHA-256, so a test can say that nothing was lost (a file moved to the
quarantine keeps its digest). ``after_first_select`` runs an action right
after a sweep's first look at a table, so another server can commit between
the sweep's listing and its action, deterministically. ``HookedBody`` is a
request body that runs an action once a given number of bytes were read, so
a sweep can run while an upload streams in.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event

from wbs_app.db import app_database


def run_sweep(app: Flask, *options: str) -> Any:
    """``flask wbs sweep`` on this app, even while another app's request or command is running.

    Flask's CLI runs a command in the app context already pushed, if any;
    pushing this app's own context first makes the command this app's.
    """
    with app.app_context():
        return app.test_cli_runner().invoke(args=["wbs", "sweep", *options])


def store_digests(root: Path) -> dict[str, str]:
    """``{"files/<name>": sha256, "quarantine/files/<name>": ...}`` for every file under root."""
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def contents(digests: dict[str, str]) -> list[str]:
    """The digests alone, sorted: what survives a move from one folder to another."""
    return sorted(digests.values())


@contextmanager
def after_first_select(app: Flask, table: str, action: Callable[[], Any]) -> Iterator[list[Any]]:
    """Run ``action`` once, right after the first SELECT from ``table`` on this app's engine.

    The action runs while that statement's transaction is open, on the
    thread that issued it; what it returns is kept in the yielded list.
    """
    engine = app_database(app).engine
    results: list[Any] = []

    def listener(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        selects = statement.lstrip().upper().startswith("SELECT")
        if not results and selects and f"FROM {table}" in statement:
            results.append(None)
            results[0] = action()

    event.listen(engine, "after_cursor_execute", listener)
    try:
        yield results
    finally:
        event.remove(engine, "after_cursor_execute", listener)


class HookedBody(io.BytesIO):
    """A request body that calls ``action`` once ``at`` bytes have been read."""

    def __init__(self, body: bytes, at: int, action: Callable[[], Any]) -> None:
        super().__init__(body)
        self._at = at
        self._action: Callable[[], Any] | None = action
        self.result: Any = None

    def read(self, size: int | None = -1) -> bytes:
        if self._action is not None and self.tell() >= self._at:
            action, self._action = self._action, None
            self.result = action()
        if self._action is not None and size is not None and size >= 0:
            size = min(size, max(1, self._at - self.tell()))
        return super().read(size)

    def read1(self, size: int | None = -1) -> bytes:
        return self.read(size)

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)
