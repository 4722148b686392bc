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
from collections.abc import Iterator
from contextlib import contextmanager

RETRY_AFTER_SECONDS = 5


class SendBusy(Exception):
    """No send slot in time: the review page comes back, to be sent again in a moment."""

    retry_after = RETRY_AFTER_SECONDS


class SendLanes:
    """``bound`` sends at once; a waiting first-lane send always goes before an open-lane one."""

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
        self._waiting = {False: 0, True: 0}
        self.admitted = {False: 0, True: 0}
        self.refused = {False: 0, True: 0}
        self.high_water = 0

    def _free_for(self, first: bool) -> bool:
        if self._active >= self.bound:
            return False
        return first or self._waiting[True] == 0  # the first lane goes first

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
            if not self._free_for(first):
                if self._waiting[first] >= self.queues[first]:
                    self.refused[first] += 1
                    raise SendBusy()
                self._waiting[first] += 1
                deadline = time.monotonic() + self.waits[first]
                try:
                    while not self._free_for(first):
                        left = deadline - time.monotonic()
                        if left <= 0:
                            self.refused[first] += 1
                            raise SendBusy()
                        self._condition.wait(left)
                finally:
                    self._waiting[first] -= 1
                    self._condition.notify_all()  # an open-lane waiter may go now
            self._active += 1
            self.admitted[first] += 1
            self.high_water = max(self.high_water, self._active)
