"""Grouping: sign the pending sentences, find their candidates among themselves and in the stored
corpus, match each against group representatives, and store the groups and band keys (group_pending);
regroup the whole database; a group's lowest similarity (lowest_ratio)."""

from __future__ import annotations

import bisect
import gc
import itertools
import re
import time
import zlib
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz

from annotator.dedup.blocking import _MAX_BUCKET, _SIGN_CHUNK, Signer, _may_reach, bucket_pairs, similar
from annotator.dedup.facts import _MARKS, compare, only_function_words_apart
from annotator.dedup.normal import normalise, token_set
from annotator.processes import can_fork, describe, forked_map, identity, identity_alive

DEFAULT_THRESHOLD = 90.0


def group_pending(store, threshold: float | None = None, signer: Signer | None = None,
                  regroup: bool = False, on_wait: Callable[[str], None] | None = None) -> dict[str, int]:
    """Group every sentence not yet grouped with its duplicates, new or already stored.

    The groups are computed first, then written in short transactions (the band keys and hashes on a
    thread meanwhile); one grouping runs at a time: a second import waits for the first to finish,
    and `on_wait(message)` is told once what it waits for.
    Only the new sentences are signed and looked up: the stored corpus is reached through its stored
    hashes and band keys, so an import costs what it adds, not what is already there.
    Sentences are taken in id order; each joins the group whose representative (first member) it
    matches best, so no group grows by a chain of small edits. With `regroup`, every sentence is
    first taken out of its group and grouped again under the current rules.
    Returns {"sentences": grouped, "joined": of them, those that joined a group}.
    """
    if threshold is None:
        threshold = float(store.setting("threshold", str(DEFAULT_THRESHOLD)))
    signer = signer or Signer()
    me = identity()
    told = False
    while (holder := store.take_lease("grouping", me, identity_alive)) is not None:
        if on_wait and not told:
            on_wait(f"waiting for another import to finish grouping ({describe(holder)})")
            told = True
        time.sleep(0.25)  # another import is grouping: ours groups what is left when it is done
    try:
        with store.fewer_checkpoints(), no_collection_pauses():
            total = {"sentences": 0, "joined": 0}
            # a sentence whose group was split meanwhile is left pending: one more pass groups it
            for _attempt in range(3):
                result = _group_pending(store, threshold, signer, regroup and not _attempt)
                total["sentences"] += result["sentences"] - result["left"]
                total["joined"] += result["joined"]
                if not result["left"]:
                    break
            return total
    finally:
        store.drop_lease("grouping", me)


def _group_pending(store, threshold: float, signer: Signer, regroup: bool) -> dict[str, int]:
    """Everything kept per pending sentence is a few numbers in arrays, and its normalised text
    compressed (_Texts); only the texts of sentences that have a candidate are unpacked."""
    if regroup:
        with store.transaction():
            store.reset_grouping()
    pending = _sign_pending(store, signer)
    ids, hashes = pending.ids, pending.hashes
    if not ids.size:
        return {"sentences": 0, "joined": 0, "left": 0}
    split = np.isin(ids, np.fromiter(store.pending_split_ids(), dtype=np.int64))
    has_stored = store.has_grouped_sentences()

    # the same normalised text: a stored group takes it, else it joins its first pending occurrence
    group_of = ids.copy()  # the group each pending sentence ends in
    stored_exact = np.zeros(ids.size, dtype=bool)
    if has_stored:
        unique_hashes = np.unique(hashes[~split])
        stored_groups = store.groups_by_hash(unique_hashes.tolist())
        if stored_groups:
            known = np.fromiter(stored_groups, dtype=np.int64, count=len(stored_groups))
            stored_exact = ~split & np.isin(hashes, known)
            group_of[stored_exact] = [stored_groups[h] for h in hashes[stored_exact].tolist()]
    eligible = np.flatnonzero(~split & ~stored_exact)
    _, first, inverse = np.unique(hashes[eligible], return_index=True, return_inverse=True)
    rep_of = np.arange(ids.size)  # position -> position of the first pending sentence with its text
    rep_of[eligible] = eligible[first][inverse.ravel()]
    is_rep = np.zeros(ids.size, dtype=bool)
    is_rep[eligible[first]] = True
    del first, inverse, eligible

    # only representatives are looked up and stored; rows index `signed`
    keep = is_rep[pending.signed]
    signed, keys = pending.signed[keep], _compact_rows(pending.keys, keep)
    row_of_signed_row = np.cumsum(keep) - 1
    short_keep = keep[pending.short_owners]
    short_keys, short_owners = pending.short_keys[short_keep], row_of_signed_row[pending.short_owners[short_keep]]
    norms = pending.norms
    del pending, keep, row_of_signed_row, short_keep
    bands, hash_rows = _band_rows(keys, short_keys, ids[signed], short_owners), _hash_rows(hashes, ids)
    keys_written = store.aside(lambda own: _write_keys(own, bands, hash_rows, own_connection=own is not store))

    lengths = norms.lengths[signed]
    pairs = bucket_pairs(keys, (short_keys, short_owners), lambda i, j: _may_reach(lengths[i], lengths[j], threshold))
    pairs = signed[pairs] if pairs.size else pairs.reshape(0, 2)  # as positions
    stored_candidates = _stored_candidates(store, signed, keys, short_keys, short_owners) if has_stored else {}
    norms.keep_only(np.union1d(pairs.ravel(), np.fromiter(stored_candidates, dtype=np.int64,
                                                          count=len(stored_candidates))))
    matcher = _Matcher(ids, norms, threshold, store)

    # candidates among the new sentences: (earlier position, later position) that reach the threshold
    earlier: dict[int, list[int]] = {}
    later: dict[int, list[int]] = {}
    for start in range(0, len(pairs), _SIGN_CHUNK):
        block = pairs[start : start + _SIGN_CHUNK]
        left, right = norms.take(block[:, 0]), norms.take(block[:, 1])
        for keep_pair, (i, j) in zip(similar(left, right, threshold).tolist(), block.tolist()):
            if keep_pair:
                earlier.setdefault(j, []).append(i)
                later.setdefault(i, []).append(j)
    if stored_candidates:
        matcher.add_representatives(store.representative_texts({g for gs in stored_candidates.values() for g in gs}))

    # in id order, each new text joins the group whose representative it matches best
    joined: set[int] = set()  # groups that gained a member
    order = sorted(earlier.keys() | stored_candidates.keys())
    matcher.plan(order, lambda pos: [int(ids[i]) for i in earlier.get(pos, ())] + list(stored_candidates.get(pos, ())))
    for pos in order:
        options = set(stored_candidates.get(pos, ()))
        options.update(int(group_of[i]) for i in earlier.get(pos, ()))
        best = matcher.best(pos, options)
        if best is not None:
            group_of[pos] = best
            joined.add(best)
    # a text left alone because the group it matches was founded after it joins that group now
    # (the founder stays the representative and names the group, so still no chains)
    for pos, after in later.items():
        own = int(ids[pos])
        if group_of[pos] == own and own not in joined:
            best = matcher.best(pos, {int(group_of[j]) for j in after} - {own})
            if best is not None:
                group_of[pos] = best
                joined.add(best)
    copies = np.flatnonzero(rep_of != np.arange(ids.size))
    group_of[copies] = group_of[rep_of[copies]]

    moved = [(sid, sid, 1) for sid in ids[split].tolist()]
    changed = np.flatnonzero((group_of != ids) & ~split)
    moved.extend(zip(ids[changed].tolist(), group_of[changed].tolist(), itertools.repeat(0)))
    moved.sort()
    keys_written()
    left = _save(store, ids, hashes, moved)
    return {"sentences": int(ids.size), "joined": int(changed.size) - len(left), "left": len(left)}


@dataclass
class _Signed:
    """The pending sentences as arrays: ids and hashes (in id order), and for the positions with a
    word set (`signed`) their band keys, and the short-sentence keys with their row in `signed`;
    and their normalised texts."""
    ids: np.ndarray
    hashes: np.ndarray
    signed: np.ndarray
    keys: np.ndarray
    short_keys: np.ndarray
    short_owners: np.ndarray
    norms: _Texts


class _Texts:
    """Normalised texts by position, kept as UTF-8 in one bytes object per chunk of positions.

    While the candidates are found, each chunk is compressed (the workers compress what they
    normalise); `keep_only` then unpacks the texts of the sentences that have a candidate and drops
    the rest. Ten million texts take about 0.6 GB so, instead of 1.8 GB of UTF-8 or 3 GB of strings,
    and the database is not read a second time."""

    def __init__(self):
        self.starts: list[int] = []  # the first position of each chunk
        self.blobs: list[bytes] = []  # compressed until keep_only
        self.offsets: list[np.ndarray] = []  # where each row's text starts in its chunk's blob, and ends
        self.rows: list[np.ndarray | None] = []  # after keep_only: the positions kept in each chunk
        self.chunk_lengths: list[np.ndarray] = []

    def add(self, start: int, packed: bytes, offsets: np.ndarray, lengths: np.ndarray) -> None:
        self.starts.append(start)
        self.blobs.append(packed)
        self.offsets.append(offsets)
        self.rows.append(None)
        self.chunk_lengths.append(lengths)

    @property
    def lengths(self) -> np.ndarray:
        """The length of every text in characters, by position."""
        if len(self.chunk_lengths) != 1:
            self.chunk_lengths = [np.concatenate(self.chunk_lengths) if self.chunk_lengths
                                  else np.zeros(0, dtype=np.int32)]
        return self.chunk_lengths[0]

    def keep_only(self, positions: np.ndarray) -> None:
        """Unpack the texts at these (sorted, distinct) positions; the others are gone."""
        ends = [self.starts[-1] + len(self.offsets[-1]) - 1] if self.starts else []
        bounds = np.searchsorted(positions, self.starts + ends)
        for c in range(len(self.starts)):
            kept = positions[bounds[c] : bounds[c + 1]]
            raw, offsets = zlib.decompress(self.blobs[c]), self.offsets[c]
            rows = kept - self.starts[c]
            begin, end = offsets[rows].tolist(), offsets[rows + 1].tolist()
            self.blobs[c] = b"".join([raw[b:e] for b, e in zip(begin, end)])
            new = np.zeros(kept.size + 1, dtype=np.int64)
            np.cumsum(offsets[rows + 1] - offsets[rows], out=new[1:])
            self.offsets[c], self.rows[c] = new, kept
            del raw

    def _place(self, position: int) -> tuple[int, int]:
        chunk = bisect.bisect_right(self.starts, position) - 1
        return chunk, int(np.searchsorted(self.rows[chunk], position))

    def __getitem__(self, position: int) -> str:
        chunk, row = self._place(position)
        offsets = self.offsets[chunk]
        return self.blobs[chunk][int(offsets[row]) : int(offsets[row + 1])].decode("utf-8", "surrogatepass")

    def take(self, positions: np.ndarray) -> list[str]:
        """The texts at these positions (kept ones), in their order."""
        chunk = np.searchsorted(np.asarray(self.starts), positions, side="right") - 1
        begin, end = np.empty(positions.size, dtype=np.int64), np.empty(positions.size, dtype=np.int64)
        for c in np.unique(chunk).tolist():
            mine = chunk == c
            rows = np.searchsorted(self.rows[c], positions[mine])
            begin[mine], end[mine] = self.offsets[c][rows], self.offsets[c][rows + 1]
        blobs = self.blobs
        return [blobs[c][b:e].decode("utf-8", "surrogatepass")
                for c, b, e in zip(chunk.tolist(), begin.tolist(), end.tolist())]


# pending sentences from which signing is spread over worker processes (forked: they share the signer)
_PARALLEL_SIGN = 200_000


def _sign_pending(store, signer: Signer) -> _Signed:
    """Read the pending sentences and sign them, in chunks, on every core when there are many."""
    total = store.count_pending()
    rows = store.pending_sentences()
    chunks = iter(lambda: rows.fetchmany(_SIGN_CHUNK), [])
    ids, hashes, signed, keys, short_keys, short_owners = [], [], [], [], [], []
    norms = _Texts()
    offset = rows_before = 0
    for chunk_ids, chunk_hashes, (chunk_signed, chunk_keys, chunk_short, chunk_owners, blob, offsets, lengths) \
            in _signed_chunks(chunks, signer, parallel=total >= _PARALLEL_SIGN):
        norms.add(offset, blob, offsets, lengths)
        ids.append(chunk_ids)
        hashes.append(chunk_hashes)
        signed.append(chunk_signed + offset)
        keys.append(chunk_keys)
        short_keys.append(chunk_short)
        short_owners.append(chunk_owners + rows_before)
        offset += chunk_ids.size
        rows_before += chunk_signed.size

    def joined(parts, dtype, shape=(0,)):
        return np.concatenate(parts) if parts else np.zeros(shape, dtype=dtype)

    return _Signed(joined(ids, np.int64), joined(hashes, np.int64), joined(signed, np.int64),
                   joined(keys, np.int32, (0, signer.bands)), joined(short_keys, np.int32),
                   joined(short_owners, np.int64), norms)


def _signed_chunks(chunks, signer: Signer, parallel: bool):
    """(ids, hashes, signature) of each chunk of (id, text, hash) rows, in order."""
    def split(chunk):
        return ((np.fromiter((r[0] for r in chunk), dtype=np.int64, count=len(chunk)),
                 np.fromiter((r[2] for r in chunk), dtype=np.int64, count=len(chunk))), [r[1] for r in chunk])

    if not parallel or not can_fork():
        for chunk in chunks:
            (chunk_ids, chunk_hashes), texts = split(chunk)
            yield chunk_ids, chunk_hashes, _signature(texts, signer)
        return
    global _FORKED_SIGNER
    _FORKED_SIGNER = signer  # the workers inherit it: forked, not pickled
    for (chunk_ids, chunk_hashes), signed in forked_map(_signature_in_worker, map(split, chunks)):
        yield chunk_ids, chunk_hashes, signed


_FORKED_SIGNER: Signer | None = None


def _signature_in_worker(texts: list[str]):
    return _signature(texts, _FORKED_SIGNER)


def _signature(texts: list[str], signer: Signer):
    """(rows with a word set, their band keys, short-sentence keys, the row of each short key, the
    normalised texts as compressed UTF-8, the offset of each in it, and their lengths in characters)."""
    token_sets, signed, encoded, lengths = [], [], [], []
    for row, text in enumerate(texts):
        norm = normalise(text)
        encoded.append(norm.encode("utf-8", "surrogatepass"))
        lengths.append(len(norm))
        tokens = token_set(norm)
        if tokens is not None:
            token_sets.append(tokens)
            signed.append(row)
    short, owners = signer.short_keys(token_sets)
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)), out=offsets[1:])
    return (np.asarray(signed, dtype=np.int64), signer.band_keys(token_sets), short, owners,
            zlib.compress(b"".join(encoded), 1), offsets, np.asarray(lengths, dtype=np.int32))


def _stored_candidates(store, signed: np.ndarray, keys: np.ndarray, short_keys: np.ndarray,
                       short_owners: np.ndarray) -> dict[int, list[int]]:
    """position -> stored groups sharing a band key with it, looked up a slice of rows at a time."""
    out: dict[int, set[int]] = {}
    short_order = np.argsort(short_owners, kind="stable")
    short_keys, short_owners = short_keys[short_order], short_owners[short_order]
    for lo in range(0, len(signed), _SIGN_CHUNK):
        hi = min(lo + _SIGN_CHUNK, len(signed))
        row_of_key: dict[int, list[int]] = {}
        for row, row_keys in enumerate(keys[lo:hi].tolist(), start=lo):
            for key in row_keys:
                row_of_key.setdefault(key, []).append(row)
        a, b = np.searchsorted(short_owners, [lo, hi])
        for key, row in zip(short_keys[a:b].tolist(), short_owners[a:b].tolist()):
            row_of_key.setdefault(key, []).append(row)
        for key, group in store.band_groups(list(row_of_key), _MAX_BUCKET):
            for row in row_of_key[key]:
                out.setdefault(int(signed[row]), set()).add(group)
    return {pos: sorted(groups) for pos, groups in out.items()}


# rows per write transaction: each holds the write lock for a small part of a second, so labels
# given meanwhile by annotators get in between
_MOVED_BATCH, _BAND_BATCH = 10_000, 50_000


_ROW_BLOCK = 1 << 20


def _compact_rows(array: np.ndarray, keep: np.ndarray, block: int = _ROW_BLOCK) -> np.ndarray:
    """array[keep], written over the start of array itself (a row only ever moves towards the start),
    so no second array of that size is made."""
    kept = 0
    for start in range(0, len(array), block):
        rows = np.flatnonzero(keep[start : start + block]) + start
        array[kept : kept + rows.size] = array[rows]
        kept += rows.size
    return array[:kept]


def _write_keys(store, bands, hash_rows, own_connection: bool) -> None:
    """Store the band keys and hashes of the pending sentences, in short transactions. The grouping runs
    this aside, on a connection of its own, while it finds the groups. Written before the sentences
    are marked grouped, they are not looked up until then: a crash leaves them pending, and their
    rows are written again."""
    if own_connection:
        store.set_page_cache(8)  # it only appends, in key order: 8 MB of pages do
    with store.fewer_checkpoints():
        for codes in bands:
            with store.transaction():
                store.add_bands(codes)
        for rows in hash_rows:
            with store.transaction():
                store.add_hashes(rows)


@contextmanager
def no_collection_pauses():
    """A full garbage collection over the millions of objects a big grouping holds takes a large part
    of a second; inside a write transaction it would hold the lock that long. The rows written
    here are freed by reference counting, so the collector can wait until the writing is done."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _save(store, ids: np.ndarray, hashes: np.ndarray, moved: list[tuple[int, int, int]]) -> list[int]:
    """Store the groups and mark exactly the sentences read grouped, in short transactions (a
    sentence another import published meanwhile, even with an id among these, stays pending). Until a
    sentence is marked grouped, a crash leaves it pending and the next import groups it again. Splits
    and joins made while the groups were computed hold (Groups.settle_groups; joins are replayed).
    Returns the ids left pending because their group was split meanwhile."""
    left: list[int] = []
    moved_ids = np.fromiter((sid for sid, _, _ in moved), dtype=np.int64, count=len(moved))
    for start in range(0, len(ids), _MOVED_BATCH):
        part_ids, part_hashes = ids[start : start + _MOVED_BATCH], hashes[start : start + _MOVED_BATCH]
        lo = int(np.searchsorted(moved_ids, part_ids[0], side="left"))
        hi = int(np.searchsorted(moved_ids, part_ids[-1], side="right"))
        with store.transaction():
            left += store.settle_groups(list(zip(part_ids.tolist(), part_hashes.tolist())), moved[lo:hi])
    with store.transaction():
        _replay_joins(store)
    return left


class _Matcher:
    """Scores a new sentence against the representative of each candidate group, once per pair,
    and asks the same-fact guard (annotator.dedup.facts) of a pair that reaches the threshold."""

    def __init__(self, ids: np.ndarray, norms: _Texts, threshold: float, store):
        # the pending sentences' ids and normalised texts, by position: a new group is named by its founder's id
        self.ids, self.norms = ids, norms
        self.threshold = threshold
        self.rep_text: dict[int, str] = {}  # stored group -> normalised text of its representative
        self.store = store
        self.written: dict[int, tuple[str, str | None]] = {}  # sentence id -> (text as written, language)
        self.order: list[int] = []
        self.place: dict[int, int] = {}  # a planned position -> its place in self.order
        self.candidates = lambda pos: ()

    def add_representatives(self, texts: dict[int, str]) -> None:
        for group, text in texts.items():
            self.rep_text[group] = normalise(text)

    def plan(self, order: list[int], candidates) -> None:
        """The positions best() will be asked about, in order, and the candidate sentence ids of each:
        the written texts the guard may need are then read a batch of positions at a time."""
        self.order, self.candidates = order, candidates
        self.place = {pos: n for n, pos in enumerate(order)}

    def prefetch(self, sentence_ids, pos: int | None = None) -> None:
        """Read the written texts and languages of these sentences (the guard needs them); asked for a
        planned position, those of the next _GUARD_BATCH positions and their candidates as well, in
        place of the batch before (one query instead of hundreds, and never all of them in memory)."""
        wanted = [sid for sid in sentence_ids if sid not in self.written]
        if not wanted:
            return
        if pos is not None and pos in self.place:
            n = self.place[pos]
            batch = self.order[n : n + _GUARD_BATCH]
            wanted = set(wanted) | {int(self.ids[p]) for p in batch}
            for p in batch:
                wanted.update(self.candidates(p))
            self.written = {}
        self.written.update(self.store.texts_and_languages(sorted(wanted)))

    def best(self, pos: int, groups: set[int]) -> int | None:
        """The group (smallest id on a tie) whose representative this sentence matches best, or None."""
        best_group, best_score = None, -1.0
        text = self.norms[pos]
        ids = self.ids
        for group in sorted(groups):
            founder = int(np.searchsorted(ids, group))
            if founder < len(ids) and ids[founder] == group:
                rep = self.norms[founder]
            else:
                if group not in self.rep_text:  # a stored group reached through an exact copy
                    self.add_representatives(self.store.representative_texts([group]))
                rep = self.rep_text.get(group)
                if rep is None:
                    continue
            score = fuzz.ratio(text, rep, score_cutoff=self.threshold)
            if score > best_score and score >= self.threshold and self.same_facts(pos, group, text, rep):
                best_group, best_score = group, score
        return best_group

    def same_facts(self, pos: int, group: int, norm: str, rep: str) -> bool:
        """Does the sentence at `pos` state the same facts as the group's representative (by its
        written text and its document's language)? Two normalised texts with the same words and
        numbers, punctuation aside, do without asking the guard (most copies)."""
        words, rep_words = _words_and_numbers(norm), _words_and_numbers(rep)
        if words == rep_words:
            return True
        sentence_id = int(self.ids[pos])
        self.prefetch((sentence_id, group), pos)
        if sentence_id not in self.written or group not in self.written:
            return False
        (a, language_a), (b, language_b) = self.written[sentence_id], self.written[group]
        if language_a == language_b and only_function_words_apart(words, rep_words, a, b, language_a):
            return True
        return not compare(a, b, language_a, language_b)


# positions whose written texts (and their candidates') the guard reads at once
_GUARD_BATCH = 512
# punctuation, but not a separator inside a number ("12,500" is not "12.500"), nor a sign ("-15", "$2bn",
# "45%", "BB+"), nor the vowel signs of Indic scripts, which are marks, not letters, to the regex
_KEPT = r"\w\s$\u20ac\u00a3\u00a5\u20b9\u20bd%\u2030\u066a+\u2212\-" + _MARKS
_PUNCTUATION = re.compile(f"(?<!\\d)[^{_KEPT}]|[^{_KEPT}](?!\\d)")


def _words_and_numbers(norm: str) -> list[str]:
    """The words, numbers and signs of a normalised text; apostrophes dropped, as the guard drops them."""
    return _PUNCTUATION.sub(" ", norm.replace("'", "") if "'" in norm else norm).split()


@dataclass
class RegroupReport:
    sentences: int
    groups_before: int
    groups_after: int
    split: int  # groups whose members no longer all share one group
    uncovered: list[str]  # DOC:N (N from 1) of sentences whose group had a label and whose new group has none


def regroup(store, threshold: float | None = None) -> RegroupReport:
    """Group the whole database again under the current rules (taking every sentence out of its group
    is one transaction; grouping again is resumable, like an import's).

    Labels are events on sentences, so each member keeps its own labels: a label given to the
    representative stays with it, and a member it no longer covers becomes an unlabeled unit.
    """
    if threshold is not None:
        with store.transaction():
            store.set_setting("threshold", str(threshold))
    before = store.sentence_groups()
    labeled_before = store.labeled_groups()
    result = group_pending(store, threshold, regroup=True)
    after = store.sentence_groups()
    labeled_after = store.labeled_groups()
    new_groups_of: dict[int, set[int]] = {}
    for sid, group in before.items():
        new_groups_of.setdefault(group, set()).add(after[sid])
    uncovered = sorted(
        sid for sid, group in before.items() if group in labeled_before and after[sid] not in labeled_after
    )
    return RegroupReport(
        sentences=result["sentences"],
        groups_before=len(new_groups_of),
        groups_after=len(set(after.values())),
        split=sum(1 for groups in new_groups_of.values() if len(groups) > 1),
        uncovered=[store.sentence_ref(sid) for sid in uncovered],
    )


def lowest_ratio(representative: str, members: Sequence[str]) -> float:
    """The lowest similarity (0-100, one decimal) of a group's members to its representative."""
    rep = normalise(representative)
    return round(min((fuzz.ratio(rep, normalise(m)) for m in members), default=100.0), 1)


def _band_rows(keys: np.ndarray, short_keys: np.ndarray, owners: np.ndarray, short_owners: np.ndarray):
    """Band rows as key << 32 | sentence id (store.add_bands), _BAND_BATCH at a time, in (key, sentence
    id) order over all bands: each batch then fills a few adjacent B-tree pages instead of touching
    pages all over the table. keys: one row of band keys per sentence id in `owners`; short_keys: the
    short-sentence keys, of the rows `short_owners`. Sorted a sixteenth of the key range at a time,
    so no copy of all the keys is made."""
    if owners.size and int(owners.max()) >= 2**32:
        raise ValueError("sentence ids from 2^32 on cannot be stored with their band keys")
    step = max(1, _ROW_BLOCK // 8)  # rows at a time: no array over all keys (the writer runs at the peak)
    for top in range(-8, 8):  # ascending by the signed high four bits of each 32-bit key
        parts = []
        for start in range(0, len(keys), step):
            rows, columns = np.nonzero((keys[start : start + step] >> 28) == top)
            rows += start
            parts.append((keys[rows, columns].astype(np.int64) << 32) | owners[rows])
        short = (short_keys >> 28) == top
        parts.append((short_keys[short].astype(np.int64) << 32) | owners[short_owners[short]])
        codes = np.concatenate(parts)
        del parts, short
        codes.sort()
        for start in range(0, codes.size, _BAND_BATCH):
            yield codes[start : start + _BAND_BATCH].tolist()


def _hash_rows(hashes: np.ndarray, sentence_ids: np.ndarray):
    """(hash, sentence id) rows to store, _BAND_BATCH at a time, in that order."""
    order = np.lexsort((sentence_ids, hashes))
    for start in range(0, order.size, _BAND_BATCH):
        part = order[start : start + _BAND_BATCH]
        yield list(zip(hashes[part].tolist(), sentence_ids[part].tolist()))


def _replay_joins(store) -> None:
    """Joins a reviewer made by hand hold for sentences imported again later, unless a later split undid them."""
    last_split = {(doc, h): edit for edit, doc, h, _, _ in store.dedup_edits("split")}
    for edit, a_doc, a_hash, b_doc, b_hash in store.dedup_edits("join"):
        if max(last_split.get((a_doc, a_hash), 0), last_split.get((b_doc, b_hash), 0)) > edit:
            continue
        a_ids = store.sentence_ids_by_doc_hash(a_doc, a_hash)
        b_ids = store.sentence_ids_by_doc_hash(b_doc, b_hash)
        if a_ids and b_ids:
            store.join_groups(store.sentence(a_ids[0]), store.sentence(b_ids[0]))
