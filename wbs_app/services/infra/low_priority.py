"""Run CPU-heavy work on a thread the operating system serves last.

An Argon2id run keeps every core busy for about a tenth of a second (four
lanes of 64 MiB); during a flood of sends or logins the runs of the bounded
lanes (``argon2_gate``) would otherwise take an equal share of the CPU with
the threads answering every other page, and the landing page would wait its
turn behind them. Run at a higher nice value, they use what the cores have
left: a page is answered first, and the runs still finish, only later, when
the site is busy.

Linux gives every thread its own nice value (a thread is a task), and a
thread may raise its own but, without privilege, never lower it again; so the
run is made on a new thread that lowers itself and ends with the run, never on
the request's own thread. libargon2's lane threads inherit the nice value of
the thread that starts them. A thread costs some tens of microseconds
against a run of about 100 ms, and holds nothing after it: no pool to
size, to fork with gunicorn's workers or to stop. Elsewhere (no per-thread
nice value) the work runs inline, as before.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Callable
from typing import ParamSpec, Protocol, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

PER_THREAD_NICE = sys.platform.startswith("linux")


class Run(Protocol):
    """How a holder of an Argon2 slot runs its derivation: ``run(fn, *args)``."""

    def __call__(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T: ...


def inline(fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """Run on the caller's thread (no lowered priority: CLI, fixtures, nice 0)."""
    return fn(*args, **kwargs)


def lowered(nice: int) -> Run:
    """A ``Run`` that makes each call on a fresh thread at ``nice`` (inline if 0 or not Linux)."""
    if nice <= 0 or not PER_THREAD_NICE:
        return inline

    def run(fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        outcome: list[T] = []
        failure: list[BaseException] = []

        def work() -> None:
            thread = threading.get_native_id()
            # Never above the caller's own priority: a server started at nice 15
            # (and allowed to lower it) keeps its runs at 15, not at 10.
            with contextlib.suppress(OSError):  # refused: run at the caller's priority
                current = os.getpriority(os.PRIO_PROCESS, thread)
                os.setpriority(os.PRIO_PROCESS, thread, max(nice, current))
            try:
                outcome.append(fn(*args, **kwargs))
            except BaseException as error:  # handed to the caller, raised there
                failure.append(error)

        worker = threading.Thread(target=work, name="lowered-priority", daemon=True)
        worker.start()
        try:
            worker.join()
        except BaseException:  # interrupted (Ctrl-C on a main thread): the run keeps
            worker.join()  # its slot until it has ended, then the interruption goes on
            raise
        if failure:
            error = failure.pop()
            try:
                raise error
            finally:
                del error  # no cycle through the traceback keeps the secrets it saw
        return outcome.pop()

    return run
