"""PDF and Word documents (issue 28): the text a viewer shows, in reading order, as sentences."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from annotator.ingest import import_paths
from annotator.model import InputError
from annotator.readers import read_file
from annotator.store import Store

from helpers import run

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def make_pdf(path: Path, pages: list[list[str]], *, header: str | None = None, footer: str | None = None,
             columns: int = 1, font: Path | None = None, title: str | None = None, password: str | None = None,
             centred: str | None = None, leading: float = 15) -> Path:
    """A PDF of A4 pages, each line of `pages[i]` set at its own place, `leading` points below the one
    before (a column's lines split in two halves when `columns` is 2); `header` and `footer` ("Seite
    {i} von {n}") on every page, `centred` a short line over the middle of the first page's columns."""
    from fpdf import FPDF

    pdf = FPDF(format="A4", unit="pt")
    face = "Helvetica"
    if font is not None:
        pdf.add_font("Body", fname=str(font))
        face = "Body"
    if title:
        pdf.set_title(title)
    if password:
        pdf.set_encryption(owner_password="owner", user_password=password)
    for number, lines in enumerate(pages, 1):
        pdf.add_page()
        pdf.set_font(face, size=9)
        if header:
            pdf.text(72, 40, header)
        if footer:
            pdf.text(280, 810, footer.format(i=number, n=len(pages)))
        pdf.set_font(face, size=11)
        if centred and number == 1:
            pdf.text(250, 65, centred)
        half = (len(lines) + 1) // 2 if columns == 2 else len(lines)
        for at, line in enumerate(lines[:half]):
            pdf.text(72, 90 + leading * at, line)
        for at, line in enumerate(lines[half:]):
            pdf.text(310, 90 + leading * at, line)
    pdf.output(str(path))
    return path


def sentences(db_path: Path, path: Path) -> list[str]:
    store = Store(db_path)
    report = import_paths(store, [path])
    assert report.errors == []
    rows = [row[0] for row in store.query("SELECT text FROM sentences ORDER BY id")]
    store.close()
    return rows


BERICHT = [  # two columns of a page; the left one ends inside a word and a compound
    "Die Stadtwerke haben im Jahr 2025", "mehr Strom aus Wind erzeugt als je", "zuvor. Die Regie-",
    "rung in Berlin lobte den Nord-", "Süd-Ausgleich der Netze.",
    "The well-known utility said prices", "would fall next year. Its gov-", "ernment partners",
    "were cautious. A well-", "known analyst disagreed.",
]


def test_two_columns_read_in_order_without_running_heads_and_page_numbers(db_path, tmp_path):
    second = ["Im Winter stiegen die Preise für Gas", "um vier Prozent.", "", "Prices for gas rose by four",
              "per cent in the winter."]
    path = make_pdf(tmp_path / "bericht.pdf", [BERICHT, second, ["Der Bericht endet hier."]], columns=2,
                    header="Jahresbericht 2025 - Stadtwerke Nord", footer="Seite {i} von {n}")
    assert sentences(db_path, path) == [
        "Die Stadtwerke haben im Jahr 2025 mehr Strom aus Wind erzeugt als je zuvor.",
        "Die Regierung in Berlin lobte den Nord-Süd-Ausgleich der Netze.",
        "The well-known utility said prices would fall next year.",
        "Its government partners were cautious.",
        "A well-known analyst disagreed.",
        "Im Winter stiegen die Preise für Gas um vier Prozent.",
        "Prices for gas rose by four per cent in the winter.",
        "Der Bericht endet hier.",
    ]


def test_columns_of_several_paragraphs_are_read_column_by_column(tmp_path):
    left = ["Warsaw adopted its budget for 2026", "after the councillors voted through", "the night.", "",
            "Warsaw will appeal.", "The governor has a month to decide."]
    right = ["Die Stadt Krakau plant eine neue", "Straßenbahnlinie. Der Bau soll im", "Mai beginnen.", "",
             "Anwohner fürchten Lärm.", "Die Kosten sind noch offen."]
    path = make_pdf(tmp_path / "spalten.pdf", [left + right], columns=2, centred="Two cities, two budgets")
    doc, = read_file(path, "spalten.pdf")
    assert doc.text == ("Two cities, two budgets\n\nWarsaw adopted its budget for 2026 after the councillors voted through the night.\n\n"
                        "Warsaw will appeal.\nThe governor has a month to decide.\n\n"
                        "Die Stadt Krakau plant eine neue Straßenbahnlinie. Der Bau soll im Mai beginnen.\n\n"
                        "Anwohner fürchten Lärm.\nDie Kosten sind noch offen.")


def test_the_running_head_s_words_in_the_body_are_kept(tmp_path):
    pages = [["Der Bericht beginnt hier."],
             ["Die Bilanz wurde geprüft.", "", "Stadtwerke Nord", "", "Der Vorstand dankt allen."]]
    doc, = read_file(make_pdf(tmp_path / "kopf.pdf", pages, header="Stadtwerke Nord"), "kopf.pdf")
    assert doc.text == ("Der Bericht beginnt hier.\n\nDie Bilanz wurde geprüft.\n\nStadtwerke Nord\n\n"
                        "Der Vorstand dankt allen.")


@pytest.mark.parametrize("footer", ["{i}", "- {i} -", "Page {i} of {n}", "{i}/{n}"])
def test_page_numbers_are_dropped_in_every_form(tmp_path, footer):
    pages = [["Der Stadtrat tagte am Dienstag."], ["Er beschloss den Haushalt einstimmig."]]
    doc, = read_file(make_pdf(tmp_path / "rat.pdf", pages, footer=footer), "rat.pdf")
    assert doc.text == "Der Stadtrat tagte am Dienstag.\n\nEr beschloss den Haushalt einstimmig."


def test_a_word_made_of_roman_numeral_letters_at_a_page_s_top_is_kept(tmp_path):
    pages = [["Civil", "", "The civil court sat on Monday."], ["Page two ends the report."]]
    doc, = read_file(make_pdf(tmp_path / "civil.pdf", pages, footer="{i}"), "civil.pdf")
    assert doc.text == "Civil\n\nThe civil court sat on Monday.\n\nPage two ends the report."


def test_a_page_number_on_a_single_page_is_dropped_and_the_title_comes_from_the_metadata(tmp_path):
    path = make_pdf(tmp_path / "press.pdf", [["The port reopened on Monday after a", "two-week strike."]],
                    footer="- 1 -", title="Port strike ends")
    doc, = read_file(path, "press.pdf")
    assert (doc.title, doc.text) == ("Port strike ends", "The port reopened on Monday after a two-week strike.")


@pytest.mark.skipif(not DEJAVU.exists(), reason="needs the DejaVu Sans font to write Cyrillic")
def test_a_russian_pdf_with_its_hyphenation_undone(db_path, tmp_path):
    lines = ["Правительство объявило о новых мерах под-", "держки экономики. Инфляция в октябре",
             "составила восемь процентов."]
    path = make_pdf(tmp_path / "ru.pdf", [lines, ["Центральный банк повысил ставку."]], font=DEJAVU,
                    header="Ежегодный доклад", footer="Страница {i} из {n}")
    assert sentences(db_path, path) == [
        "Правительство объявило о новых мерах поддержки экономики.",
        "Инфляция в октябре составила восемь процентов.",
        "Центральный банк повысил ставку.",
    ]


@pytest.mark.skipif(not DEJAVU.exists(), reason="needs the DejaVu Sans font to write ligatures")
def test_typeset_ligatures_read_as_their_letters(tmp_path):
    path = make_pdf(tmp_path / "fi.pdf", [["The \ufb01nal \ufb01gures were published at the of\ufb01ce."]], font=DEJAVU)
    doc, = read_file(path, "fi.pdf")
    assert doc.text == "The final figures were published at the office."


def test_a_scanned_pdf_without_a_text_layer_is_refused_in_one_line(tmp_path):
    from fpdf import FPDF
    from PIL import Image

    image = tmp_path / "scan.png"
    Image.new("L", (200, 100), 200).save(image)
    pdf = FPDF()
    pdf.add_page()
    pdf.image(str(image), x=10, y=10, w=100)
    pdf.output(str(tmp_path / "scan.pdf"))
    with pytest.raises(InputError) as err:
        read_file(tmp_path / "scan.pdf", "scan.pdf")
    assert str(err.value) == f"{tmp_path}/scan.pdf: no text layer: run OCR first"


def test_a_password_protected_pdf_is_refused_in_one_line(db_path, tmp_path):
    path = make_pdf(tmp_path / "secret.pdf", [["Nur für den Dienstgebrauch."]], password="geheim")
    result = run("import", path, "--db", db_path)
    assert result.exit_code == 1
    assert (f"error: {path}: encrypted with a password: decrypt it first (qpdf --decrypt --password=PASSWORD IN OUT)\n"
            in result.output)


def test_a_broken_pdf_is_refused_in_one_line(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\nnot really a PDF at all\n")
    with pytest.raises(InputError) as err:
        read_file(path, "broken.pdf")
    assert str(err.value).startswith(f"{path}: not a readable PDF (")
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("module, name, message", [
    ("pdfminer", "report.pdf", "PDF import needs the pdf extra: pip install 'annotator[pdf]'"),
    ("docx", "report.docx", "DOCX import needs the docx extra: pip install 'annotator[docx]'"),
])
def test_a_missing_extra_is_said_in_one_line(db_path, tmp_path, monkeypatch, module, name, message):
    path = tmp_path / name
    path.write_bytes(b"%PDF-1.4\n" if module == "pdfminer" else b"PK\x03\x04word/")
    for loaded in [m for m in sys.modules if m == module or m.startswith(module + ".")]:
        monkeypatch.delitem(sys.modules, loaded)
    monkeypatch.setitem(sys.modules, module, None)  # as if it were not installed
    result = run("import", path, "--db", db_path)
    assert result.exit_code == 1
    assert f"error: {path}: {message}\n" in result.output


def make_docx(path: Path, *, title: str | None = None, lang: str | None = None, body: bool = True) -> Path:
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    if title is not None:
        document.core_properties.title = title
    document.sections[0].header.paragraphs[0].text = "Pressemitteilung - nur zur Veröffentlichung"
    document.sections[0].footer.paragraphs[0].text = "Seite 1"
    if body:
        document.add_heading("Hafen nach Streik wieder offen", level=1)
        document.add_paragraph("Der Hafen von Hamburg ist seit Montag wieder in Betrieb.")
        document.add_paragraph("")
        table = document.add_table(rows=2, cols=2)
        table.cell(0, 0).merge(table.cell(0, 1)).text = "Umschlag im Oktober"
        table.cell(1, 0).text = "Container: 712.000"
        table.cell(1, 1).text = "Schiffe: 640"
        document.add_paragraph("Die Gewerkschaft erhielt vier Prozent mehr Lohn.")
    else:
        document.add_paragraph("OK, 12/40.")
    if lang:
        for run_ in (r for p in document.paragraphs for r in p.runs):
            properties = run_._r.get_or_add_rPr()
            element = OxmlElement("w:lang")
            element.set(qn("w:val"), lang)
            properties.append(element)
    document.save(str(path))
    return path


def test_a_docx_reads_headings_paragraphs_and_cells_in_order_without_header_and_footer(db_path, tmp_path):
    path = make_docx(tmp_path / "hafen.docx", title="Hafen wieder offen")
    doc, = read_file(path, "hafen.docx")
    assert doc.title == "Hafen wieder offen"
    assert doc.text == ("Hafen nach Streik wieder offen\n\nDer Hafen von Hamburg ist seit Montag wieder in Betrieb."
                        "\n\nUmschlag im Oktober\n\nContainer: 712.000\n\nSchiffe: 640\n\n"
                        "Die Gewerkschaft erhielt vier Prozent mehr Lohn.")
    assert sentences(db_path, path) == [
        "Hafen nach Streik wieder offen", "Der Hafen von Hamburg ist seit Montag wieder in Betrieb.",
        "Umschlag im Oktober", "Container: 712.000", "Schiffe: 640", "Die Gewerkschaft erhielt vier Prozent mehr Lohn.",
    ]


def test_a_docx_title_falls_back_to_its_first_heading(tmp_path):
    doc, = read_file(make_docx(tmp_path / "hafen.docx"), "hafen.docx")
    assert doc.title == "Hafen nach Streik wieder offen"


def test_a_docx_language_comes_from_w_lang_only_when_the_text_does_not_decide(tmp_path):
    short, = read_file(make_docx(tmp_path / "short.docx", lang="pl-PL", body=False), "short.docx")
    assert (short.text, short.language, short.language_from) == ("OK, 12/40.", "pl", "field")
    german, = read_file(make_docx(tmp_path / "de.docx", lang="pl-PL"), "de.docx")
    assert (german.language, german.language_from) == (None, None)  # the import identifies it: German


def test_a_docx_paragraph_reads_its_links_and_tracked_changes_as_word_shows_them_accepted(tmp_path):
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    paragraph = document.add_paragraph("Rada Miasta przyjęła ")
    for xml in ('<w:hyperlink {} r:id="rId99"><w:r><w:t>budżet</w:t></w:r></w:hyperlink>',
                '<w:r {}><w:t xml:space="preserve"> na rok </w:t></w:r>',
                '<w:del {} w:id="1" w:author="Redakcja"><w:r><w:delText>2025</w:delText></w:r></w:del>',
                '<w:ins {} w:id="2" w:author="Redakcja"><w:r><w:t>2026</w:t></w:r></w:ins>',
                '<w:r {}><w:t>.</w:t></w:r>'):
        paragraph._p.append(parse_xml(xml.format(nsdecls("w", "r"))))
    document.save(str(tmp_path / "rada.docx"))
    doc, = read_file(tmp_path / "rada.docx", "rada.docx")
    assert doc.text == "Rada Miasta przyjęła budżet na rok 2026."


def test_a_docx_text_box_is_a_block_of_its_own_after_its_paragraph_and_read_once(tmp_path):
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    paragraph = document.add_paragraph("Der Bürgermeister sprach von einem Erfolg.")
    box = ('<w:r><w:txbxContent><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:txbxContent></w:r>')
    paragraph._p.append(parse_xml(
        '<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f'<mc:Choice Requires="wps">{box.format("Die Stadt zählt 48.000 Einwohner.")}</mc:Choice>'
        f'<mc:Fallback>{box.format("Die Stadt zählt 48.000 Einwohner.")}</mc:Fallback></mc:AlternateContent>'))
    document.add_paragraph("Die Opposition widersprach.")
    document.save(str(tmp_path / "kasten.docx"))
    doc, = read_file(tmp_path / "kasten.docx", "kasten.docx")
    assert doc.text == ("Der Bürgermeister sprach von einem Erfolg.\n\nDie Stadt zählt 48.000 Einwohner.\n\n"
                        "Die Opposition widersprach.")


def test_an_old_doc_or_encrypted_docx_is_refused_in_one_line(tmp_path):
    path = tmp_path / "alt.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500)
    with pytest.raises(InputError) as err:
        read_file(path, "alt.docx")
    assert str(err.value) == f"{path}: encrypted, or a Word 97-2003 document: save it as an unprotected .docx"


def test_a_docx_manual_line_break_inside_a_sentence_is_a_space(tmp_path):
    import docx

    document = docx.Document()
    paragraph = document.add_paragraph("Ein Satz mit")
    paragraph.add_run().add_break()
    paragraph.add_run("manuellem Zeilenumbruch bleibt ein Satz. Адрес редакции:")
    paragraph.add_run().add_break()
    paragraph.add_run("ул. Тверская, 7")
    paragraph.add_run().add_break()
    paragraph.add_run("• Rada Miasta przyjęła budżet.")
    document.add_heading("Hafen nach Streik", level=1).add_run().add_break()
    document.paragraphs[-1].add_run("wieder offen")
    document.save(str(tmp_path / "umbruch.docx"))
    doc, = read_file(tmp_path / "umbruch.docx", "umbruch.docx")
    assert doc.text == ("Ein Satz mit manuellem Zeilenumbruch bleibt ein Satz. Адрес редакции:\nул. Тверская, 7"
                        "\n\u2022 Rada Miasta przyjęła budżet.\n\nHafen nach Streik wieder offen")


def justified(path: Path, columns: list[list[str]], *, heads: tuple[str, str] | None = None) -> Path:
    """A PDF set as word processors and report generators set it: paragraphs justified in columns
    of 85 mm side by side (one column: the page's width), with DejaVu Sans (whose justified lines
    pdfminer splits at their widest spaces); `heads` the running head of odd and of even pages,
    "– n –" at each page's foot."""
    from fpdf import FPDF

    class Report(FPDF):
        def header(self):
            if heads:
                self.set_font("Body", size=8)
                odd = self.page_no() % 2
                self.cell(0, 6, heads[0] if odd else heads[1], align="R" if odd else "L")
                self.ln(10)

        def footer(self):
            self.set_y(-12)
            self.set_font("Body", size=8)
            self.cell(0, 6, f"\u2013 {self.page_no()} \u2013", align="C")

    pdf = Report()
    pdf.add_font("Body", fname=str(DEJAVU))
    pdf.add_page()
    pdf.set_font("Body", size=11)
    top = pdf.get_y()
    for number, paragraphs in enumerate(columns):
        pdf.set_xy(10 + 100 * number, top)
        for paragraph in paragraphs:
            pdf.set_x(10 + 100 * number)
            pdf.multi_cell(85 if len(columns) > 1 else 0, 6, paragraph, align="J")
            pdf.ln(3)
    pdf.output(str(path))
    return path


# real sentences of a government's report, the same few of them in a different order each paragraph
HAUSHALT = [
    "Die Bundesregierung hat im vergangenen Jahr umfangreiche Maßnahmen zur Stabilisierung der "
    "Energieversorgung ergriffen.",
    "Dabei wurden erhebliche finanzielle Mittel aus dem Wirtschaftsstabilisierungsfonds bereitgestellt.",
    "Die Ausgaben des Bundes stiegen gegenüber dem Vorjahr um zwölf Prozent.",
    "Der Bundesrechnungshof mahnte, die Schuldenbremse im kommenden Haushalt wieder einzuhalten.",
    "Länder und Kommunen erhielten zusätzliche Zuweisungen für die Unterbringung von Geflüchteten.",
    "Die Steuereinnahmen lagen trotz der schwachen Konjunktur über den Erwartungen der Schätzer.",
]


@pytest.mark.skipif(not DEJAVU.exists(), reason="needs the DejaVu Sans font")
def test_running_heads_that_alternate_between_odd_and_even_pages_are_dropped(db_path, tmp_path):
    paragraphs = [" ".join(HAUSHALT[k % 6:] + HAUSHALT[:k % 6]) for k in range(24)]
    path = justified(tmp_path / "bericht.pdf", [paragraphs],
                     heads=("Bericht der Bundesregierung 2023", "Kapitel 2: Haushalt"))
    assert sentences(db_path, path) == [s for k in range(24) for s in HAUSHALT[k % 6:] + HAUSHALT[:k % 6]]


@pytest.mark.skipif(not DEJAVU.exists(), reason="needs the DejaVu Sans font")
def test_justified_columns_keep_every_word_of_a_line_split_at_its_wide_spaces(tmp_path):
    left = ["Left column starts here and talks about taxes that were raised in spring by the government of "
            "the country. The minister defended the increase in a long speech to parliament on Monday. Critics "
            "said the measure would hurt small businesses and families with children across the region."]
    right = ["Right column discusses spending on schools, which grew by three percent this year according to "
             "official figures. Teachers welcomed the decision but unions demanded more money for salaries. "
             "The opposition called the budget a missed opportunity for real reform of education."]
    doc, = read_file(justified(tmp_path / "spalten.pdf", [left, right]), "spalten.pdf")
    assert doc.text == left[0] + "\n\n" + right[0]


@pytest.mark.skipif(not DEJAVU.exists(), reason="needs the DejaVu Sans font to write Polish")
def test_columns_set_with_loose_leading_are_read_column_by_column_under_a_running_head(tmp_path):
    lines = ["Left column starts here and talks about", "taxes that were raised in spring. The mini-",
             "ster defended the increase.",
             "Prawa kolumna opisuje wydatki na szkoły,", "które wzrosły o trzy procent. Nauczyciele",
             "przyjęli decyzję z zadowoleniem."]
    path = make_pdf(tmp_path / "raport.pdf", [lines, ["Koniec raportu."]], columns=2, leading=17, font=DEJAVU,
                    header="Annual Report 2023 \u2014 Ministry of Finance", footer="Page {i} of {n}")
    doc, = read_file(path, "raport.pdf")
    assert doc.text == ("Left column starts here and talks about taxes that were raised in spring. The minister "
                        "defended the increase.\n\nPrawa kolumna opisuje wydatki na szkoły, które wzrosły o trzy "
                        "procent. Nauczyciele przyjęli decyzję z zadowoleniem.\n\nKoniec raportu.")


@pytest.mark.skipif(not DEJAVU.exists(), reason="needs the DejaVu Sans font to write Württemberg")
def test_line_end_hyphens_of_numbers_and_compounds_are_kept_and_a_wrapped_sentence_stays_one(db_path, tmp_path):
    lines = ["The number of infections with COVID-", "19 rose sharply between the years 1990-",
             "2000 and again later, said the anti-", "EU party in a statement on Monday and",
             "the so-called well-", "known expert. Prices fell by 5 per-", "cent in the Baden-",
             "Württemberg region, a self-", "employed worker told the paper. The government spent",
             "4.5 billion euros in 2023, the highest figure since the", "North-",
             "South corridor was opened. The gov-", "ernment was pleased."]
    path = make_pdf(tmp_path / "hyph.pdf", [lines], leading=17, font=DEJAVU)
    assert sentences(db_path, path) == [
        "The number of infections with COVID-19 rose sharply between the years 1990-2000 and again later, said "
        "the anti-EU party in a statement on Monday and the so-called well-known expert.",
        "Prices fell by 5 percent in the Baden-Württemberg region, a self-employed worker told the paper.",
        "The government spent 4.5 billion euros in 2023, the highest figure since the North-South corridor was "
        "opened.",
        "The government was pleased.",
    ]
