"""A pool of worker processes for the crawl's CPU-heavy extraction, answering the engine with Deferreds.

The crawl's process runs Twisted's reactor: fetching, the spider's callbacks and the SQLite writes.
Cleaning and rumour extraction (rumourcrawl/extract/page.py) go to this pool, so they use the other
cores and overlap with the fetching and the writes. `run()` returns a Deferred that fires in the
reactor's thread when its page is done, in order of completion, never blocking the engine.

A worker that dies (killed, out of memory, a crash in a C library) breaks a ProcessPoolExecutor for
good and fails every page it had in hand: the pool then starts a new executor and gives those pages
another try, one page at a time (new pages go on as usual beside it), so that a page that kills its
worker every time takes no other page with it on its second try. A page whose second try breaks
the pool too fails with WorkerDied (the crawl counts it and fetches it again next run).

Workers are started with "spawn": a fork of a process running the reactor and its threads could
inherit a lock held by another thread.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from twisted.internet.defer import Deferred

logger = logging.getLogger(__name__)


class WorkerDied(RuntimeError):
    """The page was in hand each time a worker process died."""


def _follow_parent(parent: int, initializer) -> None:
    """A worker's first act: end when the crawl's process ends, however it ends.

    A ProcessPoolExecutor's workers hold both ends of their task queue, so a crawl killed by SIGKILL
    would leave them waiting for work forever: Linux kills them with their parent (PR_SET_PDEATHSIG),
    and a watch on the parent's id does it elsewhere (and covers a parent gone before the first).
    """
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    if os.getppid() != parent:
        os._exit(0)
    threading.Thread(target=watch, name="follow-parent", daemon=True).start()
    if initializer is not None:
        initializer()


def default_workers() -> int:
    """One worker per core this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


class ExtractionPool:
    """`size` worker processes, replaced when one dies; `run(fn, …)` → Deferred."""

    def __init__(self, size: int, attempts: int = 2, initializer=None):
        self.size = size
        self.initializer = initializer  # run once in each new worker (to load what it needs before any page)
        self.attempts = attempts
        self.replaced = 0  # how many times a dead worker broke the pool and it was started again
        self._executor: ProcessPoolExecutor | None = None
        self._generation = 0
        self._closed = False
        self._retries: deque = deque()  # pages to try again after a breakage, one at a time
        self._retrying = False

    def _current(self) -> tuple[ProcessPoolExecutor, int]:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                self.size,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_follow_parent,
                initargs=(os.getpid(), self.initializer),
            )
        return self._executor, self._generation

    def pids(self) -> list[int]:
        """The worker processes' ids (empty until the first page is submitted)."""
        executor = self._executor
        processes = getattr(executor, "_processes", None) or {}
        return sorted(processes)

    def run(self, fn, /, *args, **kwargs) -> Deferred:
        """Run `fn(*args, **kwargs)` in a worker; the Deferred fires with its result in the reactor's thread."""
        deferred: Deferred = Deferred()
        self._submit(deferred, fn, args, kwargs, self.attempts, retry=False)
        return deferred

    def _submit(self, deferred: Deferred, fn, args, kwargs, attempts: int, retry: bool) -> None:
        from twisted.internet import reactor  # the one Scrapy installed, not a default one at import

        if self._closed:
            deferred.errback(WorkerDied("the extraction pool is shut down"))
            return
        executor, generation = self._current()
        try:
            future = executor.submit(fn, *args, **kwargs)
        except BrokenProcessPool:  # a worker died between two pages: nothing was in hand, no attempt spent
            self._replace(generation)
            executor, generation = self._current()
            future = executor.submit(fn, *args, **kwargs)

        def done(finished: Future) -> None:  # in the executor's thread (or this one, if already done)
            reactor.callFromThread(self._done, deferred, finished, generation, (fn, args, kwargs, attempts), retry)

        future.add_done_callback(done)

    def _done(self, deferred: Deferred, future: Future, generation: int, job: tuple, retry: bool) -> None:
        if retry:
            self._retrying = False
        try:
            result = future.result()
        except CancelledError:
            deferred.errback(WorkerDied("the extraction pool was shut down with the page in hand"))
        except BrokenProcessPool:
            self._replace(generation)
            fn, args, kwargs, attempts = job
            if attempts > 1:
                self._retries.append((deferred, fn, args, kwargs, attempts - 1))
            else:
                deferred.errback(WorkerDied(f"a worker process died with the page in hand, {self.attempts} times"))
        except BaseException as exc:  # the function's own error, pickled back
            deferred.errback(exc)
        else:
            deferred.callback(result)
        if not self._retrying and self._retries:
            self._retrying = True
            deferred, fn, args, kwargs, attempts = self._retries.popleft()
            self._submit(deferred, fn, args, kwargs, attempts, retry=True)

    def _replace(self, generation: int) -> None:
        """Start a new executor for a broken one (once, however many pages report the breakage)."""
        if generation != self._generation or self._closed:
            return
        broken, self._executor = self._executor, None
        self._generation += 1
        self.replaced += 1
        logger.warning("An extraction worker process died; starting %d new worker(s)", self.size)
        if broken is not None:
            broken.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        self._closed = True
        while self._retries:
            self._retries.popleft()[0].errback(WorkerDied("the extraction pool is shut down"))
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None


_SHARED: dict[int, tuple[ExtractionPool, int]] = {}  # size → (pool, users): `crawl --all` shares one pool


def acquire(size: int, initializer=None) -> ExtractionPool:
    pool, users = _SHARED.get(size, (None, 0))
    if pool is None:
        # Started on the first page, not now: a run with nothing new starts no worker at all.
        pool = ExtractionPool(size, initializer=initializer)
    _SHARED[size] = (pool, users + 1)
    return pool


def release(pool: ExtractionPool) -> None:
    current, users = _SHARED.get(pool.size, (None, 0))
    if current is not pool:
        pool.close()
        return
    if users <= 1:
        del _SHARED[pool.size]
        pool.close()
    else:
        _SHARED[pool.size] = (pool, users - 1)
