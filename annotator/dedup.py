"""Near-duplicate sentences: normalisation, candidate blocking with MinHash LSH, grouping.

Comparing every sentence with every other is quadratic. Instead each sentence of four words
or more gets a MinHash signature over its word set; signatures are cut into bands and two
sentences sharing a band become candidates, which rapidfuzz then verifies against the
similarity threshold. Band keys are stored, so a new import only looks up its own keys.
Shorter sentences join a group only on an exact normalised match.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import unicodedata
import zlib
from collections.abc import Sequence

import numpy as np
from rapidfuzz import fuzz, process

DEFAULT_THRESHOLD = 90.0
MIN_WORDS = 4
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
    return _WORD.findall(norm)


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
        """An (n, bands) int64 array of band keys, one row per non-empty token set."""
        n = len(token_sets)
        if n == 0:
            return np.zeros((0, self.bands), dtype=np.int64)
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
        return keys.view(np.int64)


def token_set(norm: str) -> list[str] | None:
    """The word set a signature is made of, or None for a sentence too short for near matching."""
    tokens = words(norm)
    if len(tokens) < MIN_WORDS:
        return None
    content = set(tokens)
    kept = content - _STOPWORDS
    return list(kept if len(kept) >= 2 else content)


def bucket_pairs(keys: np.ndarray) -> np.ndarray:
    """Pairs (i, j), i < j, of rows sharing any band key: members of a bucket are compared with its first ones.

    One band at a time, so the working arrays are the size of the corpus, not ten times it.
    """
    if keys.size == 0:
        return np.zeros((0, 2), dtype=np.int64)
    n = keys.shape[0]
    codes = [_band_pairs(keys[:, band], n) for band in range(keys.shape[1])]
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


class _UnionFind:
    def __init__(self):
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        parent = self.parent
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(x, x) != root:
            parent[x], x = root, parent[x]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            if ra < rb:
                self.parent[rb] = ra
            else:
                self.parent[ra] = rb


def group_pending(store, threshold: float | None = None, signer: Signer | None = None) -> dict[str, int]:
    """Group every sentence not yet grouped with its duplicates, new or already stored, in one transaction.

    Only the new sentences are signed and looked up: the stored corpus is reached through its
    indexed hashes and band keys, so an import costs what it adds, not what is already there.
    """
    if threshold is None:
        threshold = float(store.setting("threshold", str(DEFAULT_THRESHOLD)))
    signer = signer or Signer()
    with store.transaction():
        ids, norms, hashes = [], [], []
        for sid, text, h in store.pending_sentences():  # streamed: only the normalised texts are kept
            ids.append(sid)
            norms.append(normalise(text))
            hashes.append(h)
        if not ids:
            return {"sentences": 0, "joined": 0}
        split_ids = store.pending_split_ids()
        pinned = [sid in split_ids for sid in ids]
        has_stored = store.has_grouped_sentences()
        stored_groups = store.groups_by_hash(hashes) if has_stored else {}

        uf = _UnionFind()
        target: dict[int, int] = {}  # union-find root -> stored group it joins
        first_with_hash: dict[int, int] = {}
        reps: list[int] = []  # positions of the first pending sentence of each new normalised text
        for pos, (sid, h) in enumerate(zip(ids, hashes)):
            if pinned[pos]:
                continue
            if h in stored_groups:
                target[sid] = stored_groups[h]
            elif h in first_with_hash:
                uf.union(first_with_hash[h], sid)
            else:
                first_with_hash[h] = sid
                reps.append(pos)

        signed, key_chunks = [], []
        for chunk_start in range(0, len(reps), _SIGN_CHUNK):  # chunks keep token lists from piling up
            token_sets = []
            for pos in reps[chunk_start : chunk_start + _SIGN_CHUNK]:
                tokens = token_set(norms[pos])
                if tokens is not None:
                    token_sets.append(tokens)
                    signed.append(pos)
            key_chunks.append(signer.band_keys(token_sets))
        keys = np.concatenate(key_chunks) if key_chunks else np.zeros((0, signer.bands), dtype=np.int64)

        # candidates among the new sentences
        pairs = bucket_pairs(keys)
        for start in range(0, len(pairs), _SIGN_CHUNK):
            chunk = pairs[start : start + _SIGN_CHUNK]
            left = [norms[signed[i]] for i in chunk[:, 0].tolist()]
            right = [norms[signed[j]] for j in chunk[:, 1].tolist()]
            for i, j in chunk[similar(left, right, threshold)].tolist():
                uf.union(ids[signed[i]], ids[signed[j]])

        # candidates among the stored sentences
        if has_stored and signed:
            row_of_key: dict[int, list[int]] = {}
            for row, row_keys in enumerate(keys.tolist()):
                for key in row_keys:
                    row_of_key.setdefault(key, []).append(row)
            checks: list[tuple[int, int, str]] = []
            seen = set()
            for key, _sid, group, text in store.band_matches(list(row_of_key)):
                for row in row_of_key[key]:
                    if (row, group) not in seen:
                        seen.add((row, group))
                        checks.append((row, group, normalise(text)))
            if checks:
                verdicts = similar([norms[signed[r]] for r, _, _ in checks], [t for _, _, t in checks], threshold)
                for (row, group, _), ok in zip(checks, verdicts):
                    if ok:
                        sid = ids[signed[row]]
                        target.setdefault(sid, group)
                        target[sid] = min(target[sid], group)

        # a component joins the smallest stored group any of its members matched
        root_target: dict[int, int] = {}
        for sid, group in target.items():
            root = uf.find(sid)
            root_target[root] = min(group, root_target.get(root, group))
        moved = []
        for pos, sid in enumerate(ids):
            if pinned[pos]:
                moved.append((sid, sid, 1))
                continue
            root = uf.find(sid)
            group = root_target.get(root, root)
            if group != sid:
                moved.append((sid, group, 0))
        store.save_grouping(moved, _band_rows(keys, np.asarray([ids[pos] for pos in signed], dtype=np.int64)))
        _replay_joins(store)
    return {"sentences": len(ids), "joined": sum(1 for _, _, p in moved if not p)}


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
