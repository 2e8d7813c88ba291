"""Compare sentence segmenters on the hard cases of tests/test_segment.py and on speed.

usage: python benchmarks/segmenters.py
Each candidate runs after splitting on line breaks, as annotator does; candidates that are not
installed (pysbd, blingfire, syntok are not dependencies) are skipped.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from test_segment import CASES  # noqa: E402


def candidates():
    import sentencex

    yield "sentencex", lambda line: sentencex.segment("en", line)
    try:
        import pysbd

        seg = pysbd.Segmenter(language="en", clean=False)
        yield "pysbd", seg.segment
    except ImportError:
        pass
    try:
        import blingfire

        yield "blingfire", lambda line: blingfire.text_to_sentences(line).split("\n")
    except ImportError:
        pass
    try:
        from syntok import segmenter

        def syntok_split(line):
            return ["".join(t.spacing + t.value for t in s).strip() for p in segmenter.process(line) for s in p]

        yield "syntok", syntok_split
    except ImportError:
        pass


def split(fn, text):
    return [s.strip() for line in text.split("\n") if line.strip() for s in fn(line) if s.strip()]


def main() -> None:
    article = (ROOT / "corpus" / "iraq-battleground.txt").read_text()
    print("| segmenter | hard cases right | speed (MB/s) |")
    print("|---|---:|---:|")
    for name, fn in candidates():
        right = sum(split(fn, text) == expected for text, expected in CASES)
        sample = article * (40 if name in ("pysbd", "syntok") else 400)
        start = time.perf_counter()
        split(fn, sample)
        speed = len(sample.encode()) / (time.perf_counter() - start) / 1e6
        print(f"| {name} | {right}/{len(CASES)} | {speed:.1f} |")


if __name__ == "__main__":
    main()
