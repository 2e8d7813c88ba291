"""Writes that never make a screen wait: labels, notes, undos and decisions, committed in order on a
thread of their own, retried while another process (an import) holds the database's write lock.

The screen hands a write over and moves on at once; it learns by callbacks when a write is still
waiting after a few seconds and when it has landed. No write is dropped: a busy database is tried
again until the write commits, and closing waits for whatever is still queued.
"""

from __future__ import annotations

import queue
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass

from annotator.store import Store, StoreError

Job = Callable[[Store], object]
# a write still waiting after this long is reported (once), and reported again when it lands
SLOW_S = 3.0


_LIVE: weakref.WeakSet = weakref.WeakSet()


def wait_all(timeout: float | None = None) -> bool:
    """Wait for every background writer of this process to land its writes (tests, benchmarks)."""
    return all(writer.wait(timeout) for writer in list(_LIVE))


@dataclass
class Write:
    job: Job
    key: object  # what the caller wants to hear about when it lands (a sentence id, ...)


class ImmediateWriter:
    """Runs each write at once on the caller's store: for scripts and tests that want no thread."""

    def __init__(self, store: Store):
        self.store = store

    def submit(self, job: Job, key: object = None) -> object:
        return job(self.store)

    @property
    def pending(self) -> int:
        return 0

    def wait(self, timeout: float | None = None) -> bool:
        return True

    def close(self) -> None:
        pass


class BackgroundWriter:
    """One thread, its own connection to the database file, the writes in the order given."""

    def __init__(self, path: str, *, on_landed: Callable[[object, float], None] | None = None,
                 on_waiting: Callable[[object, float], None] | None = None,
                 on_failed: Callable[[object, str], None] | None = None, attempt_s: float = 0.5):
        self.path = path
        self.on_landed, self.on_waiting, self.on_failed = on_landed, on_waiting, on_failed
        self.attempt_s = attempt_s
        self.queue: queue.Queue[Write | None] = queue.Queue()
        self._pending = 0
        self._lock = threading.Lock()
        self._idle = threading.Event()
        self._idle.set()
        self.thread = threading.Thread(target=self._run, name="annotator-writer", daemon=True)
        self.thread.start()
        _LIVE.add(self)

    @property
    def pending(self) -> int:
        with self._lock:
            return self._pending

    def submit(self, job: Job, key: object = None) -> None:
        with self._lock:
            self._pending += 1
            self._idle.clear()
        self.queue.put(Write(job, key))

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until every write submitted so far has landed; False if `timeout` ran out first."""
        return self._idle.wait(timeout)

    def close(self, timeout: float | None = None) -> bool:
        """Land what is queued, then stop the thread. False if `timeout` ran out first."""
        landed = self.wait(timeout)
        self.queue.put(None)
        if landed:
            self.thread.join(timeout)
        return landed

    def _run(self) -> None:
        store = Store(self.path, create=False, timeout=self.attempt_s)
        try:
            while (write := self.queue.get()) is not None:
                outcome = self._land(store, write)
                with self._lock:  # counted before the caller hears of it, so `pending` is right then
                    self._pending -= 1
                    if self._pending == 0:
                        self._idle.set()
                outcome()
        finally:
            store.close()

    def _land(self, store: Store, write: Write) -> Callable[[], None]:
        """Commit one write, trying again while the database is busy; returns the report to make."""
        started = time.monotonic()
        told = False
        while True:
            try:
                write.job(store)
            except StoreError as err:
                message = str(err)
                if "locked" not in message:  # not a busy database: it will not get better by waiting
                    return lambda: self.on_failed and self.on_failed(write.key, message)
                waited = time.monotonic() - started
                if waited >= SLOW_S and not told:
                    told = True
                    if self.on_waiting:
                        self.on_waiting(write.key, waited)
                continue
            waited = time.monotonic() - started if told else 0.0
            return lambda: self.on_landed and self.on_landed(write.key, waited)
