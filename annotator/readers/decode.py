"""Turn raw bytes into text, or say in one line why they cannot be."""

from __future__ import annotations

import codecs
import contextvars
import functools
import re
import unicodedata
from collections import Counter
from contextlib import contextmanager

from annotator.invisible import imported_text
from annotator.model import InputError
from annotator.readers.codepages import DICTIONARIES, LEGACY_PAGES, LEGACY_PAGES_ORDER, LETTERS, PUNCTUATION, PYTHON_CODECS, WHATWG

# the encoding `import --encoding` asked for (None: strict UTF-8), what decode() read the file as
# ("cp1252", "windows-1252 (declared iso-8859-1)": said when asked for or not UTF-8), and the other
# lines it has to say of the file (mojibake found, a CSV's delimiter)
_ASKED: contextvars.ContextVar[str | None] = contextvars.ContextVar("encoding", default=None)
chosen: contextvars.ContextVar[str | None] = contextvars.ContextVar("chosen", default=None)
notes: contextvars.ContextVar[tuple[str, ...]] = contextvars.ContextVar("notes", default=())


def said(shown: str) -> list[str]:
    """The lines an import prints of how the file `shown` was read: its encoding where it was asked
    for or not UTF-8, then the notes its reader left."""
    lines = [f"read {shown} as {chosen.get()}"] if chosen.get() else []
    return lines + [f"{shown}: {note}" for note in notes.get()]


def note(line: str) -> None:
    """Leave a line for the import to say of the file being read."""
    notes.set(notes.get() + (line,))


def whatwg(label: str) -> tuple[str, str] | None:
    """(the WHATWG encoding's name, the Python codec that decodes it as browsers do) for a label of
    the WHATWG Encoding Standard ("iso-8859-1" -> ("windows-1252", "cp1252")), matched as the standard
    does (ASCII case-insensitive, surrounding white space ignored); None for a label it does not
    know. Raises ValueError for a label it maps to "replacement" (iso-2022-kr, hz-gb-2312: encodings
    that let a page smuggle markup past filters, so no browser decodes them) and for x-user-defined."""
    name = WHATWG.get(label.strip().lower())
    if name is None:
        return None
    if name == "replacement":
        raise ValueError(f"{label!r}, an encoding browsers refuse to decode (the WHATWG Encoding Standard maps "
                         "it to 'replacement'); convert the file to UTF-8 first")
    if name not in PYTHON_CODECS:
        raise ValueError(f"{label!r}, which browsers read as bytes, not as text")
    return name, PYTHON_CODECS[name]


# the charset the transport declared (an HTTP Content-Type's): it wins over <meta charset>, as in a browser
_DECLARED: contextvars.ContextVar[str | None] = contextvars.ContextVar("declared", default=None)


def check_encoding(name: str) -> str:
    """A usable --encoding, as given: "auto", a label of the WHATWG Encoding Standard ("latin1", read
    as windows-1252 as browsers do) or another name Python knows ("cp775").
    Raises ValueError (one line) for an unknown name, a codec that is not of text and a label the
    WHATWG standard decodes to "replacement"."""
    if name.lower() == "auto":
        return "auto"
    if whatwg(name):
        return name.strip()
    try:
        info = codecs.lookup(name)
    except LookupError:
        raise ValueError(f"unknown encoding {name!r}") from None
    if not getattr(info, "_is_text_encoding", True):
        raise ValueError(f"{name!r} is not a text encoding")
    return name


def _codec(name: str) -> str:
    """The Python codec for an encoding _named() or _detect() returned."""
    return PYTHON_CODECS.get(name, name)


@contextmanager
def decode_as(encoding: str | None, declared: str | None = None):
    """Read files in this encoding ("auto": detected per file) while the block runs; `declared`: the
    charset an HTTP Content-Type gives, taken as a page's own declaration."""
    token, told = _ASKED.set(encoding), _DECLARED.set(declared)
    chosen.set(None)
    notes.set(())
    try:
        yield
    finally:
        _ASKED.reset(token)
        _DECLARED.reset(told)


_C1 = re.compile("[\x80-\x9f]")
_WORD = re.compile(r"[^\W\d_]+")
_WORD_START = re.compile(r"(?:^|(?<=\s))[^\x00-\x7f]")
_SAMPLE = 1 << 14  # bytes judged: a legacy page shows itself in its first 16 KB
_TIE_SAMPLE = 2000  # characters the tie-breakers read (py3langid, the mess ratio: slower per character)


def _detect(data: bytes, path: str) -> str:
    """The encoding of a file given with --encoding auto: UTF-8 when it decodes so (the common case),
    else the legacy code page (codepages.LEGACY_PAGES) whose decoding of its opening reads most like
    text of a language written in that page: fewest characters that no such language writes, words
    mixing scripts or with a capital after a small letter ("пРАВИТЕЛЬСТВО": KOI8-R read as
    windows-1251). Decodings that tie (Russian in windows-1251 also reads as Greek letters in
    windows-1253, as Thai in windows-874) are told apart by the share of their words that simplemma's
    dictionary of the page's language knows; a short file that still ties is refused rather than
    stored as garbage, a long one goes to the page whose languages py3langid finds likelier, then to
    charset-normalizer's mess ratio, then to the more used page. A decoding holding C1 control
    characters (U+0080-U+009F) is never taken. See benchmarks/readers.py encodings for how often it
    is right. Raises InputError when no page decodes the bytes, when the bytes are UTF-8 but for a
    few (a file that mixes encodings) and when a short file reads as well in two pages."""
    if _ISO_2022_JP.search(data) and max(data) < 0x80:
        return "ISO-2022-JP"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as err:
        _refuse_mixed(data, path, err)
    sample, whole = data[:_SAMPLE], len(data) <= _SAMPLE
    readings: dict[str, list] = {}  # pages that read the bytes alike are one reading, of all their languages
    for order, page in enumerate(LEGACY_PAGES):
        try:  # a cut multibyte character at the sample's end is no error
            text = codecs.getincrementaldecoder(_codec(page))().decode(sample, final=whole)
        except UnicodeDecodeError:
            continue
        if not _C1.search(text):
            readings.setdefault(text, []).append(page)
    if not readings:
        raise InputError(path, "could not tell its encoding; give one with --encoding NAME")
    found = [(min(_oddness(text, page) for page in pages), LEGACY_PAGES_ORDER[pages[0]], pages, text)
             for text, pages in readings.items()]
    least = min(found)[0]
    tied = sorted((order, pages, text) for odd, order, pages, text in found if odd == least)
    if len(tied) == 1:
        return tied[0][1][0]
    known = [(_known(text, pages), order, pages, text) for order, pages, text in tied]
    best = max(known)[0]
    rivals = sorted((t for t in known if t[0] > best - _KNOWN_MARGIN), reverse=True)
    if len(rivals) == 1:
        return rivals[0][2][0]
    fits = sorted(((_fit(text[:_TIE_SAMPLE], pages), order, pages, text) for _, order, pages, text in rivals),
                  reverse=True)
    # py3langid tells apart readings in one script (Japanese from Chinese, Polish from Czech) but
    # not across scripts: a Greek or Thai reading is Greek or Thai to it, however garbled; where a
    # dictionary could have told but did not, a short text is refused
    top, second = fits[0], fits[1]
    if any(_dictionary(f[2]) for f in (top, second)) and sum(
            1 for word in _WORD.findall(tied[0][2]) if not word.isascii()) < _SHORT_WORDS and (
            _main_script(top[3]) != _main_script(second[3])):
        raise InputError(path, f"could not tell its encoding for sure: {top[2][0]} or {second[2][0]}; "
                               "give one with --encoding")
    from charset_normalizer.md import mess_ratio

    return min((-fit, mess_ratio(text[:_TIE_SAMPLE], 1.0), order, pages[0])
               for fit, order, pages, text in fits)[-1]


# a reading is clearly the text when no other comes within this share of words (beyond ASCII) that
# the language's dictionary knows (benchmarks/readers.py encodings)
_KNOWN_MARGIN = 0.3
_SHORT_WORDS = 8
_LOOKED_UP = 4  # the languages of a reading whose dictionaries are looked in, likeliest first (each loads in ~0.5 s)  # fewer words beyond ASCII than this: too short for a tie to be broken by likelihood
_ISO_2022_JP = re.compile(rb"\x1b\$[@B]|\x1b\(J")  # its escapes into JIS X 0208 and JIS X 0201 Roman


def _refuse_mixed(data: bytes, path: str, err: UnicodeDecodeError) -> None:
    """Raise InputError when bytes that are not UTF-8 mostly are (more characters beyond ASCII that
    UTF-8 reads than bytes it cannot): one legacy byte amid UTF-8 text, which no single encoding
    reads right."""
    text = data.decode("utf-8", "surrogateescape")
    bad = sum(1 for c in text if "\udc80" <= c <= "\udcff")
    good = sum(1 for c in text if ord(c) > 127) - bad
    if good > bad:
        raise InputError(path, mixed(data, err.start, bad))


def mixed(data: bytes, start: int, bad: int) -> str:
    """The one line that says a file is UTF-8 but for `bad` bytes, the first at `start`."""
    line = data.count(b"\n", 0, start) + 1
    return (f"mixes encodings: it is UTF-8 but for {bad} byte{'s' if bad != 1 else ''} "
            f"(the first 0x{data[start]:02x} at offset {start}, line {line}); "
            "convert that part to UTF-8, or give the one encoding with --encoding")


def _known(text: str, pages: list[str]) -> float:
    """The share of the decoding's letters beyond ASCII that stand in words simplemma's dictionary
    of a language of the pages knows (of the few py3langid finds likeliest); 0 for pages whose
    languages have no dictionary (Thai, Chinese) and for a text of no such word: a dictionary only
    speaks for a reading, its silence (a name, a rare word) never against one. Words of one letter are
    left out: "в", "η", "ا" are words in any Cyrillic, Greek or Arabic reading."""
    languages = [lang for lang in _likeliest(text[:_TIE_SAMPLE], pages) if lang in DICTIONARIES][:_LOOKED_UP]
    words = [w for w in _WORD.findall(text[:_TIE_SAMPLE]) if len(w) > 1 and not w.isascii()]
    if not languages or not words:
        return 0.0
    total = sum(len(w) for w in words)
    return max(sum(len(w) for w in words if _is_word(lang, w)) / total for lang in languages)


def _main_script(text: str) -> str:
    """The script most of the text's letters are in (an English text with one "Ђ" for "€" is Latin)."""
    scripts = Counter(_script(c) for c in text if c.isalpha())
    return scripts.most_common(1)[0][0] if scripts else "LATIN"


def _dictionary(pages: list[str]) -> bool:
    return any(lang in DICTIONARIES for page in pages for lang in LEGACY_PAGES[page])


def _likeliest(text: str, pages: list[str]) -> list[str]:
    """The languages written in the pages, likeliest first for py3langid."""
    from annotator.segment.identify import _identifier

    languages = list(dict.fromkeys(lang for page in pages for lang in LEGACY_PAGES[page]))
    ranked = [lang for lang, p in _identifier().rank(text) if lang in languages]
    return ranked + [lang for lang in languages if lang not in ranked]


@functools.lru_cache(maxsize=20_000)
def _is_word(lang: str, word: str) -> bool:
    """Is the word, as written or (a capitalised or upper-case word) in small letters, in
    simplemma's dictionary of the language?"""
    import simplemma

    forms = [word] + ([word.lower()] if word.istitle() or word.isupper() else [])
    return any(simplemma.is_known(form, lang=lang) for form in forms)


def _oddness(text: str, page: str) -> int:
    """How unlike text of the page's languages a decoding reads: characters none of them writes
    (for the language that writes most of them), plus words that mix scripts, put a capital after
    a small letter, begin with a combining mark or hold a final form amid it (Greek ς, Hebrew ם:
    Russian in windows-1251 read as windows-1253 is Greek letters, with ς for т)."""
    odd = Counter(c for c in text if ord(c) > 127 and c not in PUNCTUATION and not c.isspace())
    foreign = min(sum(n for c, n in odd.items() if not _writes(lang, c)) for lang in LEGACY_PAGES[page])
    marks = sum(1 for m in _WORD_START.finditer(text) if unicodedata.category(m.group()) == "Mn")
    # words of ASCII alone read alike in every page: only the others tell pages apart
    return foreign + marks + sum(1 for word in _WORD.findall(text) if not word.isascii() and (
        len({_script(c) for c in word}) > 1
        or any(a.islower() and b.isupper() for a, b in zip(word, word[1:]))
        or any(_final(c) for c in word[:-1])))


@functools.cache
def _writes(lang: str, c: str) -> bool:
    letters = LETTERS[lang]
    if letters.isupper():  # a script by name: its letters, marks, digits (CJK's stops: ・) but not its signs (฿ amid Thai is KOI8-R)
        kinds = "LMNP" if "CJK" in letters else "LMN"
        return ((_script(c) in letters.split() and unicodedata.category(c)[0] in kinds)
                or ("CJK" in letters and (0xFF00 <= ord(c) <= 0xFFEF or 0x3000 <= ord(c) <= 0x303F)))
    return c.lower() in letters


@functools.cache
def _final(c: str) -> bool:
    return ord(c) > 127 and "FINAL" in unicodedata.name(c, "")


@functools.cache
def _script(c: str) -> str:
    """The script of a character by its Unicode name ("LATIN", "CYRILLIC"), Japanese and Chinese as one."""
    if ord(c) < 128:
        return "LATIN"
    script = unicodedata.name(c, "").split(" ")[0]
    return "CJK" if script in ("HIRAGANA", "KATAKANA", "KATAKANA-HIRAGANA", "IDEOGRAPHIC") else script


def _fit(text: str, pages: list[str]) -> float:
    """py3langid's probability of the likeliest of the languages written in the pages (the likeliest,
    not their sum: a page that serves more languages is no likelier for it)."""
    from annotator.segment.identify import _identifier

    languages = {lang for page in pages for lang in LEGACY_PAGES[page]}
    return max((p for lang, p in _identifier().rank(text) if lang in languages), default=0.0)

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)


def decode(data: bytes, path: str, *, html: bool = False) -> str:
    """Decode a file's bytes: a BOM wins, then the encoding `import --encoding` names, then (for HTML)
    a declared charset, then (with --encoding auto) the legacy code page that reads best, else
    strict UTF-8. Labels are read as browsers read them (the WHATWG Encoding Standard: a page
    declaring iso-8859-1 is windows-1252). How the file was read is left in `chosen` when it was
    asked for or not UTF-8. Raises InputError (one line) for bytes the encoding does not decode and
    for a legacy decoding holding C1 control characters (U+0080-U+009F), which text never holds: the
    file is in another code page.

    The result has Unix line ends, so sentence offsets refer to the stored text.
    """
    if not data.strip():
        raise InputError(path, "file is empty")
    text = None
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(encoding)
            except UnicodeDecodeError as err:
                raise InputError(path, f"not valid {encoding} after its byte-order mark ({err.reason} at byte {err.start})") from None
            break
    if text is None:
        text = _decode_legacy(data, path, html)
    text = clean_text(_said_mojibake(text))
    if not text.strip():
        raise InputError(path, "file is empty")
    return text


def _decode_legacy(data: bytes, path: str, html: bool) -> str:
    asked = _ASKED.get()
    if asked in (None, "auto") and b"\x00" in data[:8192]:
        raise InputError(path, "binary file (contains NUL bytes), not text")
    name, said_as = "utf-8", None
    declared = _DECLARED.get() if asked in (None, "auto") else None  # an HTTP Content-Type's charset first
    if declared is None and html and asked in (None, "auto"):
        meta = _META_CHARSET.search(data[:4096])
        declared = meta.group(1).decode("ascii") if meta else None
    if asked not in (None, "auto"):
        name, said_as = _named(asked, "given as")
    elif declared:
        label = declared
        try:
            name, said_as = _named(label, "declared")
        except ValueError as err:
            raise InputError(path, f"declares {err}") from None
    elif asked == "auto":
        name = _detect(data, path)
    codec = _codec(name)
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as err:
        shown = "UTF-8" if codec == "utf-8" else said_as or name
        if codec == "utf-8" and asked is None:
            _refuse_mixed(data, path, err)
            raise InputError(path, f"not valid UTF-8 (byte 0x{data[err.start]:02x} at offset {err.start}); "
                                   "try --encoding auto, or give its encoding with --encoding NAME") from None
        raise InputError(path, f"not valid {shown} (byte 0x{data[err.start]:02x} at offset {err.start})") from None
    escape = _ISO_2022_JP.search(data) if codec != "iso2022-jp" else None
    if escape:  # 7-bit bytes every page decodes, left holding the ESC control character
        raise InputError(path, f"read as {said_as or name} it holds ISO-2022-JP escape sequences (the first at "
                               f"byte {escape.start()}): it is Japanese in ISO-2022-JP; give --encoding iso-2022-jp "
                               "or --encoding auto")
    c1 = _C1.search(text) if codec != "utf-8" else None
    if c1 and declared and asked == "auto":  # a page's wrong label: what the bytes read best as wins
        name = _detect(data, path)
        text = data.decode(_codec(name))
        said_as = f"{name} (declared {declared}, which leaves C1 control characters)"
    elif c1:
        raise InputError(path, f"read as {said_as or name} it holds a C1 control character (U+{ord(c1.group()):04X} "
                               f"at character {c1.start()}), which text never holds: it is in another encoding; "
                               "try --encoding auto")
    if asked or codec != "utf-8":
        chosen.set(said_as or name)
    return text


def _named(label: str, how: str) -> tuple[str, str]:
    """(the encoding a label names, how to say it): the WHATWG name, with the label given where it
    decodes otherwise ("windows-1252 (declared iso-8859-1)"), else the label as given ("cp1252").
    Raises ValueError naming the label when it is no text encoding."""
    # utf-16 in a page's own <meta> cannot be (the tag was read as ASCII), and browsers take x-user-defined as windows-1252
    if how == "declared" and WHATWG.get(label.strip().lower()) in ("UTF-16LE", "UTF-16BE", "x-user-defined"):
        name = "utf-8" if "UTF-16" in WHATWG[label.strip().lower()] else "windows-1252"
        return name, f"{name} ({how} {label})"
    found = whatwg(label)
    if found is None:
        try:
            info = codecs.lookup(label)
        except LookupError:
            raise ValueError(f"unknown charset {label!r}" if how == "declared" else f"unknown encoding {label!r}") from None
        if not getattr(info, "_is_text_encoding", True):  # "hex", "base64": codecs, not charsets
            raise ValueError(f"{label!r}, which is not a text encoding")
        found = whatwg(info.name)  # Python's spellings of the standard's labels: "latin-1", "iso8859_9"
        if found is None:
            return info.name, label
    name, codec = found
    try:
        own = codecs.lookup(label).name
    except LookupError:
        own = None
    if name == "UTF-8":
        return "utf-8", None
    return name, (label if own == codecs.lookup(codec).name else f"{name} ({how} {label})")


# UTF-8 read as windows-1252 (or Latin-1) and saved as UTF-8 again: a lead byte (Â-ß, à-ï, ð-ô) then
# the one, two or three continuation bytes (0x80-0xBF) it calls for, as that code page shows them:
# "Ã©" for "é", "â€™" for "’"
_SHOWN_AS_1252 = "[" + re.escape("".join(bytes([b]).decode("cp1252", "ignore") or chr(b) for b in range(0x80, 0xC0))) + "]"
_MOJIBAKE = re.compile(f"[\u00c2-\u00df]{_SHOWN_AS_1252}|[\u00e0-\u00ef]{_SHOWN_AS_1252}{{2}}"
                       f"|[\u00f0-\u00f4]{_SHOWN_AS_1252}{{3}}")
_REPAIR = {"on": False}  # set for one import by mojibake_repaired(); forked readers inherit it


def _unmangled(passage: str) -> str | None:
    """The character a mojibake passage stands for, or None when it is not one."""
    try:
        return passage.encode("cp1252").decode("utf-8")
    except UnicodeEncodeError:  # a byte windows-1252 leaves undefined, shown as its C1 character
        try:
            return bytes(ord(c) if ord(c) < 256 else c.encode("cp1252")[0] for c in passage).decode("utf-8")
        except (UnicodeError, ValueError):
            return None
    except UnicodeDecodeError:
        return None


def mojibake(text: str) -> tuple[int, str | None]:
    """(how many passages of the text are UTF-8 shown as windows-1252, the first as "Ã© for é")."""
    found = [(m.group(), fixed) for m in _MOJIBAKE.finditer(text) if (fixed := _unmangled(m.group()))]
    return len(found), (f"{found[0][0]} for {found[0][1]}" if found else None)


def unmangle(text: str) -> str:
    """The text with each passage mojibake() counts replaced by the character it stands for, again
    while any is left (a text mangled twice: "ÃƒÂ©"), at most three times. Only those: ftfy's
    fix_encoding, tried, also turns a Portuguese "Ã " into "à", a change no count would have told."""
    for _ in range(3):
        fixed = _MOJIBAKE.sub(lambda m: _unmangled(m.group()) or m.group(), text)
        if fixed == text:
            break
        text = fixed
    return text


@contextmanager
def mojibake_repaired(on: bool = True):
    """Repair mojibake in the files read while the block runs, instead of only saying it."""
    before, _REPAIR["on"] = _REPAIR["on"], on
    try:
        yield
    finally:
        _REPAIR["on"] = before


def _said_mojibake(text: str) -> str:
    """The text, its mojibake repaired when asked for; either way the count is left as a note."""
    count, example = mojibake(text)
    if not count:
        return text
    passages = f"{count} passage{'s' if count != 1 else ''}"
    if _REPAIR["on"]:
        note(f"repaired {passages} of mojibake ({example.replace(' for ', ' to ')})")
        return unmangle(text)
    note(f"{passages} look{'s' if count == 1 else ''} like mojibake ({example}); imported as written; "
         "import --fix-mojibake repairs them")
    return text


def clean_text(text: str) -> str:
    """Unix line ends, no NUL characters and none of the invisible ones a reader never sees (soft
    hyphens, zero-width spaces: annotator.invisible): what every stored document text looks like."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        text = text.replace("\x00", "")
    return imported_text(text)


def check_encodable(text: str, path: str, line: int | None = None) -> None:
    """Lone surrogates (possible from JSON escapes) cannot be stored as UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        raise InputError(path, f"text holds a lone surrogate (U+{ord(text[err.start]):04X}) at character {err.start}", line) from None
