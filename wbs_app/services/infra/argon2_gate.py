"""A bound on how much Argon2id work one server process does at once.

Every receipt, invitation-code and staff login (and every new report and
invitation) costs one Argon2id run (64 MiB and a parallelism of four in production).
Without a bound, a flood of logins would make the process run as many at
once as it has threads: memory grows by 64 MiB per run and every run slows
down, until nothing answers, the landing page included.

The gate admits ``bound`` runs at once; up to ``queue`` more requests wait at
most ``wait_seconds`` for a free slot, and everything beyond is refused at
once (``Argon2Busy``, which the web layer turns into 503 with
``Retry-After``), so a flood costs only cheap refusals. Keep three times
``bound + queue`` (three lanes, below) below the server's threads per process
(gunicorn ``WBS_THREADS``, 72 by default): the threads left over answer
every other page during a flood.

A finished report is not a login: a reporter who has written everything down
must not be turned away because others are signing in. Submissions (and
invitations, which staff make) therefore take a *patient* slot: they wait
their turn for up to ``patient_wait_seconds`` outside the short queue, and
only then get the 503. Floods are made of logins, which need no prior step;
a submission needs a draft posted first.

The work comes in three kinds, and each has a gate of its own, a *lane*
(``Argon2Lanes``): code logins (receipts and invitation codes), staff work
(sign-in, activation, password change, key replacement) and submissions (a
new report, a respondent's statement, an invitation). A flood of anonymous
code guesses fills the code lane only: staff still sign in and reports are
still sent, each in its own lane (issue 18, "No lock-outs"). The price is at
most one bound of runs per lane at once, so three times the memory of one
gate; ``config.py`` sizes the threads so that full lanes still leave some.

The lanes are a plain object held by the app (``app.extensions``), one per
process; views pick the lane of their work and services take that gate as an
argument and hold a slot exactly around each Argon2id run, so its counters
are a faithful count of the runs. The slot hands its holder the way to make
the run, ``run(fn, *args)``: on a thread of lowered priority
(``ARGON2_NICE``, ``services.infra.low_priority``), so that the pages
answered beside a flood of runs are served first.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext

from sqlalchemy.orm import Session

from wbs_app.services.infra.low_priority import Run, inline, lowered
from wbs_app.services.infra.transactions import begin_write, release_snapshot

RETRY_AFTER_SECONDS = 5


class Argon2Busy(Exception):
    """No Argon2 slot became free in time: answer 503 and let the client come back.

    Deliberately not a ``DomainError``: views that turn domain errors into form
    messages must not swallow it; the app's error handler answers it.
    """

    retry_after = RETRY_AFTER_SECONDS


class Argon2Gate:
    """At most ``bound`` Argon2id runs at once in this process; a short queue; counters."""

    def __init__(
        self,
        bound: int,
        queue: int,
        wait_seconds: float,
        patient_wait_seconds: float = 30.0,
        nice: int = 0,
    ) -> None:
        if bound < 1 or queue < 0 or wait_seconds < 0 or patient_wait_seconds < 0:
            raise ValueError("Argon2 gate: bound >= 1, queue >= 0, waits >= 0")
        if not 0 <= nice <= 19:
            raise ValueError("Argon2 gate: nice between 0 and 19")
        self.bound = bound
        self.run: Run = lowered(nice)
        self.queue = queue
        self.wait_seconds = wait_seconds
        self.patient_wait_seconds = patient_wait_seconds
        self._condition = threading.Condition()
        self._active = 0
        self._waiting = 0
        self.high_water = 0
        self.runs = 0
        self.refused = 0

    @property
    def active(self) -> int:
        return self._active

    @contextmanager
    def slot(self, patient: bool = False) -> Iterator[Run]:
        """Hold one of the ``bound`` slots for the block, or raise ``Argon2Busy``.

        ``patient``: wait outside the short queue, up to ``patient_wait_seconds``.
        The block makes its run with what it is given: ``run(fn, *args)``.
        """
        self._acquire(patient)
        try:
            yield self.run
        finally:
            with self._condition:
                self._active -= 1
                self._condition.notify()

    def _acquire(self, patient: bool) -> None:
        with self._condition:
            if self._active >= self.bound:
                if not patient and self._waiting >= self.queue:
                    self.refused += 1
                    raise Argon2Busy()
                waiting = 0 if patient else 1  # the patient are not counted in the queue
                self._waiting += waiting
                wait = self.patient_wait_seconds if patient else self.wait_seconds
                deadline = time.monotonic() + wait
                try:
                    while self._active >= self.bound:
                        left = deadline - time.monotonic()
                        if left <= 0:
                            self.refused += 1
                            raise Argon2Busy()
                        self._condition.wait(left)
                finally:
                    self._waiting -= waiting
            self._active += 1
            self.runs += 1
            self.high_water = max(self.high_water, self._active)


CODES = "codes"  # receipt and invitation-code logins (and a respondent's first new code)
STAFF = "staff"  # staff sign-in, activation, password change, key replacement
SUBMIT = "submit"  # a new report, a respondent's statement, an invitation
LANES = (CODES, STAFF, SUBMIT)


class Argon2Lanes:
    """One ``Argon2Gate`` per kind of work, so a flood of one kind never takes another's slots."""

    def __init__(
        self,
        bound: int,
        queue: int,
        wait_seconds: float,
        patient_wait_seconds: float = 30.0,
        nice: int = 0,
    ) -> None:
        self.gates = {
            name: Argon2Gate(bound, queue, wait_seconds, patient_wait_seconds, nice)
            for name in LANES
        }

    def lane(self, name: str) -> Argon2Gate:
        return self.gates[name]

    @property
    def runs(self) -> int:
        return sum(gate.runs for gate in self.gates.values())

    @property
    def refused(self) -> int:
        return sum(gate.refused for gate in self.gates.values())

    @property
    def high_water(self) -> int:
        """The most runs one lane ever held at once (each lane is bounded on its own)."""
        return max(gate.high_water for gate in self.gates.values())


def slot(gate: Argon2Gate | None, patient: bool = False) -> AbstractContextManager[Run]:
    """The gate's slot, or no bound at all where there is no request (CLI, fixtures)."""
    return gate.slot(patient) if gate is not None else nullcontext(inline)


@contextmanager
def slot_between_transactions(
    session: Session, gate: Argon2Gate | None, patient: bool = False
) -> Iterator[Run]:
    """A slot for an Argon2id run on a request, with no transaction held across it.

    Ends the read transaction before the wait and the run, and after them
    begins the write that takes SQLite's write lock first (see
    ``services.infra.transactions``): the run's caller then writes what it derived.
    """
    release_snapshot(session)
    with slot(gate, patient) as run:
        yield run
    begin_write(session)
