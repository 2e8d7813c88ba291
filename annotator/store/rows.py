"""The rows the store hands out: documents, sentences and events as plain frozen objects."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DocumentRow:
    id: int
    name: str
    title: str | None
    url: str | None
    hash: str
    sentences: int


@dataclass(frozen=True)
class SentenceRow:
    id: int
    doc_id: int
    index: int
    start: int
    end: int
    text: str
    group_id: int


@dataclass(frozen=True)
class Event:
    id: int  # local to this database file: the uid is the event's identity
    uid: str
    sentence_id: int | None  # None once a re-import removed its sentence (the event is kept, detached)
    kind: str
    annotator: str
    label: str | None
    note: str | None
    created_at: str
    undone: bool
