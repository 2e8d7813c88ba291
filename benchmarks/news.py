"""Sentences and groups on real news text: segmentation against a treebank's own sentence boundaries,
and grouping of real wire copy.

usage: python benchmarks/news.py --ud FILE.conllu... --reuters FOLDER [--docs N]

--ud       Universal Dependencies CoNLL-U files (their `# text =` lines are the source's sentences),
           e.g. UniversalDependencies/UD_English-GUM, not-to-release/sources/GUM_news_*.conllu, and
           UniversalDependencies/UD_English-PUD, en_pud-ud-test.conllu (its n* sentences are news).
           Whole sentences (ending in . ! ? or an ellipsis, opening with a capital, a digit or a
           quote, with balanced double quotes) are set four to a paragraph, as they are in the
           source, and each must come out of the segmenter whole.
--reuters  the reut2-*.sgm files of Reuters-21578 (wire copy of 1987, with its market reports and
           recurring formulas), e.g. the reuters21578/ folder of colibri17/TextCategorization.
           Bodies are unwrapped (an indented line starts a paragraph), imported and grouped; then
           every pair of distinct sentences of four words or more is compared exhaustively, which
           is the ground truth: a near-copy is a pair at rapidfuzz ratio >= 90 that the same-fact
           guard (annotator.dedup.facts) passes.
"""

from __future__ import annotations

import argparse
import glob
import html
import itertools
import json
import re
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process

from annotator import dedup
from annotator.ingest import import_paths
from annotator.segment import sentences
from annotator.store import Store

_WHOLE = re.compile(r"[.!?\u2026][\"'\u201d\u2019)\]]*$")
_GOLDEN = Path(__file__).resolve().parent.parent / "tests" / "data" / "golden_rules_en.json"


def ud_documents(paths: list[str], news_only: bool) -> list[list[str]]:
    """Each file's sentences in order (PUD's documents are a few sentences each: a paragraph of four
    runs on into the next one, as sentences from one page would)."""
    docs: list[list[str]] = []
    keep = True
    for path in paths:
        docs.append([])
        for line in open(path, encoding="utf-8"):
            if line.startswith("# sent_id = "):
                keep = not news_only or not line[12:].startswith("w")  # PUD: n... news, w... Wikipedia
            elif line.startswith("# text = ") and keep:
                docs[-1].append(line[9:].strip())
    return [d for d in docs if d]


def whole_sentences(sentence: str) -> bool:
    quotes = sum(sentence.count(q) for q in "\"\u201c\u201d")
    return bool(_WHOLE.search(sentence)) and quotes % 2 == 0 and (sentence[0].isupper() or sentence[0].isdigit()
                                                                   or sentence[0] in "\"'\u201c\u2018(")


def segmentation(docs: list[list[str]], segment) -> tuple[int, int, list[str]]:
    total = whole = 0
    broken = []
    for doc in docs:
        usable = [s for s in doc if whole_sentences(s)]
        for i in range(0, len(usable) - 3, 4):
            group = usable[i : i + 4]
            found = set(segment(" ".join(group)))
            for s in group:
                total += 1
                if s in found:
                    whole += 1
                else:
                    broken.append(s)
    return total, whole, broken


def annotator_segment(text: str) -> list[str]:
    return [s for _, _, s in sentences(text)]


def sentencex_alone(text: str) -> list[str]:
    import sentencex

    return [s.strip() for s in sentencex.segment("en", text) if s.strip()]


def reuters_documents(folder: str, limit: int | None) -> list[dict]:
    docs = []
    for path in sorted(glob.glob(str(Path(folder) / "reut2-*.sgm"))):
        raw = open(path, encoding="latin-1").read()
        for story in re.findall(r"<REUTERS.*?</REUTERS>", raw, re.S):
            body = re.search(r"<BODY>(.*?)</BODY>", story, re.S)
            if not body:
                continue
            title = re.search(r"<TITLE>(.*?)</TITLE>", story, re.S)
            number = re.search(r'NEWID="(\d+)"', story).group(1)
            text = html.unescape(body.group(1)).replace("\x03", "")
            text = re.sub(r"\s*Reuter\s*$", "", text.strip())
            text = re.sub(r"\n(?!\s)", " ", text)  # a wrapped line goes on; an indented one starts a paragraph
            text = "\n".join(line.strip() for line in text.split("\n") if line.strip())
            docs.append({"id": f"reuters-{number}", "title": html.unescape(title.group(1)) if title else None,
                         "text": text})
            if limit and len(docs) >= limit:
                return docs
    return docs


def grouping(docs: list[dict]) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "reuters.jsonl"
        corpus.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
        store = Store(Path(tmp) / "news.db")
        start = time.perf_counter()
        import_paths(store, [corpus], group=False)
        imported = time.perf_counter() - start
        start = time.perf_counter()
        dedup.group_pending(store)
        grouped = time.perf_counter() - start
        rows = store.query("SELECT text, group_id FROM sentences")
    sentences_total = len(rows)
    group_of: dict[str, int] = {}
    members: dict[int, set[str]] = {}
    written: dict[str, str] = {}  # a normalised text -> one sentence as written with it (the guard reads case)
    for text, group in rows:
        norm = dedup.normalise(text)
        group_of[norm] = group
        members.setdefault(group, set()).add(norm)
        written.setdefault(norm, text)

    def same_facts(a: str, b: str) -> bool:
        return dedup.same_facts(written[a], written[b], "en")

    norms = [n for n in group_of if len(dedup.words(n)) >= dedup.MIN_WORDS]
    # ground truth: every pair of distinct normalised sentences, compared exhaustively
    near, differing_numbers = [], 0
    start = time.perf_counter()
    for lo in range(0, len(norms), 2000):
        scores = process.cdist(norms[lo : lo + 2000], norms, scorer=fuzz.ratio, score_cutoff=90, workers=-1,
                               dtype=np.uint8)
        for i, j in zip(*np.nonzero(scores)):
            a, b = lo + int(i), int(j)
            if a < b:
                if same_facts(norms[a], norms[b]):
                    near.append((norms[a], norms[b]))
                else:
                    differing_numbers += 1
    truth_s = time.perf_counter() - start
    found = sum(1 for a, b in near if group_of[a] == group_of[b])
    with_copy: dict[str, bool] = {}  # sentence -> grouped with at least one of its near-copies
    for a, b in near:
        together = group_of[a] == group_of[b]
        for text in (a, b):
            with_copy[text] = with_copy.get(text, False) or together
    mixed_numbers = far_apart = 0
    for texts in members.values():
        if len(texts) < 2:
            continue
        texts = sorted(texts)
        mixed_numbers += sum(1 for a, b in itertools.combinations(texts, 2) if not same_facts(a, b))
        if min(fuzz.ratio(a, b) for a, b in itertools.combinations(texts, 2)) < 80:
            far_apart += 1
    return {
        "documents": len(docs), "sentences": sentences_total, "import_s": imported, "group_s": grouped,
        "distinct": len(norms), "near_pairs": len(near), "found": found,
        "with_copy": len(with_copy), "grouped_with_copy": sum(with_copy.values()), "differing_pairs": differing_numbers,
        "mixed_numbers": mixed_numbers, "far_apart": far_apart, "truth_s": truth_s,
        "groups": sum(1 for texts in members.values() if len(texts) > 1),
    }


def speed(docs: list[dict]) -> tuple[float, float]:
    import sentencex

    text = "\n".join(d["text"] for d in docs)
    start = time.perf_counter()
    for _ in sentences(text):
        pass
    ours = len(text.encode()) / (time.perf_counter() - start) / 1e6
    start = time.perf_counter()
    for line in text.split("\n"):
        sentencex.segment("en", line)
    alone = len(text.encode()) / (time.perf_counter() - start) / 1e6
    return ours, alone


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ud", nargs="+", default=[], help="CoNLL-U files")
    parser.add_argument("--reuters", help="folder of reut2-*.sgm")
    parser.add_argument("--docs", type=int, default=None, help="at most this many Reuters stories")
    parser.add_argument("--show", type=int, default=0, help="print this many broken sentences")
    args = parser.parse_args()

    golden = json.loads(_GOLDEN.read_text(encoding="utf-8"))
    passed = sum(annotator_segment(c["text"]) == c["sentences"] for c in golden)
    print("| figure | target | measured |\n|---|---|---:|")
    print(f"| Golden Rules (English) passed | >= 47 of 48 | {passed} of {len(golden)} |")
    if args.ud:
        docs = ud_documents(args.ud, news_only=True)
        total, whole, broken = segmentation(docs, annotator_segment)
        _, before, _ = segmentation(docs, sentencex_alone)
        print(f"| sentences whole, four to a paragraph ({total:,} news sentences) | >= 99.5% | "
              f"{100 * whole / total:.2f}% (sentencex alone: {100 * before / total:.2f}%) |")
        for s in broken[: args.show]:
            print(f"|   broken: {s[:100]} | | |", file=sys.stderr)
    if args.reuters:
        docs = reuters_documents(args.reuters, args.docs)
        ours, alone = speed(docs)
        print(f"| segmentation speed on Reuters text | >= 20 MB/s | {ours:.1f} MB/s (sentencex alone: {alone:.1f}) |")
        g = grouping(docs)
        print(f"| near-copy recall at ratio 90, the same facts (the guard) ({g['near_pairs']:,} pairs of {g['distinct']:,} "
              f"distinct sentences) | >= 0.97 | {g['found'] / max(1, g['near_pairs']):.4f} |")
        print(f"| sentences with a near-copy grouped with at least one ({g['with_copy']:,} sentences) | | "
              f"{g['grouped_with_copy'] / max(1, g['with_copy']):.4f} |")
        print(f"| pairs the same-fact guard keeps apart sharing a group (of {g['differing_pairs']:,} such "
              f"pairs at ratio >= 90) | 0 | {g['mixed_numbers']} |")
        print(f"| groups with a member under ratio 80 to another (of {g['groups']:,} groups) | 0 | {g['far_apart']} |")
        print(f"| import, {g['documents']:,} stories, {g['sentences']:,} sentences (read, segment, store) | | "
              f"{g['import_s']:.2f} s |")
        print(f"| grouping them | | {g['group_s']:.2f} s |")


if __name__ == "__main__":
    main()
