"""Labels given elsewhere (another tool, an export of this one), one JSON object per line."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from annotator import scheme
from annotator.model import InputError
from annotator.readers.decode import decode
from annotator.store import Store
from annotator.store.quality import FLAG
from annotator.timestamps import label_time, latest_label_time
from annotator.wording import sentence_ref


@dataclass
class LabelImport:
    added: int = 0
    already: int = 0
    # rows stored before on a sentence that import --replace has since replaced (its text changed):
    # neither present on the sentence the row names now nor added again
    replaced: int = 0
    over_overlap: int = 0  # labels that took their unit past the project's overlap, marked so
    flags: int = 0  # units flagged as unsure by a row's `flag`, newly stored
    errors: list[str] = field(default_factory=list)
    # one annotator gave one unit (a duplicate group) different labels: only the last one counts;
    # each entry names the unit's rows as DOC:N and the annotator
    collapsed: list[tuple[str, list[str]]] = field(default_factory=list)


def _uid(row: dict) -> str:
    """Same row, same uid: importing a file twice adds nothing the second time."""
    key = json.dumps([row["doc"], row["index"], row["annotator"], row["label"], row.get("note"), row.get("created_at")])
    return "import-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def import_labels(store: Store, path: str | Path) -> LabelImport:
    """Store every valid row; report each bad one with its line number and why, and skip it.

    Raises InputError (one line naming the file) only when the file itself cannot be read."""
    shown = str(path)
    result = LabelImport()
    docs = {name: doc_id for doc_id, name in store.document_ids()}
    project = scheme.get(store)
    latest = latest_label_time()
    rows, flags = [], []
    given: dict[tuple[str, int], list[tuple[str, str]]] = {}  # (annotator, group) -> [(DOC:N, label)]
    for number, row in jsonl_rows(path):
        try:
            if isinstance(row, ValueError):
                raise row
            checked, group = _check(store, docs, row, latest, project)
            rows.append(checked)
            if row.get("flag") is not None:  # the unit flagged as unsure, with a note for the lead ("" none)
                sentence_id, _kind, annotator, _label, _note, created, uid, *_more = checked
                flags.append((sentence_id, "note", annotator, None, row["flag"], created, uid + "-flag", FLAG))
            given.setdefault((row["annotator"], group), []).append((sentence_ref(row["doc"], row["index"]),
                                                                    row["label"]))
        except ValueError as err:
            result.errors.append(f"{shown}:{number}: {err}")
    for (annotator, _group), labels in given.items():
        if len({label for _, label in labels}) > 1:
            result.collapsed.append((annotator, [ref for ref, _ in labels]))
    before = len(rows)
    with store.transaction():
        last = store.last_event_id()
        result.added = store.insert_events(rows)
        result.flags = store.insert_events(flags) if flags else 0
        if result.added:
            store.mark_control_answers_since(last)  # answers to control items are no votes, first
        # labels loaded from `annotator next` work elsewhere are routed labels: past the overlap, marked
        result.over_overlap = store.mark_past_overlap_since(last) if result.added else 0
    stored = store.event_sentences([row[6] for row in rows])  # (sentence id, ..., uid, source, detail)
    result.replaced = sum(1 for row in rows if row[6] in stored and stored[row[6]] != row[0])
    result.already = before - result.added - result.replaced
    return result


def jsonl_rows(path: str | Path) -> Iterator[tuple[int, dict | ValueError]]:
    """(line number, its JSON object, or the ValueError saying what is wrong with the line) of each
    line of a JSON Lines file that is not blank. Raises InputError (one line naming the file) when the
    file itself cannot be read."""
    shown = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(shown, "no such file") from None
    except IsADirectoryError:
        raise InputError(shown, "is a folder; give a JSON Lines file") from None
    except OSError as err:
        raise InputError(shown, f"cannot read ({err.strerror})") from None
    for number, line in _lines(data, shown):
        if isinstance(line, UnicodeDecodeError):
            yield number, ValueError(f"not valid UTF-8 ({line.reason} at column {line.start + 1})")
        elif line.strip():
            try:
                yield number, _parse(line)
            except ValueError as err:
                yield number, err


def _lines(data: bytes, shown: str) -> Iterator[tuple[int, str | UnicodeDecodeError]]:
    """(line number, text) of each line; a line that is not UTF-8 comes as its error, so one bad byte
    costs its own row, not the file's."""
    try:
        text = decode(data, shown)
    except InputError as err:
        if not err.problem.startswith(("not valid UTF-8 (", "mixes encodings")):
            raise  # empty, binary, or another encoding's byte-order mark: the file is what is wrong
        for number, raw in enumerate(data.split(b"\n"), start=1):
            try:
                yield number, raw.decode("utf-8")
            except UnicodeDecodeError as err:
                yield number, err
        return
    yield from enumerate(text.split("\n"), start=1)


def _parse(line: str) -> dict:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as err:
        raise ValueError(f"bad JSON ({err.msg} at column {err.colno})") from None
    except RecursionError:
        raise ValueError("bad JSON (nested too deeply)") from None
    if not isinstance(row, dict):
        raise ValueError(f"expected a JSON object, got {type(row).__name__}")
    return row


def check_annotator(annotator) -> None:
    """Raises ValueError unless `annotator` is a name: a non-empty string of printable characters
    without spaces at either end (a line break would forge lines of every report that prints names, an
    escape would reach the terminal, and " ann " would count as someone other than "ann")."""
    if not isinstance(annotator, str) or not annotator.strip():
        raise ValueError("'annotator' must be a non-empty string")
    if not annotator.isprintable() or annotator != annotator.strip():
        raise ValueError(f"'annotator' must be printable, without spaces at either end: {annotator!r}")


def check_label(label, project: scheme.Scheme = scheme.DEFAULT, extra: tuple[str, ...] = ()) -> None:
    """Raises ValueError, naming the scheme, unless `label` is one of the project's labels (or of `extra`)."""
    if not isinstance(label, str) or label not in project.names() + extra:
        nor = f", nor {' or '.join(extra)}" if extra else ""
        raise ValueError(f"unknown label {label!r}: not in the project's scheme {project.shown()}{nor}")


def check_detail(label: str, detail, project: scheme.Scheme) -> None:
    """Raises ValueError unless `detail` is None or an answer of the scheme's second question asked after `label`."""
    if detail is None:
        return
    question = project.second
    if question is None or label not in question.when:
        raise ValueError(f"'detail' {detail!r} given for {label!r}, which {project.shown()} asks no second question after")
    if detail not in question.answer_names():
        raise ValueError(f"'detail' {detail!r} is no answer to {question.question!r} "
                         f"({', '.join(question.answer_names())})")


def _check(store: Store, docs: dict[str, int], row: dict, latest: str, project: scheme.Scheme) -> tuple:
    for key in ("doc", "index", "label", "annotator"):
        if key not in row:
            raise ValueError(f"missing {key!r}")
    doc, index, label, annotator = row["doc"], row["index"], row["label"], row["annotator"]
    if not isinstance(doc, str):
        raise ValueError(f"'doc' must be a string, not {type(doc).__name__}")
    if not isinstance(index, int) or isinstance(index, bool):
        raise ValueError(f"'index' must be an integer, not {type(index).__name__}")
    check_annotator(annotator)
    check_label(label, project)
    detail = row.get("detail")
    check_detail(label, detail, project)
    if doc not in docs:
        raise ValueError(f"unknown document {doc!r}")
    sentence = store.sentence_at(doc, index) if 0 <= index < 2**63 else None
    if sentence is None:
        raise ValueError(f"document {doc!r} has no sentence at index {index}")
    if "text" in row and row["text"] is not None and row["text"] != sentence.text:
        raise ValueError(f"text does not match the sentence at index {index} of {doc!r} (stored: {sentence.text[:60]!r})")
    for key in ("note", "flag"):
        if row.get(key) is not None and not isinstance(row[key], str):
            raise ValueError(f"{key!r} must be a string, not {type(row[key]).__name__}")
    note = row.get("note")
    created = row.get("created_at")
    if created is not None:
        if not isinstance(created, str):
            raise ValueError(f"'created_at' must be a string, not {type(created).__name__}")
        try:
            created = label_time(created, latest)
        except ValueError as err:
            raise ValueError(f"'created_at' {err}") from None
    return (sentence.id, "label", annotator, label, note, created, _uid(row), None, detail), sentence.group_id
