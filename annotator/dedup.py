"""Near-duplicate sentences: normalisation, candidate blocking with MinHash LSH, grouping.

Comparing every sentence with every other is quadratic. Instead each sentence of four words
or more gets a MinHash signature over its word set; signatures are cut into bands and two
sentences sharing a band become candidates, which rapidfuzz then verifies against the
similarity threshold. Band keys are stored, so a new import only looks up its own keys.
Shorter sentences join a group only on an exact normalised match.
"""

from __future__ import annotations

import bisect
import gc
import hashlib
import os
import time
import itertools
import re
import unicodedata
import zlib
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from annotator.processes import process_running

DEFAULT_THRESHOLD = 90.0
MIN_WORDS = 4
SHORT = 6  # word sets this small also get leave-one-out keys (Signer.short_keys)
BANDS = 10
ROWS = 4
_SIGN_CHUNK = 50_000
# A band key shared by more sentences than this comes from common words, not from copies: such a
# bucket is skipped (copies also share the keys of their other bands), which keeps candidates few.
_MAX_BUCKET = 24

_QUOTES = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'", "\u00b4": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
})
_WORD = re.compile(r"\w+")
# a number with its decimal and thousands separators, and its currency or percent sign
_NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand "
    "million billion trillion dozen half quarter"
).split()
# a number with its decimal and thousands separators and its currency or percent sign, or a number word
_NUMBER = re.compile(
    r"([$\u20ac\u00a3\u00a5]?\d+(?:[.,]\d+)*|\b(?:" + "|".join(_NUMBER_WORDS) + r")s?\b)(%| ?percent\b| per cent\b| pct\b)?"
)
_DATELINE = re.compile(r"^[^\W\d][\w .'/-]{0,40}, [a-z]{3,9}\.? \d{1,2}(?:, \d{4})? \([^)]{1,40}\) ?-{1,2} ")
_NEGATION = re.compile(
    r"\b(?:not|no|never|without|cannot|(?:do|does|did|is|are|was|were|can|could|would|should|wo|has|have|had|"
    r"must|need|ai)(?:n't|nt))\b|(?<=\w)n't\b"
)
_FACT_CACHE: dict[str, tuple] = {}
_PLURAL = re.compile(r"(?<=[^\Ws]{3})s\b")
_MONTH = re.compile(r"\b(january|february|march|april|june|july|august|september|october|november|december|sept)\b")


def _month_abbreviation(found: re.Match) -> str:
    return found.group()[:3]
_STOPWORDS = frozenset(
    "a an the and or but of to in on at by for with from as is are was were be been it its this that "
    "these those he she they we you i his her their our your not no".split()
)


def normalise(text: str) -> str:
    """NFKC, case-folded, quotes and dashes unified, white space collapsed."""
    if not text.isascii():  # NFKC leaves ASCII as it is
        text = unicodedata.normalize("NFKC", text)
    return " ".join(text.casefold().translate(_QUOTES).split())


def norm_hash(norm: str) -> int:
    """A stable signed 64-bit hash of a normalised sentence (SQLite integers are signed)."""
    return int.from_bytes(hashlib.blake2b(norm.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big", signed=True)


def words(norm: str) -> list[str]:
    """The words of a normalised sentence; apostrophes are dropped first, so "don't" and "dont",
    "hp's" and "hps" are the same word."""
    return _WORD.findall(norm.replace("'", "") if "'" in norm else norm)


def numbers(norm: str) -> list[str]:
    """The numbers of a sentence as written, in digits (separators, currency and percent kept; "6.5
    percent" is "6.5%") or in words ("three", "million"), sorted. A wire dateline ("halden, march 14 (newswire) - ") is not part of the statement."""
    body = _DATELINE.sub("", norm, count=1)
    return sorted(number + ("%" if percent else "") for number, percent in _NUMBER.findall(body))


def negations(norm: str) -> list[str]:
    """The negations of a sentence, sorted; every "not" form ("n't", "cannot", "dont") counts as "not"."""
    found = []
    for word in _NEGATION.findall(norm):
        found.append(word if word in ("no", "never", "without") else "not")
    return sorted(found)


def same_facts(a: str, b: str) -> bool:
    """May two normalised sentences be near-copies of one statement? Only when they state the same
    numbers and neither has a negation the other lacks: "rose 49 points to 10,578" is not
    "fell 44 points to 9,568", and "is happening" is not "isn't happening", however alike they read."""
    return _facts(a) == _facts(b)


def _facts(norm: str) -> tuple:
    if norm in _FACT_CACHE:
        return _FACT_CACHE[norm]
    if len(_FACT_CACHE) > 200_000:
        _FACT_CACHE.clear()
    value = _FACT_CACHE[norm] = (tuple(numbers(norm)), tuple(negations(norm)))
    return value


class _TokenHashes(dict):
    """token -> stable 32-bit hash, computed once per token (crc32: the same in every process)."""

    def __missing__(self, token: str) -> int:
        value = self[token] = zlib.crc32(token.encode("utf-8", "surrogatepass"))
        return value


class Signer:
    """MinHash signatures and LSH band keys, identical in every process (fixed seed, crc32 tokens)."""

    def __init__(self, bands: int = BANDS, rows: int = ROWS, seed: int = 1729):
        rng = np.random.default_rng(seed)
        self.bands, self.rows = bands, rows
        k = bands * rows
        self.mult = (rng.integers(1, 2**63 - 1, size=k, dtype=np.int64).astype(np.uint64) << np.uint64(1)) | np.uint64(1)
        self.add = rng.integers(0, 2**63 - 1, size=k, dtype=np.int64).astype(np.uint64)
        self.band_salt = rng.integers(1, 2**63 - 1, size=(bands, rows), dtype=np.int64).astype(np.uint64) | np.uint64(1)
        self._token_hashes = _TokenHashes()

    def band_keys(self, token_sets: Sequence[Sequence[str]]) -> np.ndarray:
        """An (n, bands) array of 32-bit band keys, one row per non-empty token set.

        32 bits are enough: two unrelated sentences sharing a key only become a candidate pair that
        the similarity check turns down, and a stored key takes 4 bytes instead of 8."""
        n = len(token_sets)
        if n == 0:
            return np.zeros((0, self.bands), dtype=np.int32)
        lengths = np.fromiter((len(t) for t in token_sets), dtype=np.int64, count=n)
        flat = np.fromiter(
            map(self._token_hashes.__getitem__, itertools.chain.from_iterable(token_sets)),
            dtype=np.uint64, count=int(lengths.sum()),
        )
        starts = np.zeros(n, dtype=np.int64)
        np.cumsum(lengths[:-1], out=starts[1:])
        signature = np.empty((n, self.bands * self.rows), dtype=np.uint64)
        for k in range(self.bands * self.rows):
            hashed = (flat * self.mult[k] + self.add[k]) >> np.uint64(32)
            signature[:, k] = np.minimum.reduceat(hashed, starts)
        keys = np.empty((n, self.bands), dtype=np.uint64)
        for b in range(self.bands):
            block = signature[:, b * self.rows : (b + 1) * self.rows]
            mixed = np.full(n, ((b + 1) * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF, dtype=np.uint64)
            for r in range(self.rows):
                mixed = (mixed ^ (block[:, r] * self.band_salt[b, r])) * np.uint64(0xBF58476D1CE4E5B9)
            keys[:, b] = mixed
        return _high_half(keys)


    def short_keys(self, token_sets: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray]:
        """Extra keys for word sets of at most SHORT words: the whole set and each set less one word.

        In a short sentence one changed word leaves a Jaccard similarity MinHash bands often miss
        ("qtly div 17 cts vs 17 cts prior" / "qtrly div ..."): two sets that differ by one word, or
        one added word, always share one of these keys. Returns (keys, row of each key).
        """
        rows = [r for r, t in enumerate(token_sets) if len(t) <= SHORT]
        if not rows:
            return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int64)
        lengths = np.fromiter((len(token_sets[r]) for r in rows), dtype=np.int64, count=len(rows))
        flat = np.fromiter(
            map(self._token_hashes.__getitem__, itertools.chain.from_iterable(token_sets[r] for r in rows)),
            dtype=np.uint64, count=int(lengths.sum()),
        )
        mixed = _splitmix(flat ^ np.uint64(0x5851F42D4C957F2D))
        starts = np.zeros(len(rows), dtype=np.int64)
        np.cumsum(lengths[:-1], out=starts[1:])
        whole = np.add.reduceat(mixed, starts)
        owner = np.repeat(np.asarray(rows, dtype=np.int64), lengths)
        less_one = whole[np.repeat(np.arange(len(rows)), lengths)] - mixed
        keys = _high_half(np.concatenate([whole, less_one]))
        return keys, np.concatenate([np.asarray(rows, dtype=np.int64), owner])


def _high_half(keys: np.ndarray) -> np.ndarray:
    """The high 32 bits of 64-bit keys, signed (what SQLite's `key >> 32` gives for a stored 64-bit key)."""
    return (keys.view(np.int64) >> np.int64(32)).astype(np.int32)


def _splitmix(x: np.ndarray) -> np.ndarray:
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def token_set(norm: str) -> list[str] | None:
    """The word set a signature is made of, or None for a sentence too short for near matching.

    In a short set a plural "s" is dropped ("figures" is "figure") and months are cut to three
    letters ("january" is "jan"): with few words, one such edit would otherwise leave too little
    in common for the candidate search to pair the two.
    """
    tokens = words(norm)
    if len(tokens) < MIN_WORDS:
        return None
    content = set(tokens)
    kept = content - _STOPWORDS
    chosen = kept if len(kept) >= 2 else content
    if len(chosen) <= SHORT:
        chosen = set(_PLURAL.sub("", _MONTH.sub(_month_abbreviation, " ".join(chosen))).split())
    return list(chosen)


def bucket_pairs(keys: np.ndarray, extra: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Pairs (i, j), i < j, of rows sharing any band key (or any `extra` key: keys and their rows):
    members of a bucket are compared with its first ones.

    One band at a time, so the working arrays are the size of the corpus, not ten times it.
    """
    if keys.size == 0:
        return np.zeros((0, 2), dtype=np.int64)
    n = keys.shape[0]
    codes = [_band_pairs(keys[:, band], n) for band in range(keys.shape[1])]
    if extra is not None and extra[0].size:
        extra_keys, owners = extra
        flat = _band_pairs(extra_keys, extra_keys.size)
        a, b = owners[flat // extra_keys.size], owners[flat % extra_keys.size]
        keep = a != b
        codes.append(np.minimum(a[keep], b[keep]) * n + np.maximum(a[keep], b[keep]))
    codes = np.sort(np.concatenate(codes))  # one integer per pair: sorting them dedups fast
    codes = codes[np.concatenate(([True], codes[1:] != codes[:-1]))] if codes.size else codes
    return np.stack([codes // n, codes % n], axis=1)


def _band_pairs(column: np.ndarray, n: int) -> np.ndarray:
    """Pair codes i * n + j (i < j) of the rows sharing a key in one band."""
    order = np.argsort(column, kind="stable")
    keys = column[order]
    boundary = np.empty(keys.size, dtype=bool)
    boundary[0] = True
    np.not_equal(keys[1:], keys[:-1], out=boundary[1:])
    bucket_start = np.flatnonzero(boundary)
    sizes = np.diff(np.append(bucket_start, keys.size))
    del keys, boundary
    usable = (sizes > 1) & (sizes <= _MAX_BUCKET)
    if not usable.any():
        return np.zeros(0, dtype=np.int64)
    # pair every member of a usable bucket with each earlier member, vectorised by offset
    member = np.repeat(usable, sizes)
    position = np.where(member, np.arange(order.size) - np.repeat(bucket_start, sizes), -1)
    out = []
    for offset in range(1, int(sizes[usable].max())):
        later = np.flatnonzero(position >= offset)
        if later.size == 0:
            break
        a, b = order[later - offset], order[later]
        out.append(np.minimum(a, b) * n + np.maximum(a, b))
    return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)


def similar(a: Sequence[str], b: Sequence[str], threshold: float) -> np.ndarray:
    """Element-wise: is a[i] at least `threshold` similar to b[i] (rapidfuzz ratio, 0-100)?

    In chunks: rapidfuzz copies the strings it compares, so one call per million pairs would
    hold them all at once.
    """
    out = np.zeros(len(a), dtype=bool)
    for start in range(0, len(a), _SIGN_CHUNK):
        scores = process.cpdist(a[start : start + _SIGN_CHUNK], b[start : start + _SIGN_CHUNK],
                                scorer=fuzz.ratio, score_cutoff=threshold, workers=-1)
        out[start : start + _SIGN_CHUNK] = np.asarray(scores) >= threshold
    return out


def group_pending(store, threshold: float | None = None, signer: Signer | None = None,
                  regroup: bool = False) -> dict[str, int]:
    """Group every sentence not yet grouped with its duplicates, new or already stored.

    The work is read and computed first, then written in short transactions (one grouping runs at a
    time: a second import waits for the first to finish). Only the new sentences are signed and looked up: the stored corpus is reached through its
    indexed hashes and band keys, so an import costs what it adds, not what is already there.
    Sentences are taken in id order; each joins the group whose representative (first member) it
    matches best, so no group grows by a chain of small edits. With `regroup`, every sentence is
    first taken out of its group and grouped again under the current rules.
    """
    if threshold is None:
        threshold = float(store.setting("threshold", str(DEFAULT_THRESHOLD)))
    signer = signer or Signer()
    me = os.getpid()
    while store.take_lease("grouping", me, process_running) is not None:
        time.sleep(0.25)  # another import is grouping: ours groups what is left when it is done
    try:
        with store.fewer_checkpoints():
            return _group_pending(store, threshold, signer, regroup)
    finally:
        store.drop_lease("grouping", me)


def _group_pending(store, threshold: float, signer: Signer, regroup: bool) -> dict[str, int]:
    if regroup:
        with store.transaction():
            store.reset_grouping()
    ids, norms, hashes = [], [], []
    for sid, text, h in store.pending_sentences():  # streamed: only the normalised texts are kept
        ids.append(sid)
        norms.append(normalise(text))
        hashes.append(h)
    if not ids:
        return {"sentences": 0, "joined": 0}
    split_ids = store.pending_split_ids()
    has_stored = store.has_grouped_sentences()
    stored_groups = store.groups_by_hash(hashes) if has_stored else {}

    group_of: list[int] = [0] * len(ids)  # the group each pending sentence ends in
    exact_of: dict[int, int] = {}  # position -> earlier position with the same normalised text
    first_with_hash: dict[int, int] = {}
    reps: list[int] = []  # positions of the first pending sentence of each new normalised text
    for pos, (sid, h) in enumerate(zip(ids, hashes)):
        group_of[pos] = sid
        if sid in split_ids:
            continue
        if h in stored_groups:
            group_of[pos] = stored_groups[h]
        elif h in first_with_hash:
            exact_of[pos] = first_with_hash[h]
        else:
            first_with_hash[h] = pos
            reps.append(pos)

    signed, key_chunks, short_chunks, owner_chunks = [], [], [], []
    for chunk_start in range(0, len(reps), _SIGN_CHUNK):  # chunks keep token lists from piling up
        token_sets = []
        first_row = len(signed)
        for pos in reps[chunk_start : chunk_start + _SIGN_CHUNK]:
            tokens = token_set(norms[pos])
            if tokens is not None:
                token_sets.append(tokens)
                signed.append(pos)
        key_chunks.append(signer.band_keys(token_sets))
        short, owners = signer.short_keys(token_sets)
        short_chunks.append(short)
        owner_chunks.append(owners + first_row)
    keys = np.concatenate(key_chunks) if key_chunks else np.zeros((0, signer.bands), dtype=np.int32)
    short_keys = np.concatenate(short_chunks) if short_chunks else np.zeros(0, dtype=np.int32)
    short_owners = np.concatenate(owner_chunks) if owner_chunks else np.zeros(0, dtype=np.int64)

    matcher = _Matcher(ids, norms, threshold, store.representative_texts)
    # candidates among the new sentences: (earlier position, later position) that reach the threshold
    earlier: dict[int, list[int]] = {}
    later: dict[int, list[int]] = {}
    pairs = bucket_pairs(keys, (short_keys, short_owners))
    for start in range(0, len(pairs), _SIGN_CHUNK):
        chunk = pairs[start : start + _SIGN_CHUNK]
        left = [norms[signed[i]] for i in chunk[:, 0].tolist()]
        right = [norms[signed[j]] for j in chunk[:, 1].tolist()]
        for i, j in chunk[similar(left, right, threshold)].tolist():
            earlier.setdefault(signed[j], []).append(signed[i])
            later.setdefault(signed[i], []).append(signed[j])

    # candidates among the stored groups, each verified against the group's representative
    stored_candidates: dict[int, list[int]] = {}
    if has_stored and signed:
        row_of_key: dict[int, list[int]] = {}
        for row, row_keys in enumerate(keys.tolist()):
            for key in row_keys:
                row_of_key.setdefault(key, []).append(row)
        for key, row in zip(short_keys.tolist(), short_owners.tolist()):
            row_of_key.setdefault(key, []).append(row)
        checks: set[tuple[int, int]] = set()
        for key, group in store.band_groups(list(row_of_key)):
            for row in row_of_key[key]:
                checks.add((signed[row], group))
        matcher.add_representatives(store.representative_texts({g for _, g in checks}))
        for pos, group in sorted(checks):
            stored_candidates.setdefault(pos, []).append(group)

    # in id order, each new text joins the group whose representative it matches best
    joined: set[int] = set()  # groups that gained a member
    for pos in reps:
        stored, near = stored_candidates.get(pos), earlier.get(pos)
        if stored is None and near is None:
            continue  # a text of its own: it founds a group, named by its id
        options = set(stored or ())
        if near:
            options.update(group_of[i] for i in near)
        best = matcher.best(pos, options)
        if best is not None:
            group_of[pos] = best
            joined.add(best)
    # a text left alone because the group it matches was founded after it joins that group now
    # (the founder stays the representative and names the group, so still no chains)
    for pos, after in later.items():
        if group_of[pos] == ids[pos] and ids[pos] not in joined:
            best = matcher.best(pos, {group_of[j] for j in after} - {ids[pos]})
            if best is not None:
                group_of[pos] = best
                joined.add(best)
    for pos, first in exact_of.items():
        group_of[pos] = group_of[first]

    moved = []
    for pos, sid in enumerate(ids):
        if sid in split_ids:
            moved.append((sid, sid, 1))
        elif group_of[pos] != sid:
            moved.append((sid, group_of[pos], 0))
    owners = np.asarray([ids[pos] for pos in signed], dtype=np.int64)
    bands = itertools.chain(_band_rows(keys, owners),
                            _band_rows(short_keys[:, None], owners[short_owners] if short_owners.size else owners[:0]))
    _save_in_batches(store, ids, moved, bands)
    return {"sentences": len(ids), "joined": sum(1 for _, _, p in moved if not p)}


# rows per write transaction: each holds the write lock for a small part of a second, so labels
# given meanwhile by annotators get in between
_MOVED_BATCH, _BAND_BATCH, _MARK_BATCH = 10_000, 50_000, 25_000


def _save_in_batches(store, ids: list[int], moved: list[tuple[int, int, int]], bands) -> None:
    """Store the groups and band keys, then mark the sentences grouped, in short transactions. Until a
    sentence is marked grouped, a crash leaves it pending and the next import groups it again."""
    with no_collection_pauses():
        _save(store, ids, moved, bands)


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


def _save(store, ids: list[int], moved: list[tuple[int, int, int]], bands) -> None:
    for start in range(0, len(moved), _MOVED_BATCH):
        with store.transaction():
            store.move_to_groups(moved[start : start + _MOVED_BATCH])
    while True:
        batch = list(itertools.islice(bands, _BAND_BATCH))
        if not batch:
            break
        with store.transaction():
            store.add_bands(batch)
    for start in range(0, len(ids), _MARK_BATCH):
        with store.transaction():
            store.mark_grouped(ids[start], ids[min(start + _MARK_BATCH, len(ids)) - 1])
    with store.transaction():
        _replay_joins(store)


class _Matcher:
    """Scores a new sentence against the representative of each candidate group, once per pair,
    and applies the rules that keep different facts apart (numbers, negation)."""

    def __init__(self, ids: list[int], norms: list[str], threshold: float, fetch):
        self.ids, self.norms = ids, norms  # the pending sentences, by id: a new group is named by its founder's id
        self.threshold = threshold
        self.rep_text: dict[int, str] = {}  # stored group -> normalised text of its representative
        self.fetch = fetch

    def add_representatives(self, texts: dict[int, str]) -> None:
        for group, text in texts.items():
            self.rep_text[group] = normalise(text)

    def best(self, pos: int, groups: set[int]) -> int | None:
        """The group (smallest id on a tie) whose representative this sentence matches best, or None."""
        best_group, best_score = None, -1.0
        text = self.norms[pos]
        ids = self.ids
        for group in sorted(groups):
            founder = bisect.bisect_left(ids, group)
            if founder < len(ids) and ids[founder] == group:
                rep = self.norms[founder]
            else:
                if group not in self.rep_text:  # a stored group reached through an exact copy
                    self.add_representatives(self.fetch([group]))
                rep = self.rep_text.get(group)
                if rep is None:
                    continue
            score = fuzz.ratio(text, rep, score_cutoff=self.threshold)
            if score > best_score and score >= self.threshold and same_facts(text, rep):
                best_group, best_score = group, score
        return best_group


@dataclass
class RegroupReport:
    sentences: int
    groups_before: int
    groups_after: int
    split: int  # groups whose members no longer all share one group
    uncovered: list[str]  # DOC:INDEX of sentences whose group had a label and whose new group has none


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


def _band_rows(keys: np.ndarray, sentence_ids: np.ndarray):
    """(key, sentence id) rows to store, band by band and in key order within a band (cheap B-tree
    inserts), converted in chunks so no list of ten million tuples is ever built."""
    for band in range(keys.shape[1]):
        order = np.argsort(keys[:, band], kind="stable")
        column, owners = keys[order, band], sentence_ids[order]
        for start in range(0, len(column), _SIGN_CHUNK):
            yield from zip(column[start : start + _SIGN_CHUNK].tolist(), owners[start : start + _SIGN_CHUNK].tolist())


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
