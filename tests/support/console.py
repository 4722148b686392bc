"""A real ``flask wbs ...`` process on a pseudo-terminal, driven as a person at the keyboard.

The custodians' commands show shares only on a terminal, so their tests need
one: the command runs in a session of its own with the pty as its controlling
terminal (``getpass`` and ``click.pause`` read from it as from a console), and
the test reads what the screen shows and types answers.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import subprocess
import sys
import termios
import time
from pathlib import Path

from flask import Flask

from tests.support.durability import live_settings

ROOT = Path(__file__).resolve().parents[2]
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def cli_env(app: Flask, instance_path: Path) -> dict[str, str]:
    """The environment of a command on the test app's database and secrets."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("WBS_")}
    env.update({f"WBS_{key}": value for key, value in live_settings(app).items()})
    env.update(WBS_ENV="test", WBS_INSTANCE_PATH=str(instance_path), TERM="xterm")
    return env


def _controlling_terminal() -> None:
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class Console:
    """One command on a pty: ``expect`` what it prints, ``type`` what a person would."""

    def __init__(self, app: Flask, instance_path: Path, *args: str) -> None:
        master, slave = os.openpty()
        self.master = master
        self.raw = b""  # everything the terminal received, escape codes included
        self.seen = 0  # how far ``expect`` has read (in the text without escape codes)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "wbs", *args],
            cwd=ROOT,
            env=cli_env(app, instance_path),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            preexec_fn=_controlling_terminal,
            close_fds=True,
        )
        os.close(slave)

    @property
    def text(self) -> str:
        """The output as text, escape codes left in (tests look for them)."""
        return self.raw.decode(errors="replace")

    def _read(self, timeout: float) -> bool:
        if self.master < 0:
            return False
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # the command ended and closed the terminal
            return False
        self.raw += chunk
        return bool(chunk)

    def expect(self, pattern: str, timeout: float = 60) -> re.Match[str]:
        """Wait until the output after the last match shows ``pattern``; the match."""
        deadline = time.monotonic() + timeout
        compiled = re.compile(pattern)
        while True:
            found = compiled.search(ANSI.sub("", self.text), self.seen)
            if found:
                self.seen = found.end()
                return found
            ended = not self._read(0.2) and self.process.poll() is not None
            if ended or time.monotonic() > deadline:
                raise AssertionError(f"no {pattern!r} in:\n{ANSI.sub('', self.text)}")

    def type(self, line: str) -> None:
        os.write(self.master, line.encode() + b"\r")

    def press_a_key(self) -> None:
        """A key for ``click.pause``, again until the command answers.

        ``click.pause`` puts the terminal in raw mode with ``TCSAFLUSH``, which
        drops a key typed a moment too early; a person would press it again.
        The pause ends its line once it has the key (an echoed space does not).
        """
        before = len(self.raw)
        for _attempt in range(20):
            os.write(self.master, b" ")
            deadline = time.monotonic() + 1
            while b"\n" not in self.raw[before:] and time.monotonic() < deadline:
                self._read(0.1)
            if b"\n" in self.raw[before:]:
                return
        raise AssertionError(f"no answer to a key press:\n{ANSI.sub('', self.text)}")

    def finish(self, timeout: float = 60) -> int:
        """The exit status, once the command ended (its remaining output read)."""
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < deadline:
            self._read(0.2)
        while self._read(0.1) and select.select([self.master], [], [], 0)[0]:
            pass
        return self.close()

    def close(self) -> int:
        """End the command if it still runs (a failed test) and release the terminal."""
        if self.process.poll() is None:
            self.process.kill()
        if self.master >= 0:
            os.close(self.master)
            self.master = -1
        return self.process.wait(timeout=10)


# What the custodians of the tests are called, as the ceremony asks: name, then title.
NAMES = (
    "Andi Mappaselle\nKepala Kantor Wilayah\nNurhayati\nKepala Divisi\nYusuf Tahir\nInspektorat\n"
)
SHARE_LINE = re.compile(r"^  ((?:[a-z]+ ){19,32}[a-z]+)$", re.M)  # a share printed on one line
WORD = re.compile(r"(\d+)\. ([a-z]+)")  # one numbered word of a share on the screen


def name_custodians(console: Console) -> None:
    """Answer the ceremony's questions for the three custodians of ``NAMES``."""
    for line in NAMES.splitlines():
        console.expect(r"Kustodian \d: (nama lengkap|jabatan)")
        console.type(line)


def take_share(console: Console, mistype: bool = False) -> str:
    """The share on the screen, written down and typed back as its custodian would."""
    console.expect(r"Sekarang hanya .+ yang boleh melihat layar")
    console.press_a_key()
    shown = console.expect(
        r"Tulis kata-kata ini di kertas[^\n]*\n(?P<grid>(?:.*\n)+?).*Dari kertas Anda, ketik "
        r"kata nomor (?P<a>\d+) dan kata nomor (?P<b>\d+)"
    )
    words = dict(WORD.findall(shown["grid"]))
    share = " ".join(words[str(n)] for n in range(1, len(words) + 1))
    a, b = words[shown["a"]], words[shown["b"]]
    if mistype:
        console.type(f"{b} {a}")
        console.expect(r"tidak cocok dengan bagian ini")
        again = console.expect(r"ketik kata nomor (\d+) dan kata nomor (\d+)")
        a, b = words[again[1]], words[again[2]]
    console.type(f"{a} {b}")
    return share


def hold_new_key(console: Console, shares: list[str]) -> list[str]:
    """Drive ``wbs recovery new-key`` (or ``custodian-ceremony`` with no shares) to the end:
    the old shares typed, three custodians named, each new share taken, confirmed."""
    for share in shares:
        console.expect(r"Bagian kustodian ke-\d dari \d")
        console.type(share)
    name_custodians(console)
    new = [take_share(console) for _number in range(3)]
    console.expect(r"Ketik YA")
    console.type("YA")
    return new
