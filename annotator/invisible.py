"""Characters a reader never sees: Unicode's default-ignorable code points (soft hyphen U+00AD,
zero-width space U+200B, zero-width non-joiner and joiner U+200C/U+200D, word joiner U+2060, the
byte-order mark U+FEFF used as a zero-width no-break space, bidirectional marks, variation selectors,
tag characters). A scraped copy of a sentence often carries some, and two copies then differ where a
reader sees no difference; they are ignored when sentences are compared (`strip_invisible`) and removed
from imported text (`imported_text`), which keeps the joiners that shape Persian, Indic and emoji text:
a zero-width non-joiner or joiner between two characters that are not both Latin, Greek or Cyrillic
("می‌خواهم", "क्‍ष", a family emoji) is writing, not noise.

Source: the Default_Ignorable_Code_Point property of the Unicode Character Database
(DerivedCoreProperties.txt, Unicode 15.1), less U+115F/U+1160/U+3164/U+FFA0, Hangul fillers that
stand for a sound in old Korean text.
"""

from __future__ import annotations

import re

# Default_Ignorable_Code_Point, Unicode 15.1 (the Hangul fillers left out, see above)
_RANGES = [
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x17B4, 0x17B5), (0x180B, 0x180F),
    (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF),
    (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0000, 0xE0FFF),
]
INVISIBLE = re.compile("[" + "".join(f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in _RANGES) + "]")


def strip_invisible(text: str) -> str:
    """The text without its default-ignorable characters (the same text when it has none)."""
    if text.isascii():
        return text
    return INVISIBLE.sub("", text)


_JOINERS = "\u200c\u200d"


def imported_text(text: str) -> str:
    """The text as stored on import: without its default-ignorable characters, but for the joiners
    that shape a script written with them (see the module's docstring)."""
    if text.isascii() or INVISIBLE.search(text) is None:
        return text
    if "\u200c" not in text and "\u200d" not in text:
        return INVISIBLE.sub("", text)
    return INVISIBLE.sub(lambda found: found.group() if found.group() in _JOINERS and _shaping(
        found.string, found.start()) else "", text)


def _shaping(text: str, at: int) -> bool:
    """Does the joiner at text[at] stand between two characters of which one is not Latin, Greek or
    Cyrillic (and not a space)?"""
    before = text[at - 1] if at else " "
    after = text[at + 1] if at + 1 < len(text) else " "
    if before.isspace() or after.isspace():
        return False
    return not (_alphabetic(before) and _alphabetic(after))


def _alphabetic(char: str) -> bool:
    return char.isascii() or "\u00c0" <= char <= "\u052f" or "\u1e00" <= char <= "\u1fff"
