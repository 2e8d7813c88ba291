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

import sys


def encodings(args: list[str]) -> None:
    raise SystemExit("encodings: not written yet")


def html(args: list[str]) -> None:
    raise SystemExit("html: not written yet")


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
