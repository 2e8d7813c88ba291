"""Processes: which still run (an import or a grouping that left a mark in the database may have been
killed), and work handed to forked workers on every core."""

from __future__ import annotations

import os
import signal
from pathlib import Path
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


def _boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return "-"


def _start_ticks(pid: int) -> str:
    """When a process started, in clock ticks since boot (field 22 of /proc/PID/stat); "-" where
    there is no /proc. With the boot id it tells a process from a later one given the same id."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return "-"
    return stat.rsplit(")", 1)[1].split()[19]  # the command name in parentheses may hold spaces


def identity(pid: int | None = None) -> str:
    """"PID:START:BOOT", a process's identity that survives pid reuse (a container restart gives a
    new process the id of a killed one, but not its start time and boot id)."""
    pid = os.getpid() if pid is None else pid
    return f"{pid}:{_start_ticks(pid)}:{_boot_id()}"


def identity_alive(holder: str) -> bool:
    """Does the process of this identity still run? A bare pid (written by an older release) is
    checked by its id alone."""
    parts = holder.split(":")
    if not parts[0].isdigit():
        return False
    pid = int(parts[0])
    if len(parts) != 3:
        return process_running(pid)
    if not process_running(pid):
        return False
    return identity(pid) == holder or "-" in (parts[1], _start_ticks(pid))


def describe(holder: str) -> str:
    """A lease holder as a person reads it: "process 1234"."""
    return f"process {holder.split(':')[0]}"


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
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=_leave_interrupts)
    try:
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
    finally:  # stopped early (Ctrl+C, an error, the caller done): work not started is dropped
        pool.shutdown(wait=True, cancel_futures=True)


def _leave_interrupts() -> None:
    """In a worker: Ctrl+C reaches the whole process group; the parent alone handles it (and stops
    the workers), so the workers print no traceback of their own."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
