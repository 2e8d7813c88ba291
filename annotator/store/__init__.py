"""The only package that speaks SQL: one `Store` over a SQLite file, its parts one module per concern.

Labels, notes and review decisions are one append-only table of events. The label of a group
for an annotator is that annotator's latest live (not undone) label event on any member of
the group, so grouping edits (split, join) never rewrite history: labels stay with the sentence
that received them and follow it into whatever group it belongs to. That current label is kept in
the table current_labels by triggers (connection.py), so reading it never searches the events.
"""

from __future__ import annotations

from annotator.store.connection import (
    BUSY_TIMEOUT_S,
    DEFAULT_DB,
    SCHEMA_VERSION,
    Connection,
    DiskFull,
    StoreError,
    default_path,
)
from annotator.store.documents import Documents
from annotator.store.events import Events
from annotator.store.groups import Groups
from annotator.store.queries import LABEL_ROW_FIELDS, Queries
from annotator.store.reports import Reports
from annotator.store.quality import Accuracy, Aggregates, ControlItems, Flags
from annotator.store.routing import Routing
from annotator.store.scheme import Schemes
from annotator.store.suggestions import Suggestions
from annotator.store.rows import DocumentRow, Event, SentenceRow
from annotator.timestamps import now

__all__ = [
    "BUSY_TIMEOUT_S", "DEFAULT_DB", "DiskFull", "LABEL_ROW_FIELDS", "SCHEMA_VERSION", "DocumentRow", "Event", "SentenceRow",
    "Store", "StoreError", "default_path", "now",
]


class Store(Connection, Documents, Groups, Events, Queries, Reports, Routing, Suggestions, ControlItems, Accuracy,
            Aggregates, Flags, Schemes):
    """One annotator database: the connection with every part's reads and writes."""
