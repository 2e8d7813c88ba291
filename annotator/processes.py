"""Processes: which still run (an import or a grouping that left a mark in the database may have been
killed), and work handed to forked workers on every core."""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

T, A, R = TypeVar("T"), TypeVar("A"), TypeVar("R")


def process_running(pid: int) -> bool:
    """Does a process with this id run on this machine (the database is a local file)?"""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it runs, as another user
        return True
    return True


def can_fork() -> bool:
    """Are there two cores or more, and can worker processes be forked (they inherit what is loaded)?"""
    import multiprocessing

    return (os.cpu_count() or 1) >= 2 and "fork" in multiprocessing.get_all_start_methods()


def forked_map(fn: Callable[[A], R], items: Iterable[tuple[T, A | None]]) -> Iterator[tuple[T, R | None]]:
    """(tag, fn(arg)) for each (tag, arg) of `items`, in their order, fn running in forked worker
    processes on every core while the caller works on the results before. Items are taken as the
    results are; at most two per worker are in flight. An arg of None is not sent: (tag, None) comes
    back in its place, for work the caller does itself."""
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor

    workers = os.cpu_count() or 1
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        waiting: deque[tuple[T, Future | None]] = deque()
        busy = 0
        for tag, arg in items:
            waiting.append((tag, None if arg is None else pool.submit(fn, arg)))
            busy += arg is not None
            while busy > 2 * workers:
                tag, future = waiting.popleft()
                busy -= future is not None
                yield tag, None if future is None else future.result()
        for tag, future in waiting:
            yield tag, None if future is None else future.result()
