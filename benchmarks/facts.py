"""One unit, one fact: does grouping join near-copies of one statement, and keep apart sentences that
state different facts, in every language?

usage: python benchmarks/facts.py [PAIRS.jsonl] [--show]

PAIRS.jsonl  one pair a line: {"language", "kind", "same", "a", "b", "source"} (default:
             benchmarks/data/facts_pairs.jsonl: real news sentences from Universal Dependencies
             treebanks, each with an edit written for it and marked same fact or different fact;
             see benchmarks/data/README.md). Kinds of different fact: negation, number value, name,
             date, antonym; of the same fact: number notation, true copy.
--show       each pair grouped wrongly (language, kind, a, b, the ratio of the two normalised
             sentences), and why, when annotator.dedup has an `explain(a, b, threshold, language)`.

Measured through the real pipeline: each pair's two sentences become two documents (one sentence
each, with the pair's language) of one JSON Lines file, which is imported into a new store and
grouped (annotator.ingest.import_paths, annotator.dedup.group_pending); a pair is joined when its
two sentences are read back with one group_id. A pair whose side the segmenter cut into more than
one sentence is reported as split and left out of the figures; a group that holds sentences of two
different pairs is reported as a cross-pair join. Targets (issue 27): no different-fact pair joined,
95% or more of the same-fact pairs joined.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

from rapidfuzz import fuzz

from annotator import dedup
from annotator.ingest import import_paths
from annotator.store import Store

_DEFAULT = Path(__file__).resolve().parent / "data" / "facts_pairs.jsonl"
DIFFERENT_KINDS = ("negation", "number value", "name", "date", "antonym")
SAME_KINDS = ("number notation", "true copy")


def read_pairs(path: Path) -> list[dict]:
    pairs = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        pair = json.loads(line)
        missing = {"language", "kind", "same", "a", "b"} - pair.keys()
        if missing:
            sys.exit(f"{path}:{number}: missing {', '.join(sorted(missing))}")
        pairs.append(pair)
    return pairs


def side_name(index: int, side: str) -> str:
    return f"pair-{index:04d}-{side}"


def measure(pairs: list[dict]) -> dict:
    """Imports and groups the pairs; returns each pair's outcome ("joined", "apart" or "split"), the
    cross-pair groups and the seconds taken."""
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "pairs.jsonl"
        with corpus.open("w", encoding="utf-8") as out:
            for i, pair in enumerate(pairs):
                for side in ("a", "b"):
                    out.write(json.dumps({"id": side_name(i, side), "title": f"pair {i} side {side}",
                                          "text": pair[side], "language": pair["language"]},
                                         ensure_ascii=False) + "\n")
        store = Store(Path(tmp) / "facts.db")
        start = time.perf_counter()
        report = import_paths(store, [corpus], group=False)
        imported = time.perf_counter() - start
        start = time.perf_counter()
        dedup.group_pending(store)
        grouped = time.perf_counter() - start
        rows = store.query("SELECT d.name, s.text, s.group_id FROM sentences s JOIN documents d ON d.id = s.doc_id "
                           "ORDER BY s.doc_id, s.idx")
        store.close()
    if report.errors:
        print("import refused:", *report.errors, sep="\n  ", file=sys.stderr)
    found: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for name, text, group in rows:
        found[name].append((text, group))
    outcomes, split = [], []
    members: dict[int, set[int]] = defaultdict(set)  # group -> pairs with a sentence in it
    for i, pair in enumerate(pairs):
        a, b = found.get(side_name(i, "a"), []), found.get(side_name(i, "b"), [])
        for _text, group in a + b:
            members[group].add(i)
        if len(a) != 1 or len(b) != 1:
            outcomes.append("split")
            split.append((i, [t for t, _ in a], [t for t, _ in b]))
        else:
            outcomes.append("joined" if a[0][1] == b[0][1] else "apart")
    cross = [sorted(held) for held in members.values() if len(held) > 1]
    return {"outcomes": outcomes, "split": split, "cross": cross, "import_s": imported, "group_s": grouped,
            "sentences": len(rows)}


def right(pair: dict, outcome: str) -> bool:
    return (outcome == "joined") == bool(pair["same"])


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def language_table(pairs: list[dict], outcomes: list[str]) -> None:
    counts: dict[str, Counter] = defaultdict(Counter)
    for pair, outcome in zip(pairs, outcomes):
        if outcome == "split":
            continue
        c = counts[pair["language"]]
        kind = "same" if pair["same"] else "different"
        c[kind] += 1
        c[kind + " joined"] += outcome == "joined"
    print("| language | same-fact pairs | joined | different-fact pairs | joined (wrongly) |")
    print("|---|---:|---:|---:|---:|")
    for language in sorted(counts):
        c = counts[language]
        print(f"| {language} | {c['same']} | {c['same joined']} ({percent(c['same joined'], c['same'])}) | "
              f"{c['different']} | {c['different joined']} |")


def kind_table(pairs: list[dict], outcomes: list[str]) -> None:
    counts: dict[str, Counter] = defaultdict(Counter)
    for pair, outcome in zip(pairs, outcomes):
        if outcome != "split":
            counts[pair["kind"]]["pairs"] += 1
            counts[pair["kind"]]["right"] += right(pair, outcome)
    known = DIFFERENT_KINDS + SAME_KINDS
    kinds = [k for k in known if k in counts] + sorted(set(counts) - set(known))
    print("| kind | fact | pairs | right | wrong |")
    print("|---|---|---:|---:|---:|")
    for kind in kinds:
        c = counts[kind]
        fact = "same: should join" if kind in SAME_KINDS else "different: should stay apart"
        print(f"| {kind} | {fact} | {c['pairs']} | {c['right']} ({percent(c['right'], c['pairs'])}) | "
              f"{c['pairs'] - c['right']} |")


def show_wrong(pairs: list[dict], outcomes: list[str]) -> None:
    try:
        from annotator.dedup import explain
    except ImportError:
        explain = None
    print("\nPairs grouped wrongly:\n")
    for i, (pair, outcome) in enumerate(zip(pairs, outcomes)):
        if outcome == "split" or right(pair, outcome):
            continue
        ratio = fuzz.ratio(dedup.normalise(pair["a"]), dedup.normalise(pair["b"]))
        verdict = "joined, different facts" if outcome == "joined" else "apart, same fact"
        print(f"- pair {i}, {pair['language']}, {pair['kind']}: {verdict} (ratio {ratio:.1f})")
        print(f"    a: {pair['a']!r}")
        print(f"    b: {pair['b']!r}")
        if explain is not None:
            print(f"    why: {'; '.join(map(str, explain(pair['a'], pair['b'], 90, pair['language']).differences)) or 'no difference'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("pairs", nargs="?", default=str(_DEFAULT), help="JSON Lines of sentence pairs")
    parser.add_argument("--show", action="store_true", help="print each pair grouped wrongly")
    args = parser.parse_args()

    pairs = read_pairs(Path(args.pairs))
    start = time.perf_counter()
    m = measure(pairs)
    seconds = time.perf_counter() - start
    outcomes = m["outcomes"]
    counted = [(p, o) for p, o in zip(pairs, outcomes) if o != "split"]
    languages = {p["language"] for p in pairs}
    print(f"{len(pairs)} pairs in {len(languages)} languages ({sum(1 for p in pairs if p['same'])} same fact, "
          f"{sum(1 for p in pairs if not p['same'])} different fact), from {args.pairs}\n")
    language_table(pairs, outcomes)
    print()
    kind_table(pairs, outcomes)
    same = [o for p, o in counted if p["same"]]
    different = [o for p, o in counted if not p["same"]]
    wrong_joins = sum(o == "joined" for o in different)
    print()
    print("| figure | target | measured |\n|---|---|---:|")
    print(f"| different-fact pairs joined | 0 | {wrong_joins} of {len(different)} |")
    print(f"| same-fact pairs joined | >= 95% | {percent(sum(o == 'joined' for o in same), len(same))} "
          f"({sum(o == 'joined' for o in same)} of {len(same)}) |")
    print(f"| pairs split by the segmenter (left out) | 0 | {len(m['split'])} |")
    print(f"| groups holding sentences of two pairs | 0 | {len(m['cross'])} |")
    print(f"| import ({m['sentences']} sentences), grouping, in all | | {m['import_s']:.2f} s, {m['group_s']:.2f} s, "
          f"{seconds:.2f} s |")
    for i, a, b in m["split"]:
        print(f"\nsplit: pair {i} ({pairs[i]['language']}, {pairs[i]['kind']}): a -> {a!r}; b -> {b!r}")
    for held in m["cross"]:
        print("\ncross-pair group: " + "; ".join(f"pair {i} ({pairs[i]['language']}, {pairs[i]['kind']})"
                                                 for i in held))
    if args.show:
        show_wrong(pairs, outcomes)


if __name__ == "__main__":
    main()
