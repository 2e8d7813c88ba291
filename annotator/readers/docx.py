"""Word documents (.docx): the body's text as Word shows it, one block per paragraph, heading and
table cell, through python-docx (the `docx` extra). Headers, footers, footnotes and comments live in
parts of their own and are left out: they are not the text of the body."""

from __future__ import annotations

import io
import zipfile
from collections import Counter

from annotator.model import Document, InputError
from annotator.readers.decode import clean_text
from annotator.segment.identify import given, identify

MISSING = "DOCX import needs the docx extra: pip install 'annotator[docx]'"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a compound file: a Word 97-2003 .doc, or an encrypted .docx
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# what holds runs a reader of the paragraph does not see in it: deleted and moved-away text, text
# boxes (read as blocks of their own, once)
_NOT_SHOWN = frozenset({f"{_W}del", f"{_W}moveFrom", f"{_W}txbxContent", _FALLBACK})
# what ends a sentence at a manual line break, so that the break stays one (an address, a list)
_ENDS_SENTENCE = ".!?:;\u2026\"'\u201d\u00bb\u3002\uff01\uff1f\u0964\u06d4\u061f"


def available() -> bool:
    """Can Word documents be read here (is the docx extra installed)?"""
    import importlib.util

    return importlib.util.find_spec("docx") is not None


def read(data: bytes, path: str, name: str) -> list[Document]:
    """One Document: paragraphs, headings and table cells in the body's order, each a block apart by
    a blank line. Its title is the core properties' title, else the first heading; its language the
    one its text reads as, else the most common w:lang of its runs (or its styles' default). Raises
    InputError (one line): the extra is missing, the file is encrypted, a .doc, or no Word document."""
    try:
        import docx
        from docx.opc.exceptions import PackageNotFoundError
    except ImportError:
        raise InputError(path, MISSING) from None
    if data.startswith(_OLE):
        raise InputError(path, "encrypted, or a Word 97-2003 document: save it as an unprotected .docx")
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as err:
        raise InputError(path, f"not a readable Word document ({type(err).__name__}: {str(err)[:120]})") from None
    blocks: list[str] = []
    headings: list[str] = []
    for text, heading in _blocks(document):
        blocks.append(text)
        if heading:
            headings.append(text)
    text = clean_text("\n\n".join(blocks))
    if not text.strip():
        raise InputError(path, "no text in its body")
    title = " ".join((document.core_properties.title or "").split()) or (headings[0] if headings else None)
    language = None if identify(text) else _declared_language(document)
    return [Document(name=name, text=text, title=title, language=language,
                     language_from="field" if language else None)]


def _blocks(container, seen: set | None = None):
    """(text, is a heading) of each non-empty paragraph and table cell, in order; a cell merged over
    several columns or rows is read once."""
    from docx.table import Table

    seen = set() if seen is None else seen
    for item in container.iter_inner_content():
        if isinstance(item, Table):
            for row in item.rows:
                for cell in row.cells:
                    if cell._tc in seen:
                        continue
                    seen.add(cell._tc)
                    yield from _blocks(cell, seen)
            continue
        text = _text(item).strip()
        if text:
            yield text, _is_heading(item)
        yield from _text_boxes(item)


def _text_boxes(paragraph):
    """(text, False) of each paragraph of the text boxes anchored to a paragraph (a quote set apart,
    a fact box), after it; the copy stored for older readers (mc:Fallback) is skipped."""
    from docx.text.paragraph import Paragraph

    for box in paragraph._p.iter(f"{_W}txbxContent"):
        if any(ancestor.tag == _FALLBACK for ancestor in box.iterancestors()):
            continue
        for inner in box.iter(f"{_W}p"):
            text = _text(Paragraph(inner, paragraph._parent)).strip()
            if text:
                yield text, False


def _text(paragraph) -> str:
    """A paragraph's text as Word shows it with its tracked changes accepted: its runs, in links and
    insertions too (python-docx's Paragraph.text leaves insertions out), not in deletions, nor in
    text boxes anchored to it (drawn apart from the paragraph: _text_boxes)."""
    from docx.text.run import Run

    parts = []
    for run in paragraph._p.iter(f"{_W}r"):
        ancestor = run.getparent()
        while ancestor is not None and ancestor is not paragraph._p:
            if ancestor.tag in _NOT_SHOWN:
                break
            ancestor = ancestor.getparent()
        else:
            parts.append(Run(run, paragraph).text)
    return _unbroken("".join(parts))


def _unbroken(text: str) -> str:
    """The paragraph with its manual line breaks (Shift+Enter, read as "\n") inside a sentence made
    spaces: Word's writers set them to shape a line, not to end a sentence ("Ein Satz mit" /
    "manuellem Zeilenumbruch"). One after a sentence's end, or before a line that opens with no
    letter or digit (a bullet, a dash), stays a line break."""
    lines = text.split("\n")
    out = lines[0]
    for line in lines[1:]:
        before, after = out.rstrip(), line.lstrip()
        if not before or not after or before[-1] in _ENDS_SENTENCE or not after[0].isalnum():
            out += "\n" + line
        else:
            out = before + " " + after
    return out


def _is_heading(paragraph) -> bool:
    """A Title or Heading style, or a paragraph given an outline level."""
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    if style.lower().startswith(("heading", "title")):
        return True
    properties = paragraph._p.pPr
    return properties is not None and properties.find(f"{_W}outlineLvl") is not None


def _declared_language(document) -> str | None:
    """The stored form (identify.given) of the most common w:lang of the body's runs that is a language
    code, else of the styles' default; None when neither gives one."""
    found = Counter(
        lang.get(f"{_W}val") for lang in document.element.body.iter(f"{_W}lang") if lang.get(f"{_W}val"))
    if not found:
        defaults = document.styles.element.find(f"{_W}docDefaults")
        found = Counter(lang.get(f"{_W}val") for lang in ([] if defaults is None else defaults.iter(f"{_W}lang"))
                        if lang.get(f"{_W}val"))
    for value, _count in found.most_common():
        try:
            return given(value)
        except ValueError:
            continue  # no language code: the next most common
    return None
