"""Two lanes for sending a finished report: one that goes first, one that is bounded.

A send is the reporter side's most expensive request (an Argon2id run for
the receipt, the case's keys, the encryption of everything). Without a bound,
a flood of automated sends (the issue measured 458 a minute from one client)
holds every server thread waiting for Argon2 slots, and the landing page stops
answering; with a bound that refuses at random, the flood also decides which
real reports get in.

So a send takes one of two lanes of this process (one per gunicorn worker):

- the *first* lane, for a send that carries a solved puzzle
  (``proof_of_work``): up to ``first_queue`` such sends wait up to
  ``first_wait_seconds`` for their turn, and whenever a send slot frees, a
  waiting one of them always goes before any other;
- the *open* lane, for every other send, JavaScript off included: up to
  ``open_queue`` wait up to ``open_wait_seconds``, and beyond that the send is
  refused at once (``SendBusy``: the review page again, everything kept, 503
  with ``Retry-After``), so a flood costs only cheap refusals and never holds
  more than ``bound + open_queue`` threads. A real reporter who sends again
  after the few seconds the page names takes their chance against the flood
  like any other send; the figure under a flood is in
  ``tests/adversarial/test_send_flood.py``.

Both lanes share ``bound`` sends in progress at once. The Argon2 gate
(``argon2_gate``) still bounds the Argon2 runs themselves; these lanes bound
how many threads sends may hold while they wait for it.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from wbs_app.services.infra.transactions import release_snapshot

RETRY_AFTER_SECONDS = 5


class SendBusy(Exception):
    """No send slot in time: the review page comes back, to be sent again in a moment."""

    retry_after = RETRY_AFTER_SECONDS


class SendLanes:
    """``bound`` sends at once; a waiting first-lane send always goes before an open-lane one.

    Each lane is a line, served in the order of arrival: a send that waits
    is never overtaken by a later one of its lane, so its wait is bounded by
    the sends ahead of it, not by chance.
    """

    def __init__(
        self,
        bound: int,
        open_queue: int,
        open_wait_seconds: float,
        first_queue: int,
        first_wait_seconds: float,
    ) -> None:
        if bound < 1 or min(open_queue, first_queue) < 0:
            raise ValueError("send lanes: bound >= 1, queues >= 0")
        if min(open_wait_seconds, first_wait_seconds) < 0:
            raise ValueError("send lanes: waits >= 0")
        self.bound = bound
        self.queues = {False: open_queue, True: first_queue}
        self.waits = {False: open_wait_seconds, True: first_wait_seconds}
        self._condition = threading.Condition()
        self._active = 0
        self._lines: dict[bool, deque[object]] = {False: deque(), True: deque()}
        self.admitted = {False: 0, True: 0}
        self.refused = {False: 0, True: 0}
        self.high_water = 0

    @property
    def waiting(self) -> dict[bool, int]:
        """Sends waiting now, by lane (``True``: with a solved puzzle)."""
        with self._condition:
            return {first: len(line) for first, line in self._lines.items()}

    def _turn_of(self, first: bool, ticket: object | None) -> bool:
        """A slot is free and nobody waits ahead: the first lane, then this lane's line."""
        if self._active >= self.bound:
            return False
        if not first and self._lines[True]:
            return False  # the first lane goes first
        line = self._lines[first]
        return not line if ticket is None else line[0] is ticket

    @contextmanager
    def slot(self, first: bool) -> Iterator[None]:
        """Hold a send slot for the block, or raise ``SendBusy``.

        ``first``: the send carries a solved puzzle.
        """
        self._acquire(first)
        try:
            yield
        finally:
            with self._condition:
                self._active -= 1
                self._condition.notify_all()

    def _acquire(self, first: bool) -> None:
        with self._condition:
            if not self._turn_of(first, None):
                line = self._lines[first]
                if len(line) >= self.queues[first]:
                    self.refused[first] += 1
                    raise SendBusy()
                ticket = object()
                line.append(ticket)
                deadline = time.monotonic() + self.waits[first]
                try:
                    while not self._turn_of(first, ticket):
                        left = deadline - time.monotonic()
                        if left <= 0:
                            self.refused[first] += 1
                            raise SendBusy()
                        self._condition.wait(left)
                finally:
                    line.remove(ticket)
                    self._condition.notify_all()  # the next in line, or the open lane, may go
            self._active += 1
            self.admitted[first] += 1
            self.high_water = max(self.high_water, self._active)


@contextmanager
def slot_outside_transaction(session: Session, lanes: SendLanes, first: bool) -> Iterator[None]:
    """A send slot, waited for with no transaction open.

    A request that may write begins IMMEDIATE: on SQLite its transaction
    holds the installation's only write lock, on PostgreSQL a pooled
    connection. Waiting its turn with it open kept every other writer (a
    draft, a login) waiting behind the lane until the busy timeout refused
    them. The caller has only read so far (the draft); ``submit`` begins its
    own write when it writes.
    """
    release_snapshot(session)
    with lanes.slot(first):
        yield
