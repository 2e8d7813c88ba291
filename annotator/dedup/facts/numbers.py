"""Numbers as the same-fact guard reads them: a value however a locale writes it ("12.500" in German,
"12,500" in English, "3,5" = "3.5"), number words ("twelve", "семи"), Chinese and Japanese numerals,
"N et demi" and ranges that write their magnitude once ("3–5 tysięcy").

Sources: CLDR number symbols through babel (parse_decimal, get_decimal_symbol); number words from
text2num (alpha2digit) and num2words; the half words of negations.toml.
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal, InvalidOperation

from annotator.dedup.facts.knowledge import Knowledge, fold, knowledge


def as_digits(text: str, known: Knowledge) -> str:
    """The text with its number phrases written as digits the tokens read as one value: "1 million et
    demi" -> "1,5 million", "twelve" -> "12" (text2num), "3–5 tysięcy" -> "3 tysięcy – 5 tysięcy"."""
    if known.half_words and any(c.isdigit() for c in text):  # before text2num writes "million" out
        text = _half_pattern(known.code).sub(lambda found: _and_a_half(found, known), text)
    text = _number_words(text, known.code) if known.number_words else text
    return _RANGE.sub(lambda found: _range(found, known), text) if any(c.isdigit() for c in text) else text


# an indefinite article is no "1" ("unos cuatro minutos" is "about 4 minutes", not "1 4"), and European
# Portuguese "bilião" is 10^12 where text2num reads 10^9: both are hidden from text2num
_HIDDEN_FROM_TEXT2NUM = re.compile(
    r"\b(?:un|une|uno|una|unos|unas|um|uma|uns|umas|ein|eine|einen|einem|einer|eines|een|a|an"
    r"|bili[ãa]o|bili[õo]es|trili[ãa]o|trili[õo]es)\b", re.IGNORECASE)
_HIDDEN = re.compile(r"qqhidden(\d+)qq")


# a range whose magnitude is written once: "3–5 tysięcy" is "3 tysięcy – 5 tysięcy"
_RANGE = re.compile(r"(?<![\d.,])(\d+(?:[.,]\d+)?)\s?[-\u2013\u2014]\s?(\d+(?:[.,]\d+)?)\s+([^\W\d_]+\.?)")


def _range(found: re.Match, known: Knowledge) -> str:
    first, last, word = found.groups()
    if power(word, known) is None:
        return found.group()
    return f"{first} {word} \u2013 {last} {word}"


def power(word: str, known: Knowledge) -> int | None:
    """Ten to what power a magnitude word ("Mrd.", "millones", "tysięcy") stands for, or None."""
    key = fold(word).rstrip(".")
    power = known.magnitudes.get(key)
    return known.magnitudes.get(known.lemma(word)) if power is None and len(key) > 3 else power


@functools.cache
def _half_pattern(code: str) -> re.Pattern:
    words = "|".join(knowledge(code).half_words)
    return re.compile(r"(?<![\d.,])(\d+)(\s+[^\W\d_]+\.?)?\s+(?:" + words + r")(?!\w)", re.IGNORECASE)


def _and_a_half(found: re.Match, known: Knowledge) -> str:
    """ "1 million et demi" -> "1,5 million", "2 and a half years" -> "2.5 years" (the decimal sign of
    the document's language, as the number is then read)."""
    number, word = found.group(1), found.group(2) or ""
    return f"{number}{decimal_symbol(known.code)}5{word}"


_CJK_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
               "八": 8, "九": 9}


_CJK_UNITS = {"十": 10, "百": 100, "千": 1000}


def cjk_number(chars: str) -> Decimal | None:
    """The value of a Chinese or Japanese numeral ("十二" 12, "一百" 100, "五千三百" 5300), or None."""
    if any(c not in _CJK_DIGITS and c not in _CJK_UNITS for c in chars):
        return None
    total, digit = 0, None
    for c in chars:
        if c in _CJK_DIGITS:
            digit = _CJK_DIGITS[c] if digit is None else digit * 10 + _CJK_DIGITS[c]
        else:
            total += (1 if digit is None else digit) * _CJK_UNITS[c]
            digit = None
    return Decimal(total + (digit or 0))


@functools.cache
def percent_pattern(code: str) -> re.Pattern:
    return re.compile(r"(?<!\w)(?:" + "|".join(knowledge(code).percent_words) + r")(?!\w)", re.IGNORECASE)


def is_magnitude(value: Decimal) -> bool:
    return value >= 1000 and value == Decimal(10) ** (len(str(int(value))) - 1)


def _number_words(text: str, code: str) -> str:
    """Number words written as digits ("twelve thousand" -> "12000"), where text2num knows the language."""
    if not any(c.isalpha() for c in text):
        return text
    try:
        from text_to_num import alpha2digit

        hidden: list[str] = []

        def hide(found: re.Match) -> str:
            hidden.append(found.group())
            return f"qqhidden{len(hidden) - 1}qq"

        converted = alpha2digit(_HIDDEN_FROM_TEXT2NUM.sub(hide, text), code)
        return _HIDDEN.sub(lambda found: hidden[int(found.group(1))], converted) if hidden else converted
    except (ImportError, ValueError):
        return text


@functools.lru_cache(maxsize=50_000)
def read(written: str, code: str) -> Decimal | None:
    """The value of a number as written: in the document's locale first, else as English or German
    write it ("12,500" is 12500 in English and 12.5 in German), else its digits; None if none fits.
    (babel.numbers.parse_decimal, strict: the CLDR separators of each locale.)"""
    negative = written[0] in "-\u2212"
    plain = _ungrouped(written.lstrip("+-\u2212"))
    if "," not in plain and "." not in plain:
        return -Decimal(plain) if negative else Decimal(plain)
    for locale in dict.fromkeys((code or "en", "en", "de")):
        value = _parsed(plain, locale)
        if value is not None:
            return -value if negative else value
    return None


def _ungrouped(written: str) -> str:
    return written.replace(" ", "").replace("\u00a0", "").replace("\u202f", "").replace("'", "").replace("\u2019", "")


def _parsed(plain: str, locale: str) -> Decimal | None:
    from babel.numbers import NumberFormatError, parse_decimal

    try:
        return parse_decimal(plain, locale=locale, strict=True)
    except (NumberFormatError, ValueError, InvalidOperation):
        return None
    except Exception:  # a locale babel does not know
        return None


@functools.lru_cache(maxsize=50_000)
def alternatives(written: str, code: str) -> tuple[str, ...]:
    """The keys of a number read with the other convention, in a language that writes a decimal comma
    ("25,000" in a Portuguese text is 25 as Portuguese writes it, 25000 as an English copy does); in
    English "1.125" and "1,125" stay two numbers."""
    plain = _ungrouped(written.lstrip("+-\u2212"))
    if "," not in plain and "." not in plain or decimal_symbol(code) != ",":
        return ()
    values = {_parsed(plain, locale) for locale in ("en", "de")} - {None}
    return tuple(sorted("#" + spelling(v, exact=True) for v in values))


@functools.cache
def decimal_symbol(code: str) -> str:
    from babel.numbers import get_decimal_symbol

    try:
        return get_decimal_symbol(code or "en")
    except Exception:  # a locale babel does not know
        return "."


def spelling(value: Decimal, exact: bool = False) -> str:
    """A number's value as one spelling: 12500, 3.5, 2000000000; `exact` keeps the decimals as written
    ("3.10" stays "3.10": a version, a section or a German date "1.10." is not "1.1")."""
    if exact:
        return format(value, "f")
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
