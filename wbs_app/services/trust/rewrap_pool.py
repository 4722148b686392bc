"""The HPKE half of a rotation, spread over every core.

Moving a recovery wrap is one HPKE open with the old root and one HPKE seal to
the new one, with no database in between; a rotation is a batch job an
operator runs on a quiet server, so ``Mover`` hands those two operations to a
``ProcessPoolExecutor`` and leaves every read, write and commit to the parent
(``rotation.run``), batch after batch in order, exactly as with one process.

The old root's seed reaches each worker once, as the pool's initializer
argument (a fork's copy of the parent's memory, never a file, a log or a
command line), and lives in the workers' memory for the length of the run:
the pool is shut down when the run ends, normally or not. The workers receive
wraps, case uids and audience names, and return wraps: never a plain key.

``workers=1`` does the work in the parent, lazily when the result is asked
for, which is what a rotation did before the pool (and what a test that
breaks ``case_keys.rewrap_recovery`` in the parent relies on).

The pool forks (on Linux): a spawned worker would import the application again
(about a second each on a busy machine, as long as the whole move of a few
thousand wraps), and the parent is a single-threaded command when it starts
one. A forked worker ends with ``os._exit``, so it never closes the parent's
database connections that its memory copied.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from types import TracebackType

from crypto import DecryptionError, Identity, PublicIdentity
from wbs_app.services.cases import case_keys

# (wrapped, case uid, audience name "reporter:" ...), as the batch reads them
Item = tuple[bytes, str, str]

_state: tuple[int, Identity, int, PublicIdentity] | None = None


def _start_worker(seed: bytes, old_generation: int, new_public: bytes, new_generation: int) -> None:
    """In each worker, once: the old root identity and the new root's public key."""
    global _state
    _state = (old_generation, Identity(seed), new_generation, PublicIdentity.from_bytes(new_public))


def _move(items: Sequence[Item]) -> list[bytes | None]:
    """A chunk moved, in a worker (``move_each``)."""
    if _state is None:
        raise RuntimeError("the rewrap worker was not started")
    return move_each(_state, items)


def move_each(
    state: tuple[int, Identity, int, PublicIdentity], items: Sequence[Item]
) -> list[bytes | None]:
    """Each wrap moved to the new root, or None for one that does not open with the old root.

    Per wrap, not per batch: one damaged row must not stop the move of every
    other (``rotation`` records it and goes on). Only the opaque
    ``DecryptionError`` is caught; any other error still ends the run.
    """
    old_generation, identity, new_generation, public = state
    old, new = (old_generation, identity), (new_generation, public)
    moved: list[bytes | None] = []
    for wrapped, uid, audience in items:
        try:
            # Through the module attribute: the same WrapContext as every other recovery wrap.
            moved.append(case_keys.rewrap_recovery(wrapped, uid, audience, old, new))
        except DecryptionError:
            moved.append(None)
    return moved


class Moving:
    """One batch being moved; ``result`` waits for it and gives the new wraps in order.

    A wrap that did not open is None in its place (``move_each``).
    """

    def __init__(
        self,
        futures: list[Future[list[bytes | None]]] | None = None,
        lazy: tuple[tuple[int, Identity, int, PublicIdentity], Sequence[Item]] | None = None,
    ) -> None:
        self._futures = futures or []
        self._lazy = lazy

    def result(self) -> list[bytes | None]:
        if self._lazy is not None:
            state, items = self._lazy
            self._lazy = None
            return move_each(state, items)
        moved: list[bytes | None] = []
        for future in self._futures:
            moved.extend(future.result())
        return moved

    def cancel(self) -> None:
        self._lazy = None
        for future in self._futures:
            future.cancel()


def default_workers() -> int:
    return os.cpu_count() or 1


class Mover:
    """Moves batches of recovery wraps from the old root to the new one, over ``workers``."""

    def __init__(
        self,
        old: tuple[int, Identity],
        new: tuple[int, PublicIdentity],
        workers: int | None = None,
    ) -> None:
        self.workers = default_workers() if workers is None else workers
        if self.workers < 1:
            raise ValueError("at least one worker")
        (old_generation, identity), (new_generation, public) = old, new
        self._state = (old_generation, identity, new_generation, public)
        self._pool: ProcessPoolExecutor | None = None
        if self.workers > 1:
            context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=context,
                initializer=_start_worker,
                initargs=(identity.seed, old_generation, public.to_bytes(), new_generation),
            )

    def submit(self, items: Sequence[Item]) -> Moving:
        """Start moving ``items``: one chunk per worker, so a batch uses every core."""
        if self._pool is None:
            return Moving(lazy=(self._state, list(items)))
        size = -(-len(items) // self.workers)
        chunks = [list(items[i : i + size]) for i in range(0, len(items), size)]
        return Moving(futures=[self._pool.submit(_move, chunk) for chunk in chunks])

    def close(self) -> None:
        """End the workers (and the seed in their memory); queued chunks are dropped."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> Mover:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
