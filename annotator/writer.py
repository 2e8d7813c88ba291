"""Writes that never make a screen wait: labels, notes, undos and decisions, committed in order on a
thread of their own, retried while another process (an import) holds the database's write lock.

The screen hands a write over and moves on at once; it learns by callbacks when a write is still
waiting after a few seconds and when it has landed. No write is dropped while the process lives: a
busy database is tried again until the write commits, a full disk is tried again (backing off) until
there is room, and closing waits for whatever is still queued unless the disk is full.
"""

from __future__ import annotations

import queue
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass

from annotator.store import DiskFull, Store, StoreError
from annotator.wording import plural

Job = Callable[[Store], object]
# a write still waiting after this long is reported (once), and reported again when it lands
SLOW_S = 3.0
# on a full disk, the first retry after this many seconds, doubling up to the second figure: a
# freed disk is noticed within seconds, and a full one is not hammered
FULL_RETRY_S = (0.1, 5.0)


def disk_full_notice(pending: int, noun: str = "label") -> str:
    """What the screens say while writes wait for disk space: `pending` writes, called `noun`s."""
    return f"disk full: {plural(pending, noun)} not saved yet; free space, they are kept and retried"


_LIVE: weakref.WeakSet = weakref.WeakSet()


def wait_all(timeout: float | None = None) -> bool:
    """Wait for every background writer of this process to land its writes (tests, benchmarks), for
    `timeout` seconds in all. A writer waiting for disk space is passed over: it waits for a person."""
    deadline = None if timeout is None else time.monotonic() + timeout
    landed = True
    for writer in list(_LIVE):
        if writer.full:
            continue
        left = None if deadline is None else max(0.0, deadline - time.monotonic())
        landed = writer.wait(left) and landed
    return landed


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

    full = False  # a full disk is raised to the caller at once

    def wait(self, timeout: float | None = None) -> bool:
        return True

    def settle(self, timeout: float | None = None) -> bool:
        return True

    def close(self) -> bool:
        return True


class BackgroundWriter:
    """One thread, its own connection to the database file, the writes in the order given."""

    def __init__(self, path: str, *, on_landed: Callable[[object, float], None] | None = None,
                 on_waiting: Callable[[object, float], None] | None = None,
                 on_failed: Callable[[object, str], None] | None = None,
                 on_full: Callable[[int, str], None] | None = None,
                 on_room: Callable[[int], None] | None = None, attempt_s: float = 0.5):
        """on_full(pending writes, message) is called when a write finds the disk full; on_room(kept) once
        every write kept meanwhile has landed. The other callbacks are per write, with its key."""
        self.path = path
        self.on_landed, self.on_waiting, self.on_failed = on_landed, on_waiting, on_failed
        self.on_full, self.on_room = on_full, on_room
        self.attempt_s = attempt_s
        self.store: Store | None = None  # the writer's own connection, once its thread has opened it
        self.queue: queue.Queue[Write | None] = queue.Queue()
        self._pending = 0
        self._full = False  # the write at the head of the queue waits for disk space
        self._kept = 0  # writes landed since the disk was last found full (told together when all land)
        self._changed = threading.Condition()
        self._stop = threading.Event()  # closing gives up on a full disk: stop retrying
        self._nudge = threading.Event()  # a write waiting for room tries again at once (closing asks)
        self._attempts = 0  # writes that found the disk full, counted: closing sees whether a retry failed
        self.given_up = 0  # writes not saved when closing gave up
        self.thread = threading.Thread(target=self._run, name="annotator-writer", daemon=True)
        self.thread.start()
        _LIVE.add(self)

    @property
    def pending(self) -> int:
        with self._changed:
            return self._pending

    @property
    def full(self) -> bool:
        """True while writes wait for disk space."""
        with self._changed:
            return self._full

    def submit(self, job: Job, key: object = None) -> None:
        with self._changed:
            self._pending += 1
        self.queue.put(Write(job, key))

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until every write submitted so far has landed; False if `timeout` ran out first."""
        with self._changed:
            return self._changed.wait_for(lambda: self._pending == 0, timeout)

    def settle(self, timeout: float | None = None) -> bool:
        """Wait until every write submitted so far has landed (True), or until the disk is full or
        `timeout` runs out (False): what waits for disk space may wait for a person to free it."""
        with self._changed:
            self._changed.wait_for(lambda: self._pending == 0 or self._full, timeout)
            return self._pending == 0

    def close(self, timeout: float | None = None) -> bool:
        """Land what is queued, then stop the thread. A write waiting for disk space first tries again
        at once (space may have been freed since its last try). False if `timeout` ran out first, or
        if the disk is still full then: the writes still queued are given up (the caller says how many)."""
        with self._changed:
            tried = self._attempts
        self._nudge.set()
        with self._changed:
            self._changed.wait_for(lambda: self._pending == 0 or (self._full and self._attempts > tried), timeout)
            landed = self._pending == 0
            if not landed:
                self.given_up = self._pending
        if not landed:
            self._stop.set()
            self._nudge.set()
        self.queue.put(None)
        if landed:
            self.thread.join(timeout)
        return landed

    def _pause(self, delay: float) -> bool:
        """Wait before trying a write again, or less when closing asks for a try now; True when closing
        has given up."""
        self._nudge.wait(delay)
        self._nudge.clear()
        return self._stop.is_set()

    def _open(self) -> Store | None:
        """The writer's own connection, waiting for room if the disk is full (opening may need to
        make the -shm file); None if closing gave up meanwhile."""
        delay = FULL_RETRY_S[0]
        while True:
            try:
                return Store(self.path, create=False, timeout=self.attempt_s)
            except DiskFull as err:
                self._found_full(str(err))
                if self._pause(delay):
                    return None
                delay = min(delay * 2, FULL_RETRY_S[1])

    def _run(self) -> None:
        opening = "given up on closing"
        try:
            store = self.store = self._open()
        except StoreError as err:  # every write is then told as not saved: none waits forever
            store, opening = None, str(err)
        with self._changed:  # with writes queued, the first to land says the disk has room again
            if self._pending == 0:
                self._full = False
        try:
            while (write := self.queue.get()) is not None:
                if store is None:
                    outcome = self._failed(write, opening)
                else:
                    outcome = self._land(store, write)
                with self._changed:  # counted before the caller hears of it, so `pending` is right then
                    self._pending -= 1
                    kept = self._kept if self._pending == 0 else 0
                    if kept:
                        self._kept = 0
                outcome()
                if kept and self.on_room and not self._stop.is_set():
                    self.on_room(kept)
                with self._changed:  # those waiting wake once the reports are on their way
                    self._changed.notify_all()
        finally:
            if store is not None:
                store.close()

    def _land(self, store: Store, write: Write) -> Callable[[], None]:
        """Commit one write, trying again while the database is busy or the disk full; returns the
        report to make."""
        started = time.monotonic()
        told = False
        delay = FULL_RETRY_S[0]
        while not self._stop.is_set():
            try:
                write.job(store)
            except DiskFull as err:
                self._found_full(str(err))
                if self._pause(delay):
                    break
                delay = min(delay * 2, FULL_RETRY_S[1])
                continue
            except StoreError as err:
                message = str(err)
                if "locked" not in message:  # not a busy database: it will not get better by waiting
                    return self._failed(write, message)
                waited = time.monotonic() - started
                if waited >= SLOW_S and not told:
                    told = True
                    if self.on_waiting:
                        self.on_waiting(write.key, waited)
                continue
            except Exception as err:  # told, not fatal: a dead writer would take every later label with it
                if isinstance(err, sqlite3.Error):
                    return self._failed(write, str(store._explain(err)))
                return self._failed(write, f"{type(err).__name__}: {err}")
            with self._changed:
                if self._full or self._kept:
                    self._full = False
                    self._kept += 1
            waited = time.monotonic() - started if told else 0.0
            return lambda: self.on_landed and self.on_landed(write.key, waited)
        return lambda: None  # given up on closing: the caller counted what was not saved

    def _failed(self, write: Write, message: str) -> Callable[[], None]:
        return lambda: self.on_failed and self.on_failed(write.key, message)

    def _found_full(self, message: str) -> None:
        with self._changed:
            first, pending = not self._full, self._pending
        if first and self.on_full:
            self.on_full(pending, message)
        with self._changed:  # those waiting wake once the report is on its way
            self._full = True
            self._attempts += 1
            self._changed.notify_all()
