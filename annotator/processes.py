"""Which processes still run: an import or a grouping that left a mark in the database may have been killed."""

from __future__ import annotations

import os


def process_running(pid: int) -> bool:
    """Does a process with this id run on this machine (the database is a local file)?"""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it runs, as another user
        return True
    return True
