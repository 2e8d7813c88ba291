"""What one label covers: the members of a sentence's group whose text differs from it, word by word.

A group is labeled once, so an annotator should see every wording the label will be given to;
`annotator dupes split DOC:N` takes a member out when the wording changes the fact.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from annotator.wording import sentence_ref

_TOKEN = re.compile(r"\S+")


@dataclass(frozen=True)
class Variant:
    doc: str
    index: int
    text: str
    pieces: tuple[tuple[str, str], ...]  # (text, "same" | "changed" | "missing"), spaces included

    @property
    def ref(self) -> str:
        """DOC:N, N counting from 1 as the screen does."""
        return sentence_ref(self.doc, self.index)


def word_diff(base: str, other: str) -> list[tuple[str, str]]:
    """`other` cut into runs of words: "same" as in `base`, "changed" (not in `base`), or "missing"
    (words of `base` that `other` lacks, placed where they would be)."""
    a, b = _TOKEN.findall(base), _TOKEN.findall(other)
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append((" ".join(b[j1:j2]), "same"))
            continue
        if i2 > i1 and op in ("delete", "replace"):
            out.append((" ".join(a[i1:i2]), "missing"))
        if j2 > j1:
            out.append((" ".join(b[j1:j2]), "changed"))
    return out


def variants(store, sentence, limit: int = 4) -> tuple[list[Variant], int]:
    """Up to `limit` differently worded members of the sentence's group (first found first), and how
    many different wordings there are in all."""
    rows, total = store.group_variants(sentence.group_id, sentence.text, limit)
    return [Variant(doc, index, text, tuple(word_diff(sentence.text, text))) for doc, index, text in rows], total
