"""Readers (issue 28): what the text of a legacy file, a web page or a PDF comes out as, and how fast.

usage: python benchmarks/readers.py encodings [CORPUS_DIR]   detection accuracy on files written in
                                                             10+ legacy code pages (short and long)
       python benchmarks/readers.py html BENCHMARK_DIR       sentence precision and recall of the main
                                                             text on a public page benchmark, ours and
                                                             trafilatura's default settings
       python benchmarks/readers.py pdf [PATH]               PDF pages per second (ours and pypdf's)
                                                             on a PDF or folder, or a made report

Each part prints its table; the figures go into benchmarks/RESULTS.md and the README.
"""

from __future__ import annotations

import collections
import random
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# each language's legacy code pages (the Python codec of each WHATWG encoding: Shift_JIS is cp932)
_PAGES = {
    "de": ["cp1252", "iso8859-15"], "fr": ["cp1252", "iso8859-15"], "es": ["cp1252", "iso8859-15"],
    "pt": ["cp1252", "iso8859-15"], "sv": ["cp1252", "iso8859-15"], "fi": ["cp1252"], "it": ["cp1252"],
    "is": ["cp1252"], "nl": ["cp1252"], "en": ["cp1252"], "pl": ["cp1250", "iso8859-2"],
    "cs": ["cp1250", "iso8859-2"], "ru": ["cp1251", "koi8-r", "cp866", "iso8859-5"], "bg": ["cp1251"],
    "uk": ["cp1251", "koi8-u"], "el": ["cp1253", "iso8859-7"], "tr": ["cp1254", "iso8859-9"], "ar": ["cp1256"],
    "ja": ["cp932", "euc-jp"], "zh": ["gb18030", "big5hkscs"], "ko": ["cp949"], "th": ["cp874"],
}


def _legacy_files(ud: Path, short_n: int = 40, long_n: int = 8, tiny_n: int = 20) -> list[tuple[str, str, str, str]]:
    """(language, code page, "tiny", "short" or "long", text): sentences of the UD treebanks in `ud`
    (their "# text =" lines) that the page encodes and that hold a letter beyond ASCII; tiny files are
    one sentence under 40 bytes, short ones one of 40-140 bytes, long ones ~5 KB of consecutive
    sentences."""
    rnd, files = random.Random(1), []
    for lang, pages in _PAGES.items():
        sentences = [line[9:].strip() for path in sorted(ud.glob(f"{lang}_*.conllu"))
                     for line in path.open(encoding="utf-8") if line.startswith("# text = ")]
        for page in pages:
            fit = [s for s in sentences if _encodes(s, page) and not s.isascii()]
            rnd.shuffle(fit)
            files += [(lang, page, "tiny", s) for s in [s for s in fit if len(s.encode(page)) < 40][:tiny_n]]
            files += [(lang, page, "short", s) for s in [s for s in fit if 40 <= len(s.encode(page)) <= 140][:short_n]]
            for i in range(long_n if sentences else 0):
                chunk, size = [], 0
                for s in fit[i * 60:]:
                    chunk.append(s)
                    size += len(s.encode(page)) + 1
                    if size > 5000:
                        break
                if size > 2500:  # a treebank with few sentences the page encodes makes fewer long files
                    files.append((lang, page, "long", ("" if lang in ("ja", "zh") else " ").join(chunk)))
    return files


def _encodes(text: str, page: str) -> bool:
    try:
        text.encode(page)
        return True
    except UnicodeEncodeError:
        return False


def _charset_normalizer(data: bytes) -> str | None:
    """What `--encoding auto` read before issue 28: strict UTF-8, else charset-normalizer's best."""
    from charset_normalizer import from_bytes

    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        best = from_bytes(data).best()
        return None if best is None else str(best)


def _ours(data: bytes) -> str | None:
    from annotator.model import InputError
    from annotator.readers.decode import decode, decode_as

    with decode_as("auto"):
        try:
            return decode(data, "f")
        except InputError:
            return None


def encodings(args: list[str]) -> None:
    ud = Path(args[0] if args else "/tmp/lang_data/ud")
    files = _legacy_files(ud)
    if not files:
        raise SystemExit(f"no UD treebanks (*.conllu) in {ud}")
    right = {name: collections.Counter() for name in ("charset-normalizer", "annotator")}
    refused = {name: collections.Counter() for name in right}
    seconds, count = collections.Counter(), collections.Counter()
    for lang, page, length, text in files:
        data = text.encode(page)
        count[page, length] += 1
        for name, detect in (("charset-normalizer", _charset_normalizer), ("annotator", _ours)):
            start = time.perf_counter()
            got = detect(data)
            right[name][page, length] += got == text
            refused[name][page, length] += got is None
            seconds[name] += time.perf_counter() - start
    print(f"{len(files)} files from {ud}: decoded text equals the original (refused: said so, nothing stored)")
    print(f"{'code page':<12} {'length':<6} {'files':>5} {'charset-normalizer':>19} {'annotator':>10} {'refused':>8}")
    for key in sorted(count, key=lambda k: (list(_PAGE_ORDER).index(k[0]), ("tiny", "short", "long").index(k[1]))):
        print(f"{key[0]:<12} {key[1]:<6} {count[key]:>5} " + " ".join(
            f"{right[name][key] / count[key]:>{w}.0%}" for name, w in (("charset-normalizer", 19), ("annotator", 10)))
            + f" {refused['annotator'][key] / count[key]:>8.0%}")
    for length in ("tiny", "short", "long"):
        n = sum(v for k, v in count.items() if k[1] == length)
        print(f"{'all':<12} {length:<6} {n:>5} " + " ".join(
            f"{sum(v for k, v in right[name].items() if k[1] == length) / n:>{w}.1%}"
            for name, w in (("charset-normalizer", 19), ("annotator", 10)))
            + f" {sum(v for k, v in refused['annotator'].items() if k[1] == length) / n:>8.1%}")
    print("ms per file: " + ", ".join(f"{name} {seconds[name] / len(files) * 1000:.1f}" for name in right))


_PAGE_ORDER = dict.fromkeys(page for pages in _PAGES.values() for page in pages)


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
    """Pages per second of annotator's PDF reader (pdfminer.six's layout analysis, then running heads,
    columns, hyphens and wraps) and, beside it, of pypdf's extract_text (content-stream order, no
    layout) where pypdf is installed. PATH: a PDF or a folder of them (e.g. the real files of
    github.com/py-pdf/sample-files); without it, a 60-page two-column report set from the texts of
    corpus/ with a running head and page numbers."""
    import tempfile
    import time
    from pathlib import Path

    from annotator.model import InputError
    from annotator.readers import pdf as reader

    if args:
        target = Path(args[0])
        files = sorted(target.rglob("*.pdf")) if target.is_dir() else [target]
    else:
        files = [_report_pdf(Path(tempfile.mkdtemp()) / "report.pdf", pages=60)]
    try:
        import pypdf
    except ImportError:
        pypdf = None
    print(f"{'file':<40} {'pages':>5} {'ours p/s':>9} {'pypdf p/s':>9}  note")
    total_pages = total_ours = total_theirs = 0.0
    for path in files:
        data = path.read_bytes()
        started = time.perf_counter()
        try:
            reader.read(data, str(path), path.name)
            note = ""
        except InputError as err:
            note = err.problem[:40]
        ours = time.perf_counter() - started
        pages = theirs = None
        if pypdf is not None:
            started = time.perf_counter()
            try:
                document = pypdf.PdfReader(path)
                pages = len(document.pages)
                for page in document.pages:
                    page.extract_text()
            except Exception as err:  # an encrypted or broken file: its figure is left out
                note = note or f"pypdf: {type(err).__name__}"
            theirs = time.perf_counter() - started
        if not pages:
            from pdfminer.pdfpage import PDFPage

            try:
                pages = sum(1 for _ in PDFPage.get_pages(path.open("rb")))
            except Exception:
                pages = 0
        if note or not pages:
            print(f"{path.name[:40]:<40} {pages:>5} {'-':>9} {'-':>9}  {note}")
            continue
        total_pages, total_ours = total_pages + pages, total_ours + ours
        total_theirs += theirs or 0
        print(f"{path.name[:40]:<40} {pages:>5} {pages / ours:>9.1f} "
              f"{(pages / theirs if theirs else float('nan')):>9.1f}")
    if total_pages:
        print(f"{'all read':<40} {int(total_pages):>5} {total_pages / total_ours:>9.1f} "
              f"{(total_pages / total_theirs if total_theirs else float('nan')):>9.1f}")


def _report_pdf(path, pages: int):
    """A two-column A4 report of `pages` pages from corpus/'s texts (Latin-1 only, as the core font),
    with a running head and "Page N of M" at every foot. Needs fpdf2 (in the test extra)."""
    import textwrap
    from pathlib import Path

    from fpdf import FPDF

    corpus = Path(__file__).resolve().parent.parent / "corpus"
    words = " ".join((corpus / name).read_text() for name in ("wire-port-strike.txt", "iraq-battleground.txt",
                                                              "syndicated-port-strike.txt"))
    lines = textwrap.wrap(words.encode("latin-1", "replace").decode("latin-1"), 42)
    document = FPDF(format="A4", unit="pt")
    at = 0
    for number in range(1, pages + 1):
        document.add_page()
        document.set_font("Helvetica", size=9)
        document.text(72, 40, "Annual report 2025 - Port of Rotterdam Authority")
        document.text(270, 810, f"Page {number} of {pages}")
        document.set_font("Helvetica", size=10)
        for column in (72, 310):
            for row in range(46):
                document.text(column, 80 + 15 * row, lines[at % len(lines)])
                at += 1
    document.output(str(path))
    return path


PARTS = {"encodings": encodings, "html": html, "pdf": pdf}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in PARTS:
        raise SystemExit(__doc__)
    PARTS[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
