"""What the same-fact guard knows of each language, gathered once per language.

- month and weekday names (wide and abbreviated, in every grammatical form CLDR gives) and the words
  for the days around today (yesterday, today, tomorrow and the days either side), from the Unicode
  CLDR through babel;
- number magnitudes ("Milliarden", "Mrd.", "млн", "万") from CLDR's compact decimal formats (babel),
  with the wire abbreviations CLDR does not list ("bn", "mln");
- lemmas from simplemma (Barbaresi 2021, "Simplemma: a simple multilingual lemmatizer for Python");
- function words and articles from Universal Dependencies treebanks (function_words.json, built by
  scripts/function_words.py);
- negation words and affixes and antonym pairs from negations.toml, the guard's own data, and the
  forms a treebank marks Polarity=Neg (so Swedish "inte" or Indonesian "tidak" count as negations even
  where negations.toml has no table).

A language the data does not know gets what CLDR and the treebanks know of it, or nothing: the guard
then keeps apart every difference in a content word, which only costs a unit more to label.
"""

from __future__ import annotations

import functools
import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

_HERE = Path(__file__).parent
# languages simplemma lemmatises that the guard may meet (simplemma.strategies: its data files)
_LEMMA_LANGUAGES = frozenset(
    "ast bg ca cs cy da de el en enm es et fa fi fr ga gd gl gv hbs hi hu hy id is it ka la lb lt lv mk ms nb nl "
    "nn pl pt ro ru se sk sl sq sv sw tl tr uk".split())
_NOUNS_CAPITALISED = frozenset({"de", "lb"})
# text2num (Alain Hernandez, text_to_num) reads number words in these languages
NUMBER_WORD_LANGUAGES = frozenset("en fr es pt de it nl".split())
# wire and press abbreviations of magnitudes that CLDR's compact formats do not give
_WIRE_MAGNITUDES = {"bn": 9, "bln": 9, "mln": 6, "mn": 6, "tn": 12, "trn": 12}  # "$2bn" in any language
_EXTRA_MAGNITUDES = {
    "en": {"m": 6, "k": 3, "billions": 9, "millions": 6, "thousands": 3},
    "zh": {"萬": 4, "億": 8, "千": 3, "百万": 6, "千万": 7},
    "ja": {"千": 3, "百万": 6, "千万": 7},
    "hi": {"बिलियन": 9, "मिलियन": 6, "ट्रिलियन": 12, "हजार": 3},
    # "bilião" is European Portuguese, 10^12 (Brazil writes "bilhão", 10^9; text2num reads both as 10^9)
    "pt": {"bilhões": 9, "bilhão": 9, "milhões": 6, "milhão": 6, "mil": 3, "bilião": 12, "biliões": 12,
           "trilião": 18, "triliões": 18},
    "de": {"mio": 6, "mrd": 9, "tsd": 3},
    "fr": {"md": 9, "mds": 9, "mrd": 9, "mrds": 9},
    "es": {"mm": 6, "mill": 6},
    "it": {"mln": 6, "mld": 9, "mrd": 9, "miliardi": 9, "milioni": 6},
    "pl": {"tys": 3, "mln": 6, "mld": 9},
    "ru": {"тыс": 3, "млн": 6, "млрд": 9},
    "uk": {"тис": 3, "млн": 6, "млрд": 9},
    "bg": {"хил": 3, "млн": 6, "млрд": 9},
}
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Knowledge:
    """The guard's knowledge of one language; every word case-folded, without apostrophes."""

    code: str
    negations: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()
    suffixes: tuple[str, ...] = ()
    infixes: tuple[str, ...] = ()
    antonyms: frozenset[frozenset[str]] = frozenset()
    dates: frozenset[str] = frozenset()
    magnitudes: dict[str, int] = field(default_factory=dict)
    function_words: frozenset[str] = frozenset()
    articles: frozenset[str] = frozenset()
    aux_tenses: dict[str, str] = field(default_factory=dict)  # "was" -> "Past": the treebank's Tense and Mood
    number_words: bool = False
    numerals: dict[str, int] = field(default_factory=dict)  # a number written as one word -> its value
    percent_words: tuple[str, ...] = ()
    tenses: tuple[tuple[str, str], ...] = ()  # (ending, tense), longest endings first
    accents: dict[str, str] = field(default_factory=dict)  # "ó" -> "ô": one letter in two standards
    half_words: tuple[str, ...] = ()  # "et demi": a half more than the number before
    variants: dict[str, str] = field(default_factory=dict)  # a word -> the form it is one word with ("у" -> "в")

    @functools.cached_property
    def not_function_words(self) -> frozenset[str]:
        """Words the treebank may call function words that still state a fact: negations, dates."""
        return self.negations | self.dates

    @functools.cached_property
    def numeral_stems(self) -> frozenset[str]:
        """The first letter of each number word: only a word that starts so is lemmatised to look for
        an inflected number ("четырех"; Ukrainian "семи" is "сім", its vowel changes)."""
        return frozenset(word[:1] for word in self.numerals)

    def lemma(self, word: str) -> str:
        """The word's lemma, case-folded (the word itself where simplemma has no data)."""
        return _lemma(self.code, word)

    def tense(self, word: str) -> str | None:
        """The tense a word's ending marks ("aprobará" -> "future"), or None: the ending must leave a stem
        ("será", "müsste"; negations.toml's `tense`)."""
        for ending, tense in self.tenses:
            if word.endswith(ending) and len(word) > len(ending):
                return tense
        return None

    def is_word(self, word: str) -> bool | None:
        """Is the word (case-folded) in the language's dictionary (simplemma's word forms)? None where
        simplemma has no dictionary of the language."""
        return _is_word(self.code, word) if self.code in _LEMMA_LANGUAGES else None


def fold(word: str) -> str:
    """The form words are compared in: case-folded, apostrophes dropped ("don't" = "dont")."""
    return word.casefold().replace("'", "").replace("\u2019", "")


@functools.cache
def knowledge(code: str | None) -> Knowledge:
    """What the guard knows of a language (ISO 639-1, e.g. "de"); None or an unknown code gets the
    language-independent part only. Loaded once per language."""
    code = (code or "").split("-")[0].lower()
    own = _negation_tables().get(code, {})
    functions = _function_words().get(code, {})
    return Knowledge(
        code=code,
        negations=frozenset(fold(w) for w in own.get("words", [])) | frozenset(functions.get("negations", [])),
        prefixes=tuple(sorted((fold(p) for p in own.get("prefixes", [])), key=len, reverse=True)),
        suffixes=tuple(fold(s) for s in own.get("suffixes", [])),
        infixes=tuple(fold(s) for s in own.get("infixes", [])),
        antonyms=frozenset(frozenset(fold(w) for w in pair) for pair in own.get("antonyms", [])),
        dates=_date_words(code),
        magnitudes=_magnitudes(code),
        function_words=frozenset(functions.get("function_words", [])) - frozenset(fold(w) for w in own.get("modals", [])),
        articles=frozenset(functions.get("articles", [])),
        aux_tenses=functions.get("tenses", {}),
        number_words=code in NUMBER_WORD_LANGUAGES,
        numerals=_numerals(code, own.get("numerals", {})),
        percent_words=tuple(own.get("percent", [])),
        tenses=tuple(sorted(((fold(e), tense) for tense, endings in own.get("tense", {}).items() for e in endings),
                            key=lambda pair: -len(pair[0]))),
        half_words=tuple(own.get("half", [])),
        accents={other: pair[0] for pair in own.get("accents", []) for other in pair[1:]},
        variants={fold(w): fold(pair[0]) for pair in own.get("variants", []) for w in pair[1:]},
    )


@functools.cache
def _negation_tables() -> dict:
    return tomllib.loads((_HERE / "negations.toml").read_text(encoding="utf-8"))


@functools.cache
def _function_words() -> dict:
    return json.loads((_HERE / "function_words.json").read_text(encoding="utf-8"))


def _locale(code: str):
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(code) if code else None
    except (UnknownLocaleError, ValueError):
        return None


def _numerals(code: str, own: dict[str, int]) -> dict[str, int]:
    """Numbers written as one word, from 0 to 100, the hundreds and a thousand: num2words (Virgil Dupras
    and contributors), read backwards, where it knows the language; else negations.toml's `numerals`."""
    out = {fold(word): value for word, value in own.items()}
    try:
        from num2words import num2words

        for value in list(range(0, 101)) + list(range(200, 1000, 100)) + [1000]:
            word = num2words(value, lang=code)
            if " " not in word and "-" not in word:
                out.setdefault(fold(word), value)
    except (ImportError, NotImplementedError, OverflowError, ValueError, TypeError, KeyError):
        pass
    return out


@functools.cache
def date_values(code: str) -> dict[str, str]:
    """A month or weekday name, whole or abbreviated, in every form CLDR has -> which month or day it
    is ("jan" and "january" -> "month 1"): two names of one date are one date."""
    locale = _locale(code)
    out: dict[str, str] = {}
    if locale is None:
        return out
    for kind, table in (("month", locale.months), ("day", locale.days)):
        for context in table.values():  # "format", "stand-alone"
            for width, values in context.items():
                if width == "narrow":  # one letter: "M" would be every word's initial
                    continue
                for number, name in values.items():
                    for word in _WORD.findall(name.replace("'", "")):
                        out.setdefault(fold(word), f"{kind} {number}")
    return out


def _date_words(code: str) -> frozenset[str]:
    """Month and weekday names and the days around today, every form CLDR has, as words."""
    locale = _locale(code)
    if locale is None:
        return frozenset()
    names: set[str] = set()
    for table in (locale.months, locale.days):
        for context in table.values():  # "format", "stand-alone"
            for width, values in context.items():
                if width == "narrow":  # one letter: "M" would be every word's initial
                    continue
                names.update(values.values())
    for entry in ("day", "day-short"):
        relative = locale._data.get("date_fields", {}).get(entry, {}).get("relative", {})
        names.update(relative.values())
    words = set()
    for name in names:
        words.update(fold(w) for w in _WORD.findall(name.replace("'", "")) if len(w) > 1 or not w.isascii())
    return frozenset(words)


def _magnitudes(code: str) -> dict[str, int]:
    """word -> power of ten ("milliarden" -> 9, "mrd" -> 9, "万" -> 4), from CLDR's compact decimal formats:
    a pattern "00 Milliarden" under 10000000000 is 10^9."""
    out: dict[str, int] = {}
    locale = _locale(code)
    if locale is not None:
        for form in locale.compact_decimal_formats.values():
            for patterns in form.values():
                for key, pattern in patterns.items():
                    text = pattern.pattern if hasattr(pattern, "pattern") else str(pattern)
                    power = key.count("0") - (text.count("0") - 1)
                    word = fold(text.replace("0", "").replace("'", "").strip().rstrip("."))
                    if word and " " not in word and (len(word) > 1 or not word.isascii()):
                        out.setdefault(word, power)
    out.update(_WIRE_MAGNITUDES)
    out.update(_EXTRA_MAGNITUDES.get(code, {}))
    return out


@functools.lru_cache(maxsize=50_000)
def _is_word(code: str, word: str) -> bool:
    import simplemma

    try:
        return simplemma.is_known(word, lang=code)
    except ValueError:
        return False


@functools.lru_cache(maxsize=200_000)
def _lemma(code: str, word: str) -> str:
    if code not in _LEMMA_LANGUAGES:
        return fold(word)
    import simplemma

    try:
        lemma = fold(simplemma.lemmatize(word, lang=code))
        # "Revs" opening a sentence is "revs"; German writes every noun capitalised ("Krieg" is no "kriegen")
        if lemma == fold(word) and not word.islower() and code not in _NOUNS_CAPITALISED:
            lemma = fold(simplemma.lemmatize(word.lower(), lang=code))
        return lemma
    except ValueError:
        return fold(word)
