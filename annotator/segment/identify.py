"""The language of a document: given by its source, or identified from its text by py3langid."""

from __future__ import annotations

import functools
import re
from collections import Counter
from itertools import chain

from annotator.segment.rules import base_code, common_words

# the opening of a document is enough to tell its language (py3langid is right on every one of 476
# paragraphs of four news sentences in 20 languages from their first 120 characters), and
# identification then costs the same for a page as for a book
SAMPLE = 120
_OPENING = 250  # characters whose words the common-words look reads (50 words or so; more changed no answer)
_CODE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*")
_WORD = re.compile(r"[^\W\d_]+")
# an opening whose first words are at least this share of one language's most frequent words (and
# no more than a third of that of any other's) is that language: a dictionary look per word instead
# of the identifier's model, ten times quicker, for the languages most documents are in
_COMMON_SHARE = 0.25
_COMMON_WORDS_LOOKED_AT = 50


# py3langid's model also knows rare languages under three-letter codes, and takes wire tables
# ("Shr 28 cts vs 22 cts") for Nigerian Pidgin or Volapük: the languages it may answer are those
# with an ISO 639-1 code, less the constructed ones
_NOT_NEWS = frozenset({"vo", "eo"})
# the identifier's probability (normalised over the languages it may answer) under which a text's
# language is left unknown. Measured on the first 120 characters: the 4,810 paragraphs of four news
# sentences of 21 UD treebanks that the common words do not settle all score 0.50 or more (the lowest
# are Indonesian, close to Malay), while 94% of made-up text (benchmarks/synth.py) scores under 0.5;
# given a language at random, such text is cut by that language's rules, and sentencex reads a few
# languages (Danish, Catalan, Occitan) at 0.3 MB/s, a hundred times slower than the others
MIN_PROBABILITY = 0.5


@functools.cache
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier  # its model ships in the package

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(sorted({c for c in identifier.nb_classes if len(c) == 2} - _NOT_NEWS))
    return identifier


def identify(text: str) -> str | None:
    """The ISO 639-1 code of the text's language ("de"), from its opening (its first words, else its
    first SAMPLE characters); None when the text has no letters to judge by, or the identifier is
    not sure (probability under MIN_PROBABILITY; py3langid, Lui and Baldwin 2012, langid.py)."""
    opening = text[:_OPENING]
    if not any(c.isalpha() for c in opening):
        return None
    common = by_common_words(opening)
    if common:
        return common
    code, probability = _identifier().classify(text[:SAMPLE])
    return code if probability >= MIN_PROBABILITY else None


def by_common_words(sample: str) -> str | None:
    """The language whose most frequent words (`common_words` in languages.toml) fill the sample's
    first words, or None when none does clearly (too few words, or two languages alike)."""
    words = _WORD.findall(sample[:_OPENING].lower())[:_COMMON_WORDS_LOOKED_AT]
    if len(words) < 12:
        return None
    # a word's languages, counted at C speed: this runs for nearly every document imported
    counts = Counter(chain.from_iterable(filter(None, map(common_words().get, words))))
    if not counts:
        return None
    ranked = sorted(counts.values(), reverse=True)
    best = max(counts, key=counts.get)
    if ranked[0] >= _COMMON_SHARE * len(words) and (len(ranked) < 2 or ranked[1] * 3 <= ranked[0]):
        return best
    return None


def given(code: str | None) -> str | None:
    """A language code as a source gives it ("de-AT", "pt_BR", " EN ") made the stored form ("de",
    "pt", "en"); None for an empty value. Raises ValueError for a value that is no language code."""
    if code is None or not str(code).strip():
        return None
    value = str(code).strip()
    if not _CODE.fullmatch(value):
        raise ValueError(f"{value!r} is not a language code (such as en, de, pt-BR)")
    return base_code(value)
