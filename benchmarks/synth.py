"""Synthetic news-like corpora for the benchmarks, with a known ground truth of near-duplicates."""

from __future__ import annotations

import itertools
import json
import random
import subprocess
import sys
from pathlib import Path


def write_corpus_in_child(folder: Path, sentences: int) -> None:
    """write_corpus in another process, so the caller's peak memory stays its own; the ground truth
    goes to folder/truth.json."""
    subprocess.run([sys.executable, __file__, str(sentences), str(folder)], check=True)


def read_truth(folder: Path) -> list[list[tuple[str, int]]]:
    return [[tuple(m) for m in family] for family in json.loads((folder / "truth.json").read_text())]


def run_child(script: str, size: int) -> dict:
    """Run `script --one SIZE` in a fresh process (so its peak memory is its own); its last line is JSON."""
    out = subprocess.run([sys.executable, script, "--one", str(size)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])

_SYLLABLES = ["ka", "lo", "mer", "tan", "vi", "sol", "ra", "den", "por", "li", "stra", "qu", "ne", "bor", "gal",
              "mi", "tor", "an", "el", "cas", "ver", "un", "dra", "pel", "sin", "ho", "ju", "fre", "ost", "wy"]
# before issue 27 a copy could also change a word or gain a clause ("officials said on Monday"): those
# state other facts under its rule, and the same-fact guard keeps them apart
FUNCTION_WORDS = ["the", "that", "of", "and", "in"]


def vocabulary(size: int, rng: random.Random) -> list[str]:
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 4))))
    return sorted(words)


class Generator:
    def __init__(self, seed: int = 7, vocab: int = 30_000):
        self.rng = random.Random(seed)
        self.words = vocabulary(vocab, self.rng)
        # Zipf-like weights: a few words are very common, most are rare, as in news text
        self.cum_weights = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(self.words))))

    def sentence(self, low: int = 12, high: int = 28) -> str:
        n = self.rng.randint(low, high)
        words = self.rng.choices(self.words, cum_weights=self.cum_weights, k=n)
        words[0] = words[0].capitalize()
        return " ".join(words) + self.rng.choice(".....?!")

    def variant(self, sentence: str) -> str:
        """A near-duplicate stating the same fact (issue 27's rule: every difference harmless):
        punctuation, a function word added, case, or quote marks around it."""
        kind = self.rng.randrange(4)
        if kind == 0:
            body = sentence.rstrip(".?!")
            return body.replace(" ", ", ", 1) + ("!" if sentence.endswith(".") else ".")
        if kind == 1:
            words = sentence.split(" ")
            words.insert(self.rng.randrange(1, len(words) - 1), self.rng.choice(FUNCTION_WORDS))
            return " ".join(words)
        if kind == 2:
            return sentence.upper() if self.rng.random() < 0.3 else sentence.lower()
        return "\u201c" + sentence + "\u201d"


def write_corpus(folder: Path, sentences: int, *, dup_share: float = 0.1, per_doc: int = 40,
                 docs_per_file: int = 500, seed: int = 7, sources: int = 0) -> list[list[tuple[str, int]]]:
    """Write JSONL files holding about `sentences` sentences; return the true near-duplicate families.

    Each family is a list of (doc id, sentence index). A share of the sentences are copies
    (exact or edited) of earlier ones, placed in other documents, as syndicated copy is.
    """
    gen = Generator(seed)
    rng = gen.rng
    folder.mkdir(parents=True, exist_ok=True)
    families: dict[int, list[tuple[str, int]]] = {}
    originals: list[tuple[int, str]] = []
    written = doc_no = file_no = 0
    out = None
    while written < sentences:
        if doc_no % docs_per_file == 0:
            if out:
                out.close()
            out = open(folder / f"part-{file_no:05d}.jsonl", "w")
            file_no += 1
        doc_id = f"doc-{doc_no:07d}"
        lines = []
        for index in range(min(per_doc, sentences - written)):
            if originals and rng.random() < dup_share:
                family, base = rng.choice(originals)
                text = base if rng.random() < 0.3 else gen.variant(base)
            else:
                text = gen.sentence()
                family = len(families)
                families[family] = []
                originals.append((family, text))
            families[family].append((doc_id, index))
            lines.append(text)
        # the corpus imitates English news (its copies gain English function words): it says so, as a
        # source that knows its language does, rather than leave made-up words to the identifier
        record = {"id": doc_id, "text": "\n".join(lines), "language": "en"}
        if sources:  # an outlet and a date in 2024 for each document
            record["source"] = f"outlet-{doc_no % sources:05d}"
            record["date"] = f"2024-{1 + doc_no % 12:02d}-{1 + doc_no % 28:02d}"
        out.write(json.dumps(record) + "\n")
        written += len(lines)
        doc_no += 1
    out.close()
    return [members for members in families.values() if len(members) > 1]


if __name__ == "__main__":
    target = Path(sys.argv[2])
    truth = write_corpus(target, int(sys.argv[1]))
    (target / "truth.json").write_text(json.dumps(truth))
