"""The "same facts" guard: two sentences that read alike are near-copies only when they state the
same numbers and the same negations. Interface: same_facts(a_norm, b_norm) -> bool, on normalised
texts (normal.normalise); numbers and negations are what it compares."""

from __future__ import annotations

import re

from annotator.dedup.normal import _WORD

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
    if len(_FACT_CACHE) > 100_000:
        _FACT_CACHE.clear()
    # most sentences state no number and no negation: their words say so at a fraction of the regexes' cost
    tokens = set(_WORD.findall(norm))
    has_numbers = _DIGIT.search(norm) is not None or not tokens.isdisjoint(_NUMBER_TOKENS)
    has_negations = "'" in norm or not tokens.isdisjoint(_NEGATION_TOKENS)
    value = _FACT_CACHE[norm] = (tuple(numbers(norm)) if has_numbers else (),
                                 tuple(negations(norm)) if has_negations else ())
    return value


_DIGIT = re.compile(r"\d")
_NUMBER_TOKENS = frozenset(_NUMBER_WORDS) | frozenset(word + "s" for word in _NUMBER_WORDS)
_NEGATION_TOKENS = frozenset(["not", "no", "never", "without", "cannot"]) | frozenset(
    stem + "nt" for stem in "do does did is are was were can could would should wo has have had must need ai".split())
