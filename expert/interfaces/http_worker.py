"""The one thread of an HTTP server process that consults the engine, with a time limit per job.

The engine serialises consultations inside a process (durable_rules' C calls hold the
GIL and run under the engine's lock), so more threads would only queue on that lock.
One worker thread runs the jobs in arrival order while the event loop keeps accepting
requests and answering health checks.

A request's time limit covers its wait in the queue and its run:

* a job still queued when its request's time is up never runs (it is cancelled, or it
  skips itself if it is picked up at that moment): the client gets 503, try again;
* a job already running cannot be stopped half-way without leaving durable_rules'
  session state behind, so it runs to its end (the engine deletes the session in
  ``finally`` and stays consistent) and its result is dropped: the client gets 504.
  Until it ends, the jobs behind it wait, and each gets 503 when its own time is up.

``busy_for`` tells how long the running job has been at it: health reports it, so a
load balancer can take a replica whose worker is stuck out of rotation.
"""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Callable, Optional, TypeVar

T = TypeVar("T")


class QueueTimeout(Exception):
    """The time limit passed before the job could start (the engine was busy)."""


class RunTimeout(Exception):
    """The time limit passed while the job ran; it finishes in the background, result dropped."""


class EngineWorker:
    def __init__(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="expert-engine")
        self._started_at: Optional[float] = None  # monotonic start of the running job

    def busy_for(self) -> float:
        """Seconds the running job has been running (0 when idle)."""
        started = self._started_at
        return 0.0 if started is None else time.monotonic() - started

    async def run(self, job: Callable[[], T], deadline: float) -> T:
        """Run ``job`` on the worker thread; raise QueueTimeout or RunTimeout at ``deadline`` (monotonic)."""
        future: Future = self._executor.submit(self._timed, job, deadline)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), max(deadline - time.monotonic(), 0))
        except asyncio.TimeoutError:
            if future.cancel() or future.done() and isinstance(future.exception(), QueueTimeout):
                raise QueueTimeout() from None
            raise RunTimeout() from None

    def _timed(self, job: Callable[[], T], deadline: float) -> T:
        if time.monotonic() >= deadline:
            raise QueueTimeout()
        self._started_at = time.monotonic()
        try:
            return job()
        finally:
            self._started_at = None

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
