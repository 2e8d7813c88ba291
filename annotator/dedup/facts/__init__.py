"""The same-fact guard: may two sentences that read alike (a fuzzy ratio at or above the threshold)
share one unit, whose label is copied to both?

Only when every difference between them is harmless. The two sentences are cut into tokens (words,
numbers as values, and in Chinese, Japanese and Thai single characters) and aligned
(the Levenshtein alignment of their token lists, rapidfuzz); each stretch where they differ is read
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

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple
from decimal import Decimal, InvalidOperation

from rapidfuzz.distance import OSA, Levenshtein

from annotator.dedup.facts import numbers
from annotator.dedup.facts.knowledge import Knowledge, date_values, fold, knowledge
from annotator.dedup.normal import _SUPERSCRIPTS, UNSPACED_SCRIPTS
from annotator.invisible import strip_invisible

__all__ = ["Difference", "Token", "compare", "only_function_words_apart", "same_facts", "tokens"]


@dataclass(frozen=True)
class Difference:
    """A harmful difference: `kind` is one of "number", "negation", "name", "date", "antonym", "tense",
    "word";
    `a` and `b` are what each sentence has there as written ("" where it has nothing)."""

    kind: str
    a: str
    b: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.a or '(nothing)'} / {self.b or '(nothing)'}"


class Token(NamedTuple):  # a tuple: made for every word of every sentence the guard reads
    """A token as written (`text`), the form it is compared in (`key`: case-folded word, or "#" and the
    number's value), and whether it is a number or a name (capitalised, not opening the sentence)."""

    text: str
    key: str
    number: bool = False
    name: bool = False
    sign: bool = False  # a currency or percent sign
    alternatives: tuple[str, ...] = ()  # a number's keys read the other way ("25,000" in Portuguese)


_CJK = UNSPACED_SCRIPTS
_MARKS = "".join(chr(c) for c in range(0x300, 0x10000) if unicodedata.category(chr(c)) in ("Mn", "Mc", "Me")
                 and not "\u0e00" <= chr(c) <= "\u0e7f")
_TOKEN = re.compile(
    r"(?P<cjk>[〇零一二两兩三四五六七八九十百千]+|[" + _CJK + "])"
    r"|(?P<number>(?:(?<![\w.,\u2212-])[\u2212+-](?=\d))?(?:\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?(?!\d)|\d+(?:[.,'\u2019]\d+)*))"
    rf"|(?P<word>(?:[^\W\d_{_CJK}]|[{_MARKS}])+)"
    r"|(?P<sign>[$\u20ac\u00a3\u00a5\u20b9\u20bd%\u2030\u066a]|(?<=[A-Za-z])[+-](?!\w))"  # "BB+", "BB-"
)
# digits of every script as ASCII (NFKC leaves Arabic-Indic, Persian, Devanagari... as they are), and
# the Arabic decimal and thousands separators
_DIGITS = {c: str(unicodedata.decimal(chr(c))) for c in range(0x80, 0x10000)
           if unicodedata.category(chr(c)) == "Nd"} | {0x066B: ".", 0x066C: ","}
_ELIDING = frozenset({"fr", "it", "ca", "oc"})
_SUFFIX_APOSTROPHE = re.compile(r"(?<=\w)['\u2019]\w+")
_CJK_DECIMAL = re.compile(r"(?<=\d)\u30fb(?=\d)")
_CJK_PERCENT = re.compile(r"百分之([〇零一二两兩三四五六七八九十百千\d.]+)")
# English negative contractions, with or without their apostrophe ("don't", "dont", "won't", "cant")
_CONTRACTIONS = re.compile(
    r"\b(?:(wo)|(ca)|(sha)|(ai)|(do|does|did|is|are|was|were|could|would|should|has|have|had|must|need|might|dare))"
    r"n['\u2019]?t\b", re.IGNORECASE)
_INNER_APOSTROPHE = re.compile(r"(?<=\w)['\u2019](?=\w)|(?<=s)['\u2019](?!\w)")
_PERCENT_WORDS = re.compile(r"\b(?:per ?cent|percent|pct)\b", re.IGNORECASE)  # in a language without a table too
_DATELINE = re.compile(r"^[^\W\d][\w .'/-]{0,40}, [a-z]{3,9}\.? \d{1,2}(?:, \d{4})? \([^)]{1,40}\) ?-{1,2} ",
                       re.IGNORECASE)
_CJK_CHAR = re.compile(f"[{_CJK}]")


def compare(a: str, b: str, language: str | None = None, language_b: str | None = None) -> tuple[Difference, ...]:
    """The harmful differences between two sentences (as written) in a language (ISO 639-1; None is
    English, as the segmenter reads it); none when they state the same facts. Two sentences of two
    languages are read with each language's knowledge, and a difference either finds counts, so the
    answer does not depend on their order."""
    language = language or language_b or "en"
    found = _compare(a, b, language)
    if language_b and language_b != language:
        found = tuple(dict.fromkeys(found + _compare(a, b, language_b)))
    return found


def _compare(a: str, b: str, language: str) -> tuple[Difference, ...]:
    known = knowledge(language)
    left, right = tokens(a, language), tokens(b, language)
    if [t.key for t in left] == [t.key for t in right]:
        return ()  # the common case of a true copy: punctuation, case and spacing apart, the same
    # currency and percent signs say the same wherever they stand ("£10 000" / "10 000 £")
    signs = [t.key for t in left if t.sign], [t.key for t in right if t.sign]
    found: list[Difference] = []
    if sorted(signs[0]) != sorted(signs[1]):
        found.append(Difference("word", " ".join(signs[0]), " ".join(signs[1])))
    left, right = [t for t in left if not t.sign], [t for t in right if not t.sign]
    block = None  # a stretch where they differ: adjacent edits are read together
    for op in [*Levenshtein.opcodes([t.key for t in left], [t.key for t in right]), None]:
        if op is not None and op.tag != "equal":
            block = [block[0], op.src_end, block[2], op.dest_end] if block else \
                [op.src_start, op.src_end, op.dest_start, op.dest_end]
            continue
        if block:
            i1, i2, j1, j2 = block
            differences = _block(left[i1:i2], right[j1:j2], known)
            if not differences and (i1 == i2 or j1 == j2) and (_before_number(left, i1, i2) or _before_number(right, j1, j2)):
                # a word added next to a number says something of it: "fell 2%" / "fell to 2%", "über 100"
                differences = [Difference("number", " ".join(t.text for t in left[i1:i2]),
                                          " ".join(t.text for t in right[j1:j2]))]
            found.extend(differences)
            block = None
    return tuple(found)


def _before_number(tokens: list[Token], start: int, end: int) -> bool:
    """Is the stretch tokens[start:end], which the other sentence lacks, right before a number ("to 2%")?"""
    return start < end and end < len(tokens) and tokens[end].number


def only_function_words_apart(words_a: list[str], words_b: list[str], a: str, b: str,
                              language: str | None = None) -> bool:
    """A quick look, for the many copies that differ by a word such as "that" or "the": are the two
    word lists (normalised, punctuation aside) the same but for function words one of them adds, none
    a negation, a date or a number word, none written with a capital in its sentence (`a`, `b` as
    written: "US" is a name, "us" a pronoun)? False means: ask compare()."""
    known = knowledge(language or "en")
    functions, excluded = known.function_words, known.not_function_words
    for op in Levenshtein.opcodes(words_a, words_b):
        if op.tag == "equal":
            continue
        if op.tag == "replace":
            return False
        words, start, end, written = (words_a, op.src_start, op.src_end, a) if op.tag == "delete" else \
            (words_b, op.dest_start, op.dest_end, b)
        added = words[start:end]
        if end < len(words) and (any(c.isdigit() for c in words[end]) or words[end] in known.numerals):
            return False  # right before a number: compare() reads it
        for word in added:
            if word not in functions or word in excluded or word in known.numerals or \
                    any(not found.islower() for found in re.findall(rf"(?i)(?<!\w){re.escape(word)}(?!\w)", written)):
                return False
    return True


def same_facts(a: str, b: str, language: str | None = None) -> bool:
    """Do the two sentences differ only harmlessly (see the module's docstring)?"""
    return not compare(a, b, language)


@functools.lru_cache(maxsize=100_000)
def tokens(text: str, language: str | None = None) -> tuple[Token, ...]:
    """The tokens of a sentence as the guard compares them (see Token), in order; a word repeated by a
    slip ("this this") counts once."""
    known = knowledge(language)
    out: list[Token] = []
    first_word = True
    for match in _TOKEN.finditer(_prepared(text, known)):
        kind, value = match.lastgroup, match.group()
        if kind == "number":
            _add_number(out, value, numbers.read(value, known.code), numbers.alternatives(value, known.code))
        elif kind == "cjk":
            numeral = numbers.cjk_number(value)
            if numeral is not None:
                _add_number(out, value, numeral, ())
            elif (power := known.magnitudes.get(value)) is not None and out and out[-1].number:
                _scale(out, value, power)
            else:
                out.append(Token(value, value))
        elif kind == "word":
            key = fold(value)
            numeral = known.numerals.get(key)
            power = numbers.power(value, known) if out and out[-1].number else None  # "milyondan", "millones"
            if power is not None and out and out[-1].number:
                _scale(out, value, power)
            elif numeral is not None or (not known.number_words and len(key) > 3 and key[:1] in known.numeral_stems
                                         and (numeral := known.numerals.get(known.lemma(value))) is not None):
                _add_number(out, value, Decimal(numeral), ())
            elif out and not out[-1].number and out[-1].key == key:
                continue  # "este este convite"
            else:
                key = known.variants.get(key, key)
                out.append(Token(value, key, name=not first_word and value[0].isupper()))
            first_word = False
        else:
            out.append(Token(value, "%" if value == "\u066a" else value, sign=True))  # the Arabic percent sign
    return tuple(_measured(out, known))


def _measured(out: list[Token], known: Knowledge) -> list[Token]:
    """A number's decimals count as written ("Python 3.10" is not "3.1", nor German "am 1.10." "am
    1.1."), except for a quantity: a number before a sign, a magnitude or a unit (a word of up to three
    letters, or written in Chinese or Japanese characters: "4.20 µSv" = "4.2 µSv", "3.50%" = "3.5%"),
    where a trailing zero is only how precisely it was written."""
    for n, token in enumerate(out):
        if token.number and "." in token.key and token.key.endswith("0") and n + 1 < len(out):
            after = out[n + 1]
            unit = not after.number and not after.name and after.key not in known.function_words and (
                len(after.key) <= 3 or _CJK_CHAR.match(after.key) is not None)  # "kg", "µSv", "マ"
            if after.sign or unit or numbers.power(after.text, known) is not None:
                value = "#" + numbers.spelling(Decimal(token.key[1:]))
                out[n] = token._replace(alternatives=token.alternatives + (value,))
    return out


def _prepared(text: str, known: Knowledge) -> str:
    """The text as the tokens are read from it: invisible characters gone, NFKC, digits of every
    script as ASCII, no wire dateline, English negative contractions written out, apostrophes inside
    words dropped, percent words as "%", number words as digits."""
    text = unicodedata.normalize("NFKC", strip_invisible(text).translate(_SUPERSCRIPTS)) if not text.isascii() else text
    text = _DATELINE.sub("", text.translate(_DIGITS) if not text.isascii() else text, count=1)
    if known.code in ("en", ""):
        text = _CONTRACTIONS.sub(_expand, text)
    if "'" in text or "\u2019" in text:
        # "HP's" = "HPs", "analysts'" = "analysts", as words() has it; Turkish writes a suffix after
        # an apostrophe ("Ankara'da", "5.700.000'den"): the word is what comes before it
        # French and Italian elide ("n'a", "l'accord"): there the apostrophe parts two words
        if known.code in _ELIDING:
            text = text.replace("'", " ").replace("\u2019", " ")
        else:
            text = (_SUFFIX_APOSTROPHE if known.code == "tr" else _INNER_APOSTROPHE).sub("", text)
    if known.code in ("ja", "zh"):
        text = _CJK_PERCENT.sub(r"\1%", _CJK_DECIMAL.sub(".", text))  # "351・4", "百分之六"
    if known.percent_words:
        text = numbers.percent_pattern(known.code).sub(" % ", text)
    return numbers.as_digits(_PERCENT_WORDS.sub(" % ", text), known)


def _add_number(out: list[Token], written: str, value: Decimal | None, alternatives: tuple[str, ...]) -> None:
    """Append a number, or make it part of the one before when it is a magnitude text2num wrote out
    ("2 billion" -> "2 1000000000")."""
    if value is not None and out and out[-1].number and numbers.is_magnitude(value):
        earlier = _value_of(out[-1])
        if earlier is not None and earlier < value:
            out[-1] = Token(out[-1].text + " " + written, "#" + numbers.spelling(earlier * value), number=True)
            return
    key = "#" + (numbers.spelling(value, exact=True) if value is not None else written)
    out.append(Token(written, key, number=True, alternatives=alternatives))


def _scale(out: list[Token], written: str, power: int) -> None:
    """The number before times ten to the power: "5 Mrd." -> 5000000000, "221 mil millones"."""
    value = _value_of(out[-1])
    if value is None:
        out.append(Token(written, fold(written)))
        return
    out[-1] = Token(out[-1].text + " " + written, "#" + numbers.spelling(value * Decimal(10) ** power), number=True)


def _value_of(token: Token) -> Decimal | None:
    try:
        return Decimal(token.key[1:]) if token.number else None
    except InvalidOperation:
        return None


def _expand(found: re.Match) -> str:
    """ "won't" -> "will not", "can't"/"cant" -> "can not", "don't"/"dont" -> "do not"."""
    for group, stem in ((1, "will"), (2, "can"), (3, "shall"), (4, "is")):
        if found.group(group):
            return stem + " not"
    return found.group(5) + " not"


def _block(left: list[Token], right: list[Token], known: Knowledge) -> list[Difference]:
    """The harmful differences in one stretch where the sentences differ: tokens are paired with a
    partner of the same lemma or spelling, then in order; a token left without one was added or dropped."""
    if "".join(t.key for t in left) == "".join(t.key for t in right) and _compound(left) and _compound(right):
        return []  # one word written apart or as one: "Вице-премиерът" / "Вицепремиерът", "Η.Π.Α." / "ΗΠΑ"
    pairs, alone_left, alone_right = [], list(left), list(right)
    for token in left:
        for other in alone_right:
            if _alike(token, other, known):
                pairs.append((token, other))
                alone_left.remove(token)
                alone_right.remove(other)
                break
    if (not alone_left or not alone_right) and _function_run(alone_left + alone_right, known):
        return [d for x, y in pairs if (d := _pair(x, y, known)) is not None]  # function words added
    while alone_left and alone_right:
        pairs.append((alone_left.pop(0), alone_right.pop(0)))
    found = [d for x, y in pairs if (d := _pair(x, y, known)) is not None]
    found += [d for t in alone_left if (d := _single(t, known)) is not None]
    found += [Difference(d.kind, d.b, d.a) for t in alone_right if (d := _single(t, known)) is not None]
    return found


def _compound(tokens: list[Token]) -> bool:
    """Parts that can write one word apart: an acronym's letters, or words of four letters or more
    ("re-signed" is not "resigned")."""
    return len(tokens) == 1 or all(len(t.key) == 1 for t in tokens) or all(len(t.key) >= 4 and not t.number for t in tokens)


def _function_run(tokens: list[Token], known: Knowledge) -> bool:
    """Are these tokens only function words? In Chinese and Japanese, read a character at a time, a run
    of characters is one when it spells function words ("まし", "了")."""
    if not tokens:
        return True
    if any(t.number or t.name or t.key in known.negations or t.key in known.dates for t in tokens):
        return False
    if all(t.key in known.function_words for t in tokens):
        return True
    run = "".join(t.key for t in tokens)
    return _CJK_CHAR.match(run) is not None and _spelt_by(run, known.function_words)


def _spelt_by(run: str, words: frozenset[str]) -> bool:
    """Can the run be cut into words of the set (a word break check, longest words up to 4 characters)?"""
    reachable = [True] + [False] * len(run)
    for end in range(1, len(run) + 1):
        reachable[end] = any(reachable[start] and run[start:end] in words for start in range(max(0, end - 4), end))
    return reachable[-1]


def _alike(x: Token, y: Token, known: Knowledge) -> bool:
    if x.number or y.number:
        return _same_number(x, y)
    if x.key in known.dates or y.key in known.dates:
        return x.key == y.key or known.lemma(x.text) == known.lemma(y.text)
    return known.lemma(x.text) == known.lemma(y.text) or _spelling(x, y, known) or _typo(x, y, known)


def _same_number(x: Token, y: Token) -> bool:
    if not (x.number and y.number):
        return False
    return x.key == y.key or x.key in y.alternatives or y.key in x.alternatives or \
        bool(set(x.alternatives) & set(y.alternatives))


def _spelling(x: Token, y: Token, known: Knowledge | None = None) -> bool:
    """One way of writing one word: the same letters bar accents and the marks Arabic leaves out
    ("sólo" / "solo", "À" / "A", "إنها" / "انها", Hindi's nasal signs), or, for words that are not names,
    one of the edits that tell British from American spelling apart: "re" / "er" at the end
    ("centre" / "center"), s, z or c for one another ("organise" / "organize",
    "defence" / "defense"), a vowel or a doubled letter added or dropped ("favour" / "favor",
    "travelled" / "traveled"), a letter of an abbreviation with no vowel ("qtly" / "qtrly"). "hired" /
    "fired", "bought" / "brought",
    "Jansen" / "Hansen", "Michael" / "Michaela" are two words."""
    bare_x, bare_y = _bare(x.key), _bare(y.key)
    if bare_x == bare_y:
        return _accents_only(x, y, known)
    if x.name or y.name or min(len(bare_x), len(bare_y)) < 4:
        return False
    return _spelling_edit(bare_x, bare_y)


def _one_standard(word: str, known: Knowledge) -> str:
    """The word with each accented letter before m or n written as the language's first standard does."""
    return "".join(known.accents.get(c, c) if word[n + 1:n + 2] in ("m", "n") else c for n, c in enumerate(word))


def _accents_only(x: Token, y: Token, known: Knowledge | None) -> bool:
    """Two writings of one word that differ in accents alone: one of them is no word of the language's
    dictionary ("inflacao"), or the accent is on a capital, which French and Italian often leave
    off ("A" / "À", "E'" / "È"), or it is the Devanagari nukta, optional in Hindi ("ज्यादा" / "ज़्यादा"),
    or the language's two standards write the letter so (Portuguese "econômico" / "económico":
    negations.toml's `accents`; Spanish "sólo" / "solo" are `variants`).
    Two dictionary words of different lemmas that accents alone tell apart are two words ("papa" /
    "papá", "publicó" / "público", "zahlen" / "zählen", "pécheurs" / "pêcheurs")."""
    if known is None or x.key == y.key:
        return True
    if len(x.text) == len(y.text) and all(a == b or a.isupper() for a, b in zip(x.text, y.text)):
        return True
    if x.key.replace("\u093c", "") == y.key.replace("\u093c", ""):
        return True
    if known.accents and _one_standard(x.key, known) == _one_standard(y.key, known):
        return True
    return not (known.is_word(x.key) and known.is_word(y.key)) or known.lemma(x.text) == known.lemma(y.text)


_INTERCHANGEABLE = ({"s", "z"}, {"c", "s"}, {"c", "z"})


def _spelling_edit(a: str, b: str) -> bool:
    if len(a) == len(b):
        diff = [n for n in range(len(a)) if a[n] != b[n]]
        if len(diff) == 1:
            return {a[diff[0]], b[diff[0]]} in _INTERCHANGEABLE
        # "centre" / "center": other swaps are slips, told by _typo ("united" / "untied" are two words)
        return len(diff) == 2 and diff[1] == len(a) - 1 and {a[-2:], b[-2:]} == {"re", "er"}
    shorter, longer = sorted((a, b), key=len)
    if len(longer) != len(shorter) + 1:
        return False
    for n in range(len(longer)):
        if longer[:n] + longer[n + 1:] == shorter:
            added = longer[n]
            doubled = (n and longer[n - 1] == added) or (n + 1 < len(longer) and longer[n + 1] == added)
            if added in "aeiouy" or doubled or not any(c in "aeiou" for c in longer):
                return True  # a vowel, a doubled letter, or a letter of an abbreviation ("qtly" / "qtrly")
    return False


def _typo(x: Token, y: Token, known: Knowledge) -> bool:
    """A slip of the keyboard: two words of five letters or more one edit apart (optimal string
    alignment distance 1: a letter added, dropped, changed, or two swapped), of which one is a word of
    the language (in simplemma's dictionary) and the other is not ("apenar" / "apenas",
    "indefenitely" / "indefinitely"). Two words of the dictionary one edit apart are
    two words ("winter" / "winner", "former" / "farmer"), and so are two words it does not know
    ("methanol" / "ethanol" if both are missing): one of them must be a non-word. In a language
    without a dictionary (Arabic), only two letters swapped ("عنواين" / "عناوين"). Not for names."""
    if x.name or y.name or min(len(x.key), len(y.key)) < 5 or OSA.distance(x.key, y.key) != 1:
        return False
    if any(c.isupper() for c in x.text + y.text):
        return False  # capitalised, even opening the sentence, it may be a name: "Zambia's" / "Gambia's"
    known_x, known_y = known.is_word(x.key), known.is_word(y.key)
    if known_x is None:
        return len(x.key) == len(y.key) and Levenshtein.distance(x.key, y.key) == 2
    return known_x != known_y


def _abbreviation(x: Token, y: Token) -> bool:
    """Is one word the other's abbreviation: two to four letters, the other's first letter and then
    letters of it in order, at most half its length ("km" / "kilometres", "χλμ" / "χιλιομέτρων",
    "грн" / "гривень", "лв" / "лева")? Not for names."""
    if x.name or y.name:
        return False
    short, long = sorted((_bare(x.key), _bare(y.key)), key=len)
    if not 2 <= len(short) <= 4 or len(long) < 2 * len(short) or short[0] != long[0] or not short.isalpha():
        return False
    rest = iter(long[1:])
    return all(letter in rest for letter in short[1:])


_ARABIC_LETTERS = str.maketrans({"\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627", "\u0671": "\u0627",
                                 "\u0649": "\u064a", "\u0629": "\u0647"})
_HINDI_NASAL = re.compile("[\u0919\u091e\u0923\u0928\u092e]\u094d(?=[\u0915-\u0939])")


@functools.lru_cache(maxsize=100_000)
def _bare(word: str) -> str:
    """A word without accents, Arabic short vowels and hamza seats, and with Hindi's nasal consonant
    before a consonant written as anusvara (the tilde of "año" stays: "ano" is another word)."""
    if word.isascii():
        return word
    word = _HINDI_NASAL.sub("\u0902", word.translate(_ARABIC_LETTERS))
    kept = [c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c) or c == "\u0303"]
    return unicodedata.normalize("NFC", "".join(kept))


def _pair(x: Token, y: Token, known: Knowledge) -> Difference | None:
    """Is one token in place of another harmless (None), or what kind of difference is it?"""
    if x.key == y.key:
        return None
    if x.number or y.number:
        return None if _same_number(x, y) else Difference("number", x.text, y.text)
    if _negated(x.key, y.key, known) or _negated(y.key, x.key, known) or \
            (x.key in known.negations) != (y.key in known.negations):
        return Difference("negation", x.text, y.text)
    lemmas = known.lemma(x.text), known.lemma(y.text)
    if frozenset(lemmas) in known.antonyms or frozenset((x.key, y.key)) in known.antonyms:
        return Difference("antonym", x.text, y.text)
    if lemmas[0] == lemmas[1]:
        if known.tense(x.key) != known.tense(y.key) or _auxiliary_tenses_differ(x.key, y.key, known):
            return Difference("tense", x.text, y.text)
        return None
    if x.key in known.dates or y.key in known.dates or lemmas[0] in known.dates or lemmas[1] in known.dates:
        dates = date_values(known.code)
        date_x, date_y = dates.get(x.key, dates.get(lemmas[0])), dates.get(y.key, dates.get(lemmas[1]))
        if (date_x is not None and date_x == date_y) or _bare(x.key) == _bare(y.key):
            return None  # "Jan" / "January", "mercoledì" / "mercoledi"
        return Difference("date", x.text, y.text)
    if _spelling(x, y, known) or _abbreviation(x, y) or _typo(x, y, known):
        return None
    if x.name or y.name:
        return Difference("name", x.text, y.text)
    if x.key in known.articles and y.key in known.articles:
        return None
    return Difference("word", x.text, y.text)


def _auxiliary_tenses_differ(x: str, y: str, known: Knowledge) -> bool:
    """Two function words of one lemma: an auxiliary's form says its tense and its subject's number
    ("is" / "was", "wird" / "wurde", "est" / "était", "the hostage was" / "the hostages were": another
    fact) unless the treebank gives both forms the same Tense, Mood, Person and Number ("бе" /
    "беше"); a form it does not cover counts as another. One article for another ("den" / "die") is
    no difference."""
    if not (x in known.function_words or y in known.function_words) or (x in known.articles and y in known.articles):
        return False
    tense = known.aux_tenses.get(x)
    return tense is None or tense != known.aux_tenses.get(y)


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
    """Is `other` the word `word` with a negative prefix, suffix or (Turkish) infix? Accents aside:
    Greek moves its accent with the prefix ("δυνατή" / "αδύνατη")."""
    word, other = _bare(word), _bare(other)
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
            if any(longer == infix + rest for infix in known.infixes):
                return True
            # the negative aorist and abilitative: "katılır" / "katılmaz", "alabilir" / "alamaz"
            return common >= 3 and any(r.startswith(("maz", "mez", "mıyor", "miyor")) for r in (rest, longer)) \
                and not all(r.startswith("m") for r in (rest, longer))
    return False
