"""Candidate search: MinHash signatures and LSH band keys (Signer), the pairs of rows sharing a
key (bucket_pairs), and the similarity checks that turn candidates down (similar, _may_reach)."""

from __future__ import annotations

import itertools
import zlib
from collections.abc import Sequence

import numpy as np
from rapidfuzz import fuzz, process

from annotator.dedup.normal import SHORT

BANDS = 10
ROWS = 4
_SIGN_CHUNK = 50_000  # rows or pairs handled at a time (also by grouping.py)
# A band key shared by more sentences than this comes from common words, not from copies: such a
# bucket is skipped (copies also share the keys of their other bands), which keeps candidates few.
_MAX_BUCKET = 24


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


def bucket_pairs(keys: np.ndarray, extra: tuple[np.ndarray, np.ndarray] | None = None,
                 accept=None) -> np.ndarray:
    """Pairs (i, j), i < j, of rows sharing any band key (or any `extra` key: keys and their rows):
    members of a bucket are compared with its first ones. `accept(i, j)`, given arrays, may turn
    pairs down on the way.

    One band at a time, so the working arrays are the size of the corpus, not ten times it.
    """
    if keys.size == 0:
        return np.zeros((0, 2), dtype=np.int64)
    n = keys.shape[0]

    def band_codes():
        for band in range(keys.shape[1]):
            yield _band_pairs(keys[:, band], n)
        if extra is not None and extra[0].size:
            extra_keys, owners = extra
            flat = _band_pairs(extra_keys, extra_keys.size)
            a, b = owners[flat // extra_keys.size], owners[flat % extra_keys.size]
            keep = a != b
            yield np.minimum(a[keep], b[keep]) * n + np.maximum(a[keep], b[keep])

    kept = []
    for codes in band_codes():
        if accept is not None and codes.size:
            codes = codes[accept(codes // n, codes % n)]
        kept.append(codes)
    codes = np.sort(np.concatenate(kept))  # one integer per pair: sorting them dedups fast
    del kept
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


def _may_reach(a: np.ndarray, b: np.ndarray, threshold: float) -> np.ndarray:
    """Which pairs of text lengths allow the threshold: the ratio is at most 2 min / (sum of the
    lengths), as the shorter text can match at most all of itself. A candidate of very different
    length (common words put many such pairs into one band) is turned down without reading its texts."""
    return 200.0 * np.minimum(a, b) >= threshold * (a + b) - 1e-6
