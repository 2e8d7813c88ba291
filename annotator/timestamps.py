"""Times as the event history stores them: UTC ISO-8601 with milliseconds, "2025-06-02T10:00:00.500Z".

One fixed width for every event, so times compare as text in SQL and as strings in Python alike;
offsets are turned into UTC and anything that is not a time is refused by the caller.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

_last = datetime.min.replace(tzinfo=timezone.utc)
_lock = threading.Lock()


def now() -> str:
    """The time now; never the same as, or earlier than, the last time this process took, so two
    actions of one session (a decision, then its comment) keep their order even within a millisecond."""
    global _last
    with _lock:
        moment = datetime.now(timezone.utc)
        moment = moment.replace(microsecond=moment.microsecond // 1000 * 1000)  # the stored precision
        if moment <= _last:
            moment = _last + timedelta(milliseconds=1)
        _last = moment
    return format_utc(moment)


def format_utc(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def shift(text: str, seconds: float) -> str:
    """A stored time moved by some seconds (back when negative), in the stored form."""
    moment = datetime.fromisoformat(text[:-1] + "+00:00")
    return format_utc(moment + timedelta(seconds=seconds))


def to_utc(text: str) -> str | None:
    """The stored form of an ISO-8601 ("2025-06-02T12:00:00+02:00", "2025-06-02 10:00:00.5Z") or an
    RFC 2822 time ("Mon, 02 Jun 2025 10:00:00 +0000"); None for what is not a time. A time without an
    offset is taken as UTC."""
    if not isinstance(text, str) or not text.strip():
        return None
    value = text.strip()
    try:
        moment = datetime.fromisoformat(value[:-1] + "+00:00" if value[-1:] in "zZ" else value)
    except ValueError:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return format_utc(moment)
