"""The same-fact guard: may two sentences that read alike (a fuzzy ratio at or above the threshold)
share one unit, whose label is copied to both?

Only when every difference between them is harmless. The two sentences are cut into tokens (words,
numbers as values, and in Chinese, Japanese and Thai single characters) and aligned
(difflib.SequenceMatcher, Ratcliff and Obershelp's matching); each stretch where they differ is read
token by token, and is harmless when it is:

- punctuation, case, white space or invisible characters (which make no token);
- the same number however written: thousands separators of the document's locale and any other,
  decimal commas ("3,5" = "3.5"), magnitudes ("$2bn" = "$2 billion", "5 Mrd." = "5 Milliarden": CLDR
  compact formats through babel), number words ("twelve" = "12": text2num), Arabic-Indic, Persian,
  Devanagari and other digits;
- the same lemma ("says" / "said", "Verträge" / "Vertrag": simplemma) or the same word spelled one
  edit apart ("organise" / "organize", "centre" / "center": optimal string alignment distance 1,
  words of five letters or more);
- a function word added or dropped ("said that the" / "said the", Chinese "了"), or one article for
  another ("a" / "the"): the closed classes of the language's Universal Dependencies treebank.

Any other difference keeps the two apart, and says which kind it is: a number ("12,500" / "12,800"),
a negation (a negation word, a negative prefix or suffix: "likely" / "unlikely", Turkish "geldi" /
"gelmedi"; negations.toml), a name (a capitalised word that does not open the sentence, in a script
with case: "Graz" / "Gaza"), a date (a month, a weekday, yesterday / today / tomorrow: CLDR), an
antonym (negations.toml: "profit" / "loss"), or another word. A group that misses a true copy costs
one more label; a group that holds two facts writes a wrong row into someone's data.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from rapidfuzz.distance import OSA

from annotator.dedup.facts.knowledge import Knowledge, fold, knowledge
from annotator.invisible import strip_invisible

__all__ = ["Difference", "Token", "compare", "same_facts", "tokens"]


@dataclass(frozen=True)
class Difference:
    """A harmful difference: `kind` is one of "number", "negation", "name", "date", "antonym", "word";
    `a` and `b` are what each sentence has there as written ("" where it has nothing)."""

    kind: str
    a: str
    b: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.a or '(nothing)'} / {self.b or '(nothing)'}"


@dataclass(frozen=True)
class Token:
    """A token as written (`text`), the form it is compared in (`key`: case-folded word, or "#" and the
    number's value), and whether it is a number or a name (capitalised, not opening the sentence)."""

    text: str
    key: str
    number: bool = False
    name: bool = False


_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0e7f"
_MARKS = "".join(chr(c) for c in range(0x300, 0x10000) if unicodedata.category(chr(c)) in ("Mn", "Mc", "Me")
                 and not "\u0e00" <= chr(c) <= "\u0e7f")
_TOKEN = re.compile(
    rf"(?P<cjk>[{_CJK}])"
    r"|(?P<number>\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?(?!\d)|\d+(?:[.,'\u2019]\d+)*)"
    rf"|(?P<word>(?:[^\W\d_{_CJK}]|[{_MARKS}])+)"
    r"|(?P<sign>[$\u20ac\u00a3\u00a5\u20b9\u20bd%\u2030])"
)
# digits of every script as ASCII (NFKC leaves Arabic-Indic, Persian, Devanagari... as they are), and
# the Arabic decimal and thousands separators
_DIGITS = {c: str(unicodedata.decimal(chr(c))) for c in range(0x80, 0x10000)
           if unicodedata.category(chr(c)) == "Nd"} | {0x066B: ".", 0x066C: ","}
# English negative contractions, with or without their apostrophe ("don't", "dont", "won't", "cant")
_CONTRACTIONS = re.compile(
    r"\b(?:(wo)|(ca)|(sha)|(ai)|(do|does|did|is|are|was|were|could|would|should|has|have|had|must|need|might|dare))"
    r"n['\u2019]?t\b", re.IGNORECASE)
_INNER_APOSTROPHE = re.compile(r"(?<=\w)['\u2019](?=\w)|(?<=s)['\u2019](?!\w)")
_PERCENT_WORDS = re.compile(
    r"\b(?:per ?cent|percent|pct|pour ?cent|por ?ciento|por ?cento|per ?cento|prozent|procent|procento|"
    r"proz|процент(?:а|ов)?|відсот(?:ок|ки|ків)|yüzde)\b", re.IGNORECASE)
_DATELINE = re.compile(r"^[^\W\d][\w .'/-]{0,40}, [a-z]{3,9}\.? \d{1,2}(?:, \d{4})? \([^)]{1,40}\) ?-{1,2} ",
                       re.IGNORECASE)
_CJK_CHAR = re.compile(f"[{_CJK}]")


def compare(a: str, b: str, language: str | None = None, language_b: str | None = None) -> tuple[Difference, ...]:
    """The harmful differences between two sentences (as written) in a language (ISO 639-1; the
    second's, if given, may differ); none when they state the same facts."""
    known = knowledge(language or language_b)
    left, right = tokens(a, language), tokens(b, language_b or language)
    if [t.key for t in left] == [t.key for t in right]:
        return ()  # the common case of a true copy: punctuation, case and spacing apart, the same
    found: list[Difference] = []
    matcher = difflib.SequenceMatcher(None, [t.key for t in left], [t.key for t in right], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "equal":
            found.extend(_block(left[i1:i2], right[j1:j2], known))
    return tuple(found)


def same_facts(a: str, b: str, language: str | None = None) -> bool:
    """Do the two sentences differ only harmlessly (see the module's docstring)?"""
    return not compare(a, b, language)


@functools.lru_cache(maxsize=100_000)
def tokens(text: str, language: str | None = None) -> tuple[Token, ...]:
    """The tokens of a sentence as the guard compares them (see Token), in order."""
    known = knowledge(language)
    text = unicodedata.normalize("NFKC", strip_invisible(text)) if not text.isascii() else text
    text = _DATELINE.sub("", text.translate(_DIGITS), count=1)
    if known.code in ("en", ""):
        text = _CONTRACTIONS.sub(_expand, text)
    if "'" in text or "\u2019" in text:  # "HP's" = "HPs", "analysts'" = "analysts", as words() has it
        text = _INNER_APOSTROPHE.sub("", text)
    if known.number_words:
        text = _number_words(text, known.code)
    text = _PERCENT_WORDS.sub("%", text)
    out: list[Token] = []
    found = list(_TOKEN.finditer(text))
    n = 0
    first_word = True
    while n < len(found):
        match = found[n]
        kind, value = match.lastgroup, match.group()
        if kind == "number":
            number = _value(value, known.code)
            if n + 1 < len(found) and found[n + 1].lastgroup in ("word", "cjk"):
                power = known.magnitudes.get(fold(found[n + 1].group()))
                if power is not None and number is not None:
                    number *= Decimal(10) ** power
                    value += " " + found[n + 1].group()
                    n += 1
            key = "#" + (_plain(number) if number is not None else value)
            if out and out[-1].number and number is not None and _is_magnitude(number) and \
                    (earlier := _value_of(out[-1])) is not None and earlier < 1000:
                # text2num wrote "2 billion" as "2 1000000000": one number
                out[-1] = Token(out[-1].text + " " + value, "#" + _plain(earlier * number), number=True)
                n += 1
                continue
            out.append(Token(value, key, number=True))
        elif kind == "cjk":
            numeral = unicodedata.numeric(value, None)
            if numeral is not None and value not in "\u5341\u767e\u5343\u4e07\u842c\u4ebf\u5104":
                out.append(Token(value, "#" + _plain(Decimal(str(numeral))), number=True))
            else:
                out.append(Token(value, value))
        elif kind == "word":
            key = fold(value)
            out.append(Token(value, key, name=not first_word and value[0].isupper()))
            first_word = False
        else:
            out.append(Token(value, value))
        n += 1
    return tuple(out)


def _is_magnitude(value: Decimal) -> bool:
    return value >= 1000 and value == Decimal(10) ** (len(str(int(value))) - 1)


def _value_of(token: Token) -> Decimal | None:
    try:
        return Decimal(token.key[1:])
    except InvalidOperation:
        return None


def _expand(found: re.Match) -> str:
    """ "won't" -> "will not", "can't"/"cant" -> "can not", "don't"/"dont" -> "do not"."""
    for group, stem in ((1, "will"), (2, "can"), (3, "shall"), (4, "is")):
        if found.group(group):
            return stem + " not"
    return found.group(5) + " not"


def _number_words(text: str, code: str) -> str:
    """Number words written as digits ("twelve thousand" -> "12000"), where text2num knows the language."""
    if not any(c.isalpha() for c in text):
        return text
    try:
        from text_to_num import alpha2digit

        return alpha2digit(text, code)
    except (ImportError, ValueError):
        return text


@functools.lru_cache(maxsize=50_000)
def _value(written: str, code: str) -> Decimal | None:
    """The value of a number as written: in the document's locale first, else as English or German
    write it ("12,500" is 12500 in English and 12.5 in German), else its digits; None if none fits."""
    plain = written.replace(" ", "").replace("\u00a0", "").replace("\u202f", "").replace("'", "").replace("\u2019", "")
    if "," not in plain and "." not in plain:
        return Decimal(plain)
    from babel.numbers import NumberFormatError, parse_decimal

    for locale in dict.fromkeys((code or "en", "en", "de")):
        try:
            return parse_decimal(plain, locale=locale, strict=True)
        except (NumberFormatError, ValueError, InvalidOperation):
            continue
        except Exception:  # an unknown locale
            continue
    return None


def _plain(value: Decimal) -> str:
    """A number's value as one spelling: 12500, 3.5, 2000000000."""
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _block(left: tuple[Token, ...], right: tuple[Token, ...], known: Knowledge) -> list[Difference]:
    """The harmful differences in one stretch where the sentences differ: tokens are paired with a
    partner of the same lemma or spelling, then in order; a token left without one was added or dropped."""
    pairs, alone_left, alone_right = [], list(left), list(right)
    for token in left:
        for other in alone_right:
            if _alike(token, other, known):
                pairs.append((token, other))
                alone_left.remove(token)
                alone_right.remove(other)
                break
    while alone_left and alone_right:
        pairs.append((alone_left.pop(0), alone_right.pop(0)))
    found = [d for x, y in pairs if (d := _pair(x, y, known)) is not None]
    found += [d for t in alone_left if (d := _single(t, known)) is not None]
    found += [Difference(d.kind, d.b, d.a) for t in alone_right if (d := _single(t, known)) is not None]
    return found


def _alike(x: Token, y: Token, known: Knowledge) -> bool:
    if x.number or y.number:
        return x.key == y.key
    return known.lemma(x.text) == known.lemma(y.text) or _spelling(x, y)


def _spelling(x: Token, y: Token) -> bool:
    """One edit apart: a letter added or dropped in words of four letters or more ("qtly" / "qtrly",
    "favour" / "favor"), changed or two swapped in words of five or more ("organise" / "organize",
    "centre" / "center"); "lost" / "last" are two words."""
    shorter = min(len(x.key), len(y.key))
    if shorter < 4 or OSA.distance(x.key, y.key, score_cutoff=1) > 1:
        return False
    return shorter >= 5 or len(x.key) != len(y.key)


def _pair(x: Token, y: Token, known: Knowledge) -> Difference | None:
    """Is one token in place of another harmless (None), or what kind of difference is it?"""
    if x.key == y.key:
        return None
    if x.number or y.number:
        return Difference("number", x.text, y.text)
    if _negated(x.key, y.key, known) or _negated(y.key, x.key, known) or \
            (x.key in known.negations) != (y.key in known.negations):
        return Difference("negation", x.text, y.text)
    lemmas = known.lemma(x.text), known.lemma(y.text)
    if frozenset(lemmas) in known.antonyms or frozenset((x.key, y.key)) in known.antonyms:
        return Difference("antonym", x.text, y.text)
    if lemmas[0] == lemmas[1]:
        return None
    if x.key in known.dates or y.key in known.dates:
        return Difference("date", x.text, y.text)
    if x.name or y.name:
        return Difference("name", x.text, y.text)
    if x.key in known.articles and y.key in known.articles:
        return None
    if _spelling(x, y):
        return None
    return Difference("word", x.text, y.text)


def _single(token: Token, known: Knowledge) -> Difference | None:
    """Is a token one sentence has and the other lacks harmless (None), or what kind of difference?"""
    if token.number:
        return Difference("number", token.text, "")
    key = token.key
    if key in known.negations:
        return Difference("negation", token.text, "")
    if key in known.dates:
        return Difference("date", token.text, "")
    if token.name:
        return Difference("name", token.text, "")
    if key in known.function_words:
        return None
    return Difference("word", token.text, "")


def _negated(word: str, other: str, known: Knowledge) -> bool:
    """Is `other` the word `word` with a negative prefix, suffix or (Turkish) infix?"""
    if len(other) <= len(word) or len(word) < 3:
        return False
    for prefix in known.prefixes:
        if other == prefix + word or other == prefix + "-" + word:
            return True
    for suffix in known.suffixes:
        if other == word + suffix:
            return True
    if known.infixes:
        common = 0
        while common < len(word) and word[common] == other[common]:
            common += 1
        if common >= 2:
            rest, longer = word[common:], other[common:]
            return any(longer == infix + rest for infix in known.infixes)
    return False
