"""Profiles of a benchmark's measured arm, to find where the time goes when a target is missed.

``--profile FOLDER`` on a benchmark writes ``FOLDER/<name>.txt``. An arm that
runs in the benchmark's own process (the inbox page, the receipt login, the
stream format) is profiled with pyinstrument, which records the call tree;
an arm served by gunicorn (upload, submit_load) is sampled from outside with
py-spy, so the workers run unmodified and nothing in the product knows it is
being watched. A profiled run is slower than a plain one: its ratio is not a
measurement, only its shape is.
"""

from __future__ import annotations

import argparse
import shutil
import signal
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

TOP = 30


def add_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="FOLDER",
        help="write a profile of the measured arm to FOLDER/<name>.txt (slows the run)",
    )


@contextmanager
def in_process(folder: Path | None, name: str) -> Iterator[None]:
    """Record the enclosed block's call tree with pyinstrument, when a folder is given."""
    if folder is None:
        yield
        return
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005)
    profiler.start()
    try:
        yield
    finally:
        profiler.stop()
        # Frames down to 0.2% of the run: an overhead beside a long C call
        # (Argon2id) is small in share and still what a target is about.
        text = profiler.output_text(
            unicode=False, color=False, processor_options={"filter_threshold": 0.002}
        )
        _write(folder, name, text)


@contextmanager
def sampled(folder: Path | None, name: str, pids: Iterable[int]) -> Iterator[None]:
    """Sample the given server processes with py-spy while the enclosed block runs."""
    if folder is None:
        yield
        return
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    raw = Path(tempfile.mkdtemp(prefix="lentera-profile-"))
    recorders = []
    for pid in pids:
        with (raw / f"{pid}.err").open("wb") as errors:  # the child keeps its own copy
            recorders.append(
                subprocess.Popen(
                    [spy, "record", "--pid", str(pid), "--rate", "250", "--nonblocking",
                     "--format", "raw", "--output", str(raw / f"{pid}.txt")],
                    stdout=subprocess.DEVNULL,
                    stderr=errors,
                )
            )
    try:
        yield
    finally:
        for recorder in recorders:
            recorder.send_signal(signal.SIGINT)  # py-spy writes its file on interrupt
        for recorder in recorders:
            try:
                recorder.wait(timeout=60)
            except subprocess.TimeoutExpired:
                recorder.kill()
                recorder.wait()
        stacks = [
            line for path in sorted(raw.glob("*.txt")) for line in path.read_text().splitlines()
        ]
        complaints = " ".join(path.read_text().strip() for path in sorted(raw.glob("*.err")))
        shutil.rmtree(raw, ignore_errors=True)
        _write(folder, name, summarise(stacks, complaints))


def summarise(stacks: Iterable[str], complaints: str = "") -> str:
    """Top frames by own and by inclusive samples, from py-spy's collapsed stacks.

    Each line is ``frame;frame;...;frame count``; a frame counts once per
    stack towards its inclusive total however deep it recurs.
    """
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in stacks:
        path, _, count_text = line.rpartition(" ")
        if not path or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = path.split(";")
        total += count
        own[frames[-1]] += count
        for frame in set(frames):
            inclusive[frame] += count
    if not total:
        return f"no samples (py-spy could not read the process): {complaints or 'no message'}\n"
    out = [f"{total} samples", "", "own time (the frame itself was running):"]
    out += [f"{100 * n / total:6.1f}%  {frame}" for frame, n in own.most_common(TOP)]
    out += ["", "inclusive time (the frame was on the stack):"]
    out += [f"{100 * n / total:6.1f}%  {frame}" for frame, n in inclusive.most_common(TOP)]
    return "\n".join(out) + "\n"


def _write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.txt"
    path.write_text(text)
    print(f"profile          {path}")
