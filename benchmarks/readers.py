"""Readers (issue 28): what the text of a legacy file, a web page or a PDF comes out as, and how fast.

usage: python benchmarks/readers.py encodings [CORPUS_DIR]   detection accuracy on files written in
                                                             10+ legacy code pages (short and long)
       python benchmarks/readers.py html BENCHMARK_DIR       sentence precision and recall of the main
                                                             text on a public page benchmark, ours and
                                                             trafilatura's default settings
       python benchmarks/readers.py pdf                      PDF pages per second

Each part prints its table; the figures go into benchmarks/RESULTS.md and the README.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def encodings(args: list[str]) -> None:
    raise SystemExit("encodings: not written yet")


def html(args: list[str]) -> None:
    """BENCHMARK_DIR holds the ScrapingHub article-extraction benchmark's `html/*.html.gz` and
    `ground-truth.json` (github.com/scrapinghub/article-extraction-benchmark, 181 real news pages, the
    expected main text as `articleBody`). A sentence counts as right when its normalised form is among
    the expected ones (each expected sentence matched once). `articleBody` leaves the headline out, which
    annotator keeps as the first line: sentences of the page's title count neither way, for both."""
    import gzip
    import json

    import trafilatura

    from annotator.readers.decode import decode
    from annotator.readers.html import to_text

    if len(args) != 1:
        raise SystemExit("usage: python benchmarks/readers.py html BENCHMARK_DIR")
    folder = Path(args[0])
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for key, expected in sorted(truth.items()):
        page = decode(gzip.decompress((folder / "html" / f"{key}.html.gz").read_bytes()), key, html=True)
        title = getattr(trafilatura.extract_metadata(page), "title", None) or ""
        pages.append((page, _sentence_counts(expected["articleBody"]), _sentence_counts(title)))
    extractors = {"annotator (readers/html.py)": lambda page: to_text(page)[0],
                  "trafilatura.extract(), default settings": lambda page: trafilatura.extract(page) or ""}
    print(f"{len(pages)} pages of {folder}")
    print("| extractor | sentences found | expected | right | precision | recall | F1 | seconds |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, extract in extractors.items():
        found = expected = right = 0
        start = time.perf_counter()
        texts = [extract(page) for page, _, _ in pages]
        seconds = time.perf_counter() - start
        for text, (_, want, title) in zip(texts, pages):
            got = _sentence_counts(text)
            got -= Counter({key: got[key] for key in title if key not in want})
            found, expected = found + sum(got.values()), expected + sum(want.values())
            right += sum((got & want).values())
        precision, recall = right / max(found, 1), right / max(expected, 1)
        f1 = 2 * precision * recall / max(precision + recall, 1e-9)
        print(f"| {name} | {found} | {expected} | {right} | {precision:.3f} | {recall:.3f} | {f1:.3f} | {seconds:.1f} |")


def _sentence_counts(text: str) -> Counter:
    """The text's sentences as annotator cuts them, compared without case, spacing or punctuation
    (extractors differ in quotes and dashes, not in what they kept)."""
    import unicodedata

    from annotator.segment import sentences

    counts = Counter()
    for _, _, sentence in sentences(text, "en"):
        key = "".join(ch for ch in unicodedata.normalize("NFKC", sentence).casefold() if ch.isalnum())
        if key:
            counts[key] += 1
    return counts


def pdf(args: list[str]) -> None:
    raise SystemExit("pdf: not written yet")


PARTS = {"encodings": encodings, "html": html, "pdf": pdf}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in PARTS:
        raise SystemExit(__doc__)
    PARTS[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
