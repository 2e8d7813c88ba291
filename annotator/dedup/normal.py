"""Normalisation and words: the normalised text a sentence is compared by, its hash, and the word set
its MinHash signature is made of (short sentences have none and are grouped only by exact match)."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from annotator.invisible import strip_invisible

MIN_WORDS = 4
SHORT = 6  # word sets this small also get leave-one-out keys (Signer.short_keys)

_QUOTES = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'", "\u00b4": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
})
_WORD = re.compile(r"\w+")
_PLURAL = re.compile(r"(?<=[^\Ws]{3})s\b")
_MONTH = re.compile(r"\b(january|february|march|april|june|july|august|september|october|november|december|sept)\b")


def _month_abbreviation(found: re.Match) -> str:
    return found.group()[:3]
_STOPWORDS = frozenset(
    "a an the and or but of to in on at by for with from as is are was were be been it its this that "
    "these those he she they we you i his her their our your not no".split()
)


# a superscript or subscript digit kept apart from the digits before it ("10³" is 10 to the power 3)
_SUPERSCRIPTS = {ord(c): "^" + unicodedata.normalize("NFKC", c) for c in "\u00b9\u00b2\u00b3\u2070\u2074\u2075\u2076\u2077\u2078\u2079"}


def normalise(text: str) -> str:
    """NFKC, case-folded, quotes and dashes unified, invisible characters (soft hyphens, zero-width
    spaces: annotator.invisible) dropped, white space collapsed."""
    if not text.isascii():  # NFKC leaves ASCII as it is; it would make "10³" "103"
        text = unicodedata.normalize("NFKC", strip_invisible(text).translate(_SUPERSCRIPTS))
    return " ".join(text.casefold().translate(_QUOTES).split())


def norm_hash(norm: str) -> int:
    """A stable signed 64-bit hash of a normalised sentence (SQLite integers are signed)."""
    return int.from_bytes(hashlib.blake2b(norm.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big", signed=True)


# a thousands separator of any locale between digit groups: the word set holds the number once
_DIGIT_GROUP = re.compile(r"\d[,.'\u00a0\u202f ]\d{3}")
_DIGIT_GROUPS = re.compile(r"(?<=\d)[,.'\u00a0\u202f ](?=\d{3}(?!\d))")
# the scripts written without spaces: kana, CJK ideographs, Thai (the same-fact guard reads them a
# character at a time)
UNSPACED_SCRIPTS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0e7f"
_UNSPACED = re.compile(f"[{UNSPACED_SCRIPTS}]")
_UNSPACED_RUN = re.compile(f"[{UNSPACED_SCRIPTS}]+")


def _shingles(tokens: list[str]) -> list[str]:
    """Each word as it is, but a run of characters of a script without spaces as its pairs of
    adjacent characters ("国务院周二" -> "国务", "务院", "院周", "周二")."""
    out = []
    for token in tokens:
        last = 0
        for run in _UNSPACED_RUN.finditer(token):
            if run.start() > last:
                out.append(token[last : run.start()])
            chars = run.group()
            out.extend(chars[n : n + 2] for n in range(max(1, len(chars) - 1)))
            last = run.end()
        if last < len(token):
            out.append(token[last:])
    return out


def words(norm: str) -> list[str]:
    """The words of a normalised sentence; apostrophes are dropped first, so "don't" and "dont",
    "hp's" and "hps" are the same word."""
    return _WORD.findall(norm.replace("'", "") if "'" in norm else norm)


def token_set(norm: str) -> list[str] | None:
    """The word set a signature is made of, or None for a sentence too short for near matching.

    In a short set a plural "s" is dropped ("figures" is "figure") and months are cut to three
    letters ("january" is "jan"): with few words, one such edit would otherwise leave too little
    in common for the candidate search to pair the two. A number's thousands separators are dropped
    ("12,500", "12.500" and "12 500" are one word, "12500"). Chinese, Japanese and Thai, written
    without spaces, give pairs of adjacent characters (shingles) in place of words.
    """
    tokens = words(_DIGIT_GROUPS.sub("", norm) if _DIGIT_GROUP.search(norm) else norm)  # "12,500" as "12500"
    if not norm.isascii() and _UNSPACED.search(norm):
        tokens = _shingles(tokens)
    if len(tokens) < MIN_WORDS:
        return None
    content = set(tokens)
    kept = content - _STOPWORDS
    chosen = kept if len(kept) >= 2 else content
    if len(chosen) <= SHORT:
        chosen = set(_PLURAL.sub("", _MONTH.sub(_month_abbreviation, " ".join(chosen))).split())
    return list(chosen)
