"""Retraining the suggestion model in the background, every N labels, without slowing a keypress.

The model trains in a process of its own (`annotator suggest --no-evaluation`), so the screen's
process never spends a moment on it; the screen asks `finished()` now and then and reloads its
document's suggestions when a run has stored new ones.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys


def start(db_path: str) -> subprocess.Popen:
    """`annotator suggest --background`: no cross-validation, one core, and the lowest CPU priority,
    so the screen's process always comes first."""
    return subprocess.Popen(
        [sys.executable, "-m", "annotator.cli", "suggest", "--background", "--db", db_path],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
    )


class Retrainer:
    def __init__(self, db_path: str, every: int):
        self.db_path, self.every = db_path, max(1, every)
        self.since = 0  # labels given since the last retrain began
        self.process: subprocess.Popen | None = None
        self.available = importlib.util.find_spec("sklearn") is not None

    def labeled(self) -> bool:
        """One more label; starts a retrain (True) every `every` labels, one at a time."""
        self.since += 1
        if not self.available or self.since < self.every or self.running:
            return False
        self.since = 0
        self.process = start(self.db_path)
        return True

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def finished(self) -> bool:
        """True once, when a retrain has ended and stored new suggestions."""
        if self.process is None or self.process.poll() is None:
            return False
        ok = self.process.returncode == 0
        self.process = None
        return ok

    def stop(self) -> None:
        if self.running:
            self.process.terminate()
            self.process.wait(10)
