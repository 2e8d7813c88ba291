"""The per-language rules of the segmenter, read from `languages.toml` (data a contributor extends)."""

from __future__ import annotations

import dataclasses
import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

_DATA = Path(__file__).with_name("languages.toml")

# the rules the engine knows; a name in languages.toml that is not here is a typo
RULES = frozenset(
    "instrument_codes lone_list_marker list_items lower_case_after_quote free_ellipsis wordless_pieces "
    "final_words titles number_words clock_times speaker_after_quote ellipsis_run split_opening_quote "
    "ordinal_numbers abbreviations ellipsis_end number_opens_sentence lower_case_text capital_acronyms".split()
)


@dataclass(frozen=True)
class Language:
    """What the segmenter applies to one language: `code` is what sentencex is told (ISO 639-1)."""

    code: str
    stops: frozenset[str]
    openers: frozenset[str]
    closers: frozenset[str]
    titles: frozenset[str]
    number_words: frozenset[str]
    time_followers: frozenset[str]
    final_words: tuple[str, ...]
    final_stops: tuple[str, ...]  # each final word with its stop ("etc.")
    speech_verbs: frozenset[str]
    abbreviations: frozenset[str]
    ordinal_before: frozenset[str]
    months: frozenset[str]
    quote_particles: tuple[str, ...]
    units: frozenset[str]
    unit_stops: tuple[str, ...]  # each unit with its stop ("г.")
    rules: frozenset[str]
    abbreviation_endings: tuple[str, ...] = ()  # how an abbreviated word ends ("Bahnhofstr.": "str")
    unit_followers: frozenset[str] = frozenset()  # words that go on from a unit ("долл. США")
    quotes: str = ""  # every double quote mark of the language, opening or closing
    quote_mark: re.Pattern | None = None  # finds one of them
    final_word: re.Pattern | None = None  # finds a final word and its stop before a word
    unit_word: re.Pattern | None = None  # finds a unit and its stop before a word
    all_lower_case: bool = False  # the document has no capital letter at all

    @functools.cached_property
    def without_final_words(self) -> Language:
        """The same rules for a text in which no final word occurs."""
        return dataclasses.replace(self, final_words=(), final_stops=(), final_word=None)

    @functools.cached_property
    def in_lower_case(self) -> Language:
        """The same rules for a document written in lower case only (`lower_case_text`)."""
        return dataclasses.replace(self, all_lower_case=True)

    @functools.cached_property
    def lowered_abbreviations(self) -> frozenset[str]:
        """Every abbreviation, title and number word of the language, in lower case."""
        return frozenset(word.lower() for word in self.abbreviations | self.titles | self.number_words
                         | set(self.final_words) | self.units)


@functools.cache
def _tables() -> dict:
    return tomllib.loads(_DATA.read_text(encoding="utf-8"))


@functools.cache
def common_words() -> dict[str, tuple[str, ...]]:
    """word -> the languages among whose most frequent words languages.toml lists it."""
    index: dict[str, list[str]] = {}
    for code, table in _tables().items():
        for word in table.get("common_words", []):
            index.setdefault(word, []).append(code)
    return {word: tuple(codes) for word, codes in index.items()}


def base_code(language: str | None) -> str:
    """ "de-AT", "pt_BR", "EN" -> "de", "pt", "en"; None or "" -> "en"."""
    code = (language or "en").strip().replace("_", "-").split("-", 1)[0].lower()
    return code or "en"


@functools.cache
def language(code: str | None) -> Language:
    """The rules for a language code ("de", "pt-BR"); a code with no table gets the default rules.

    Raises ValueError when languages.toml names a rule the engine does not know."""
    tables = _tables()
    base = base_code(code)
    default, own = tables["default"], tables.get(base, {})

    def joined(key: str) -> list:
        return list(default.get(key, [])) + list(own.get(key, []))

    rules = (set(joined("rules")) - set(own.get("drop_rules", [])))
    unknown = rules - RULES
    if unknown:
        raise ValueError(f"languages.toml: unknown rule {sorted(unknown)[0]!r} for {base}")
    pairs = joined("quotes")
    quotes = "".join(sorted({mark for pair in pairs for mark in pair}))
    final_words = joined("final_words")
    units = joined("units")
    return Language(
        code=base,
        stops=frozenset(default.get("stops", "") + own.get("stops", "")),
        openers=frozenset(pair[0] for pair in pairs),
        closers=frozenset(pair[1] for pair in pairs),
        titles=frozenset(joined("titles")),
        number_words=frozenset(joined("number_words")),
        time_followers=frozenset(joined("time_followers")),
        final_words=tuple(final_words),
        final_stops=tuple(word + "." for word in final_words),
        speech_verbs=frozenset(joined("speech_verbs")),
        abbreviations=frozenset(joined("abbreviations")),
        ordinal_before=frozenset(joined("ordinal_before")),
        months=frozenset(joined("months")),
        quote_particles=tuple(joined("quote_particles")),
        units=frozenset(units),
        unit_stops=tuple(word + "." for word in units),
        rules=frozenset(rules),
        abbreviation_endings=tuple(joined("abbreviation_endings")),
        unit_followers=frozenset(joined("unit_followers")),
        quotes=quotes,
        quote_mark=re.compile("[" + re.escape(quotes) + "]"),
        final_word=re.compile(r"(?<![\w.])(?:" + "|".join(map(re.escape, final_words)) + r")\.(?=\s+(?!(?:[IVXLC]{2,}|[VXLC])\b)\w)")
        if final_words else None,
        unit_word=re.compile(r"(?<![\w.])(?:" + "|".join(map(re.escape, units)) + r")\.(?=\s+(?![IVXLC]+\b)\w)") if units else None,
    )
