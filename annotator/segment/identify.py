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


# a script and the language whose rules cut a text in it when its language is unknown (too short or too
# unsure for the identifier): the most written of those that use it (its abbreviations, its stops)
_SCRIPTS = (
    (0x0400, 0x04FF, "ru"),  # Cyrillic
    (0x0370, 0x03FF, "el"),  # Greek
    (0x0900, 0x097F, "hi"),  # Devanagari
    (0x0600, 0x06FF, "ar"),  # Arabic
    (0x0530, 0x058F, "hy"),  # Armenian
    (0x3040, 0x30FF, "ja"),  # Hiragana and Katakana
    (0xAC00, 0xD7AF, "ko"),  # Hangul
    (0x4E00, 0x9FFF, "zh"),  # CJK ideographs (Japanese text has kana too, counted first)
)


def by_script(text: str) -> str | None:
    """The language whose rules suit a text of unknown language, from the script most of the letters
    of its opening are written in ("ru" for Cyrillic, "ja" when kana are among Chinese characters),
    or None for the Latin script (English's rules), no letters, or a script with no language here."""
    counts: dict[str, int] = {}
    letters = 0
    for char in text[:_OPENING]:
        if not char.isalpha():
            continue
        letters += 1
        point = ord(char)
        if point < 0x0370:
            continue  # Latin, the common case
        for low, high, code in _SCRIPTS:
            if low <= point <= high:
                counts[code] = counts.get(code, 0) + 1
                break
    if not counts:
        return None
    if counts.get("ja") and counts.get("zh"):  # kana among Chinese characters: Japanese
        counts["ja"] += counts.pop("zh")
    code = max(counts, key=counts.get)
    return code if 2 * counts[code] > letters else None


# a declared language (<html lang>) that the text clearly reads as another: the identifier's
# probability for that other language over the first CONTRADICTION_SAMPLE characters, when they hold
# at least CONTRADICTION_LETTERS letters (a caption or a menu left by the extraction is no evidence)
CONTRADICTION_PROBABILITY = 0.9
CONTRADICTION_SAMPLE = 1_000
CONTRADICTION_LETTERS = 200
_SAME_LANGUAGE = ({"no", "nb", "nn"},)  # Norwegian, and its two written standards


def contradiction(text: str, declared: str) -> str | None:
    """The language the text clearly reads as when that is not `declared` (py3langid's probability at
    least CONTRADICTION_PROBABILITY on a long enough opening), else None; None too for a declared
    language the identifier does not know (it cannot tell Cantonese from Chinese)."""
    identifier = _identifier()
    if declared not in identifier.nb_classes:
        return None
    sample = text[:CONTRADICTION_SAMPLE]
    if sum(c.isalpha() for c in sample) < CONTRADICTION_LETTERS:
        return None
    code, probability = identifier.classify(sample)
    if (code == declared or probability < CONTRADICTION_PROBABILITY
            or any({code, declared} <= same for same in _SAME_LANGUAGE)):
        return None
    return code


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


# codes that name no one language: undetermined, no linguistic content, several languages, a
# language without a code (ISO 639-2), and qaa-qtz, kept for private use (Twitter's `qme` for media
# only, `qht` hashtags only, `qam` mentions only...): the identifier decides, as for no code at all
_UNDETERMINED = frozenset({"und", "zxx", "mul", "mis"})
_PRIVATE_USE = re.compile(r"q[a-t][a-z]")
_PRIVATE_TAG = re.compile(r"[xi](?:[-_][A-Za-z0-9]{1,8})+", re.IGNORECASE)  # x-private, i-grandfathered


@functools.cache
def _cldr() -> tuple[dict[str, str], frozenset[str]]:
    """(alias -> language, every language code) from the Unicode CLDR as babel ships it: the aliases
    map ISO 639-2 (`ger`, `fre`), ISO 639-3 (`deu`, `cmn`) and withdrawn codes (`in`, `iw`, `jw`,
    `mo`) to the code in use; the languages are those of its likely-subtags table (about 7,300,
    nearly all of ISO 639-3), its language names and its aliases."""
    from babel import Locale
    from babel.core import get_global

    aliases = {code: target.split("_")[0] for code, target in get_global("language_aliases").items()}
    known = {tag.split("_")[0] for tag in get_global("likely_subtags")}
    known |= {tag.split("_")[0] for tag in Locale("en").languages}
    return aliases, frozenset(known | set(aliases))


def given(code: str | None) -> str | None:
    """A language code as a source gives it made the stored form: its ISO 639-1 code where the
    language has one ("de-AT", "pt_BR", " EN ", "ger", "deu", "in", "zh-Hans" -> "de", "pt", "en",
    "de", "de", "id", "zh"), else its ISO 639-3 code ("yue"). None for an empty value and for a
    code that names no one language (`und`, `zxx`, `mul`, `mis`, private use such as `qme`): the
    identifier then decides. Raises ValueError for a value that is no language code (`xx`, `jp`)."""
    if code is None or not str(code).strip():
        return None
    value = str(code).strip()
    if _PRIVATE_TAG.fullmatch(value):
        return None
    if not _CODE.fullmatch(value):
        raise ValueError(f"{value!r} is not a language code (such as en, de, pt-BR)")
    primary = base_code(value)
    if primary in _UNDETERMINED or _PRIVATE_USE.fullmatch(primary):
        return None
    aliases, known = _cldr()
    target = aliases.get(primary, primary)
    # CLDR folds a few ISO 639-1 codes into a three-letter one (`tl` -> `fil`): the two letters stay
    code = primary if len(primary) == 2 and len(target) > 2 else target
    if code not in known:
        raise ValueError(f"{value!r} is not a language code{_territory_hint(primary)}")
    return code


def _territory_hint(code: str) -> str:
    """ " (JP is a country: its language is ja)" for a country code given as a language, else the
    usual examples."""
    if len(code) == 2:
        from babel import Locale, UnknownLocaleError

        try:
            likely = Locale.parse(f"und_{code.upper()}")
        except (UnknownLocaleError, ValueError):
            likely = None
        if likely is not None and likely.territory == code.upper():
            return f" ({code.upper()} is a country: its language is {likely.language})"
    return " (such as en, de, pt-BR)"
