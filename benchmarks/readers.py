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


def encodings(args: list[str]) -> None:
    raise SystemExit("encodings: not written yet")


def html(args: list[str]) -> None:
    raise SystemExit("html: not written yet")


def pdf(args: list[str]) -> None:
    raise SystemExit("pdf: not written yet")


PARTS = {"encodings": encodings, "html": html, "pdf": pdf}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in PARTS:
        raise SystemExit(__doc__)
    PARTS[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
