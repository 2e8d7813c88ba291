"""What the readers know of legacy encodings, as data: the WHATWG Encoding Standard's labels, the
legacy code pages users have and the languages written in each, and the letters of those languages.

A contributor adds a label, a code page or a language here without reading the decoder
(annotator/readers/decode.py).
"""

from __future__ import annotations

# The labels of the WHATWG Encoding Standard (https://encoding.spec.whatwg.org/#names-and-labels,
# its encodings.json), each encoding's name first, then its other labels. Every browser reads a
# declared charset through this table: "iso-8859-1", "latin1" and "us-ascii" are windows-1252, whose
# bytes 0x80-0x9F are the curly quotes, dashes and euro sign pages labelled so really hold.
WHATWG_LABELS: dict[str, tuple[str, ...]] = {
    "UTF-8": ("unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "utf-8", "utf8", "x-unicode20utf8"),
    "IBM866": ("866", "cp866", "csibm866", "ibm866"),
    "ISO-8859-2": ("csisolatin2", "iso-8859-2", "iso-ir-101", "iso8859-2", "iso88592", "iso_8859-2",
                   "iso_8859-2:1987", "l2", "latin2"),
    "ISO-8859-3": ("csisolatin3", "iso-8859-3", "iso-ir-109", "iso8859-3", "iso88593", "iso_8859-3",
                   "iso_8859-3:1988", "l3", "latin3"),
    "ISO-8859-4": ("csisolatin4", "iso-8859-4", "iso-ir-110", "iso8859-4", "iso88594", "iso_8859-4",
                   "iso_8859-4:1988", "l4", "latin4"),
    "ISO-8859-5": ("csisolatincyrillic", "cyrillic", "iso-8859-5", "iso-ir-144", "iso8859-5", "iso88595",
                   "iso_8859-5", "iso_8859-5:1988"),
    "ISO-8859-6": ("arabic", "asmo-708", "csiso88596e", "csiso88596i", "csisolatinarabic", "ecma-114",
                   "iso-8859-6", "iso-8859-6-e", "iso-8859-6-i", "iso-ir-127", "iso8859-6", "iso88596",
                   "iso_8859-6", "iso_8859-6:1987"),
    "ISO-8859-7": ("csisolatingreek", "ecma-118", "elot_928", "greek", "greek8", "iso-8859-7", "iso-ir-126",
                   "iso8859-7", "iso88597", "iso_8859-7", "iso_8859-7:1987", "sun_eu_greek"),
    "ISO-8859-8": ("csiso88598e", "csisolatinhebrew", "hebrew", "iso-8859-8", "iso-8859-8-e", "iso-ir-138",
                   "iso8859-8", "iso88598", "iso_8859-8", "iso_8859-8:1988", "visual"),
    "ISO-8859-8-I": ("csiso88598i", "iso-8859-8-i", "logical"),
    "ISO-8859-10": ("csisolatin6", "iso-8859-10", "iso-ir-157", "iso8859-10", "iso885910", "l6", "latin6"),
    "ISO-8859-13": ("iso-8859-13", "iso8859-13", "iso885913"),
    "ISO-8859-14": ("iso-8859-14", "iso8859-14", "iso885914"),
    "ISO-8859-15": ("csisolatin9", "iso-8859-15", "iso8859-15", "iso885915", "iso_8859-15", "l9"),
    "ISO-8859-16": ("iso-8859-16",),
    "KOI8-R": ("cskoi8r", "koi", "koi8", "koi8-r", "koi8_r"),
    "KOI8-U": ("koi8-ru", "koi8-u"),
    "macintosh": ("csmacintosh", "mac", "macintosh", "x-mac-roman"),
    "windows-874": ("dos-874", "iso-8859-11", "iso8859-11", "iso885911", "tis-620", "windows-874"),
    "windows-1250": ("cp1250", "windows-1250", "x-cp1250"),
    "windows-1251": ("cp1251", "windows-1251", "x-cp1251"),
    "windows-1252": ("ansi_x3.4-1968", "ascii", "cp1252", "cp819", "csisolatin1", "ibm819", "iso-8859-1",
                     "iso-ir-100", "iso8859-1", "iso88591", "iso_8859-1", "iso_8859-1:1987", "l1", "latin1",
                     "us-ascii", "windows-1252", "x-cp1252"),
    "windows-1253": ("cp1253", "windows-1253", "x-cp1253"),
    "windows-1254": ("cp1254", "csisolatin5", "iso-8859-9", "iso-ir-148", "iso8859-9", "iso88599", "iso_8859-9",
                     "iso_8859-9:1989", "l5", "latin5", "windows-1254", "x-cp1254"),
    "windows-1255": ("cp1255", "windows-1255", "x-cp1255"),
    "windows-1256": ("cp1256", "windows-1256", "x-cp1256"),
    "windows-1257": ("cp1257", "windows-1257", "x-cp1257"),
    "windows-1258": ("cp1258", "windows-1258", "x-cp1258"),
    "x-mac-cyrillic": ("x-mac-cyrillic", "x-mac-ukrainian"),
    "GBK": ("chinese", "csgb2312", "csiso58gb231280", "gb2312", "gb_2312", "gb_2312-80", "gbk", "iso-ir-58",
            "x-gbk"),
    "gb18030": ("gb18030",),
    "Big5": ("big5", "big5-hkscs", "cn-big5", "csbig5", "x-x-big5"),
    "EUC-JP": ("cseucpkdfmtjapanese", "euc-jp", "x-euc-jp"),
    "ISO-2022-JP": ("csiso2022jp", "iso-2022-jp"),
    "Shift_JIS": ("csshiftjis", "ms932", "ms_kanji", "shift-jis", "shift_jis", "sjis", "windows-31j", "x-sjis"),
    "EUC-KR": ("cseuckr", "csksc56011987", "euc-kr", "iso-ir-149", "korean", "ks_c_5601-1987", "ks_c_5601-1989",
               "ksc5601", "ksc_5601", "windows-949"),
    "replacement": ("csiso2022kr", "hz-gb-2312", "iso-2022-cn", "iso-2022-cn-ext", "iso-2022-kr", "replacement"),
    "UTF-16BE": ("unicodefffe", "utf-16be"),
    "UTF-16LE": ("csunicode", "iso-10646-ucs-2", "ucs-2", "unicode", "unicodefeff", "utf-16", "utf-16le"),
    "x-user-defined": ("x-user-defined",),
}

# the Python codec that decodes each WHATWG encoding as the standard does: its Shift_JIS, EUC-KR and
# Big5 are Microsoft's and Hong Kong's supersets, and GBK is decoded by the gb18030 decoder
PYTHON_CODECS: dict[str, str] = {
    "UTF-8": "utf-8", "IBM866": "cp866", "ISO-8859-8-I": "iso8859-8", "KOI8-R": "koi8-r", "KOI8-U": "koi8-u",
    "macintosh": "mac-roman", "windows-874": "cp874", "x-mac-cyrillic": "mac-cyrillic", "GBK": "gb18030",
    "gb18030": "gb18030", "IBM850": "cp850", "Big5": "big5hkscs", "EUC-JP": "euc-jp", "ISO-2022-JP": "iso2022-jp",
    "Shift_JIS": "cp932", "EUC-KR": "cp949", "UTF-16BE": "utf-16-be", "UTF-16LE": "utf-16-le",
    **{f"ISO-8859-{n}": f"iso8859-{n}" for n in (2, 3, 4, 5, 6, 7, 8, 10, 13, 14, 15, 16)},
    **{f"windows-{n}": f"cp{n}" for n in range(1250, 1259)},
}

WHATWG: dict[str, str] = {label: name for name, labels in WHATWG_LABELS.items() for label in labels}

# The legacy code pages `--encoding auto` tries on a file that is not UTF-8, most used first (the
# order breaks ties between pages that decode a text alike), with the languages written in each.
LEGACY_PAGES: dict[str, tuple[str, ...]] = {
    "windows-1252": ("en", "de", "fr", "es", "pt", "it", "nl", "sv", "da", "no", "fi", "is", "ca", "eu", "ga"),
    "windows-1250": ("pl", "cs", "sk", "hu", "sl", "hr", "bs", "ro", "sq"),
    "windows-1251": ("ru", "uk", "bg", "be", "sr", "mk"),
    "windows-1253": ("el",),
    "windows-1254": ("tr",),
    "windows-1256": ("ar", "fa", "ur"),
    "windows-1255": ("he", "yi"),
    "windows-1257": ("et", "lv", "lt"),
    "ISO-8859-15": ("en", "de", "fr", "es", "pt", "it", "nl", "sv", "da", "no", "fi", "is", "ca", "eu"),
    "ISO-8859-2": ("pl", "cs", "sk", "hu", "sl", "hr", "bs", "ro", "sq"),
    "KOI8-R": ("ru", "bg"),
    "KOI8-U": ("uk", "ru", "be"),
    "IBM866": ("ru", "bg", "uk", "be"),
    "ISO-8859-5": ("ru", "bg", "sr", "mk", "uk"),
    "ISO-8859-7": ("el",),
    "windows-874": ("th",),
    "IBM850": ("de", "fr", "es", "pt", "it", "nl", "sv", "da", "no", "fi", "is", "en"),  # DOS files of Western Europe
    "macintosh": ("en", "de", "fr", "es", "pt", "it", "nl", "sv", "da", "no", "fi", "is"),
    "Shift_JIS": ("ja",),
    "EUC-JP": ("ja",),
    "gb18030": ("zh",),
    "Big5": ("zh",),
    "EUC-KR": ("ko",),
}

LEGACY_PAGES_ORDER = {page: order for order, page in enumerate(LEGACY_PAGES)}

# the languages simplemma (a core dependency) has a dictionary of word forms of: `--encoding auto`
# tells readings apart by how many of their words it knows
DICTIONARIES = frozenset(
    "ast bg ca cs cy da de el en enm es et fa fi fr ga gd gl gv hbs hi hu hy id is it ka la lb lt lv mk ms nb nl "
    "nn pl pt ro ru se sk sl sq sv sw tl tr uk".split())

_RU = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"

# The letters each language writes beyond ASCII (lower case, as str.lower() gives them: Turkish "İ"
# is "i" and a combining dot above; CLDR's main exemplar characters), or
# for the languages of one script, that script by name (every letter of it).
LETTERS: dict[str, str] = {
    "en": "éèêëïöüçñæœ",  # loanwords: café, naïve, façade, Señor
    "de": "äöüß", "fr": "àâæçéèêëîïôœùûüÿ", "es": "áéíñóúü", "pt": "áàâãçéêíóôõú", "it": "àèéìíîòóùú",
    "nl": "áéíóúàèëïöüĳ", "sv": "åäöé", "da": "æøåé", "no": "æøåéóòô", "fi": "äöåšž", "is": "áðéíóúýþæö",
    "ca": "àçèéíïòóúü", "eu": "ñ", "ga": "áéíóú",
    "pl": "ąćęłńóśźż", "cs": "áčďéěíňóřšťúůýž", "sk": "áäčďéíĺľňóôŕšťúýž", "hu": "áéíóöőúüű", "sl": "čšž",
    "hr": "čćđšž", "bs": "čćđšž", "ro": "ăâîșțşţ", "sq": "çë",
    "tr": "çğıöşüâîûi\u0307", "et": "äöõüšž", "lv": "āčēģīķļņšūž", "lt": "ąčęėįšųūž",
    "ru": _RU, "bg": _RU.replace("ё", "").replace("ы", "").replace("э", ""),
    "uk": _RU.replace("ё", "").replace("ъ", "").replace("ы", "").replace("э", "") + "ґєії",
    "be": _RU.replace("и", "").replace("щ", "").replace("ъ", "") + "іў",
    "sr": "абвгдђежзијклљмнњопрстћуфхцчџш", "mk": "абвгдѓежзѕијклљмнњопрстќуфхцчџш",
    "el": "GREEK", "ar": "ARABIC", "fa": "ARABIC", "ur": "ARABIC", "he": "HEBREW", "yi": "HEBREW",
    "th": "THAI", "ja": "CJK HIRAGANA KATAKANA", "zh": "CJK", "ko": "HANGUL CJK",
}

# what news text holds beyond letters: quotes, dashes, currency and a few signs; anything else (¤,
# ¦, ¹, ±, a box-drawing line) in a decoded text tells of a wrong code page
PUNCTUATION = "“”„‟‘’‚‛«»‹›–—―‐‑…€£¥¢°§©®™•·\u00a0¡¿№‰†‡′″"
