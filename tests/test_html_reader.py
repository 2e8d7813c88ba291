"""The HTML reader (issue 28): the main text of pages without <article> and of pages laid out in tables,
headings kept (their text inside a link too), navigation dropped, no two blocks in one sentence; the
publication time from the page's metadata or a clear dateline, never from a footer."""

from pathlib import Path

import pytest

from annotator.readers import read_file
from annotator.readers.html import to_text
from annotator.segment import sentences
from annotator.timestamps import dateline
from annotator.store import Store
from helpers import run

PAGES = Path(__file__).parent / "data" / "html"
CORPUS = Path(__file__).parent.parent / "corpus"


def read_page(tmp_path: Path, html: str, name: str = "page.html"):
    path = tmp_path / name
    path.write_text(html, encoding="utf-8")
    [doc] = read_file(path, name)
    return doc


def sentences_of(doc, language: str | None = None) -> list[str]:
    return [sentence for _, _, sentence in sentences(doc.text, language or doc.language)]


def test_a_page_without_article_keeps_its_headings_in_links_and_drops_menus_banners_share_bars():
    [doc] = read_file(PAGES / "coast-no-article.html", "coast.html")
    assert sentences_of(doc) == [
        "Storm warnings issued for the whole coast",  # an <h1><a> above the story's own block
        "The weather service issued storm warnings for the entire coast on Tuesday evening.",
        "Gusts of up to 120 kilometres an hour are expected overnight, and ferries to the islands have been cancelled.",
        "Schools stay closed",
        "All schools in the region will stay closed on Wednesday, the education office said.",
    ]
    assert doc.title == "Storm warnings issued for the whole coast"
    assert doc.published == "2024-10-08T17:40:00.000Z"


def test_a_table_layout_page_keeps_navigation_cells_off_the_first_sentence():
    [doc] = read_file(PAGES / "valley-table-layout.html", "valley.html")
    assert sentences_of(doc, "en") == [
        "Storm warnings for the valley",
        "Storm warnings were issued for the whole valley on Tuesday.",
        "The river is expected to rise by two metres before Thursday, the water authority said.",
        "Gauge | Level",  # a data table inside the layout: one row, one record
        "Old mill | 3.2 m",
        "Residents near the old mill have been told to move their cars to higher ground.",
    ]
    assert doc.published is None  # the footer's "© 2003" is no publication date


def test_a_data_table_is_a_paragraph_per_row_and_list_items_stay_apart(tmp_path):
    body = ("<p>Die Behörde veröffentlichte am Montag die neuen Zahlen für das ganze Land.</p>"
            "<ul><li>Die Preise stiegen um drei Prozent</li><li>Die Löhne sanken leicht</li></ul>"
            "<table><tr><th>Stadt</th><th>Einwohner</th></tr><tr><td>Bremen</td><td>569.352</td></tr>"
            "<tr><td>Kiel</td><td>247.717</td></tr></table>"
            "<p>Die Statistik wird im Juni aktualisiert, teilte das Amt mit.</p>")
    text, _ = to_text(f"<html lang='de'><body><article>{body}</article></body></html>")
    assert text.split("\n\n") == [
        "Die Behörde veröffentlichte am Montag die neuen Zahlen für das ganze Land.",
        "- Die Preise stiegen um drei Prozent", "- Die Löhne sanken leicht",
        "Stadt | Einwohner", "Bremen | 569.352", "Kiel | 247.717",
        "Die Statistik wird im Juni aktualisiert, teilte das Amt mit.",
    ]


GERMAN = """<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">
<title>Bundestag beschließt Heizungsgesetz | Nordkurier</title>
<meta property="article:published_time" content="2025-03-03T09:15:00+01:00">
<meta property="article:modified_time" content="2025-03-05T18:00:00+01:00"></head><body>
<nav><a href="/">Startseite</a> <a href="/politik">Politik</a> <a href="/wirtschaft">Wirtschaft</a></nav>
<div class="kopf"><h1><a href="/politik/heizungsgesetz">Bundestag beschließt Heizungsgesetz</a></h1></div>
<div class="inhalt">
<p>Der Bundestag hat am Montag das umstrittene Heizungsgesetz mit knapper Mehrheit beschlossen.</p>
<p>Für den Entwurf stimmten 367 Abgeordnete, dagegen 294. Die Opposition kündigte eine Klage in Karlsruhe an.</p>
<div class="teilen"><a href="https://facebook.com/share">Teilen</a> <a href="https://x.com/share">Twittern</a></div>
</div>
<div id="footer"><p>© 2025 Nordkurier</p><p>Zuletzt aktualisiert: 05.03.2025</p></div>
</body></html>"""

RUSSIAN = """<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"><title>Госдума приняла бюджет</title></head>
<body><ul class="menu"><li><a href="/">Главная</a></li><li><a href="/politics">Политика</a></li><li><a href="/economy">Экономика</a></li></ul>
<div class="news"><h1>Госдума приняла бюджет на следующий год</h1>
<div class="meta"><time datetime="2025-03-03T12:30:00+03:00">3 марта 2025</time></div>
<p>Государственная дума приняла в третьем чтении федеральный бюджет на следующий год.</p>
<p>За документ проголосовали 325 депутатов. Дефицит бюджета составит 1,2 трлн руб.</p></div>
<footer><time datetime="2025-03-06">Обновлено 6 марта</time> © 2025 Вести</footer></body></html>"""

ARABIC = """<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>البرلمان يقر الموازنة</title>
<script type="application/ld+json">{"@type": "NewsArticle", "headline": "البرلمان يقر الموازنة",
"dateModified": "2025-03-04T08:00:00Z", "datePublished": "2025-03-03T10:00:00+02:00"}</script></head>
<body><div class="links"><a href="/">الرئيسية</a> <a href="/sport">رياضة</a> <a href="/economy">اقتصاد</a></div>
<div class="story"><h1>البرلمان يقر الموازنة العامة</h1>
<p>أقر البرلمان يوم الاثنين الموازنة العامة للدولة بأغلبية كبيرة.</p>
<p>وصوت لصالح القانون مئة وعشرون نائبا. وقال وزير المالية إن العجز سينخفض هذا العام.</p></div>
<div class="haqq">© 2025 جميع الحقوق محفوظة</div></body></html>"""


@pytest.mark.parametrize("page, language, expected, published", [
    # a heading inside a link kept; published, not modified
    (GERMAN, "de", ["Bundestag beschließt Heizungsgesetz",
                    "Der Bundestag hat am Montag das umstrittene Heizungsgesetz mit knapper Mehrheit beschlossen.",
                    "Für den Entwurf stimmten 367 Abgeordnete, dagegen 294.",
                    "Die Opposition kündigte eine Klage in Karlsruhe an."], "2025-03-03T08:15:00.000Z"),
    # dated by its <time>, not the footer's
    (RUSSIAN, "ru", ["Госдума приняла бюджет на следующий год",
                     "Государственная дума приняла в третьем чтении федеральный бюджет на следующий год.",
                     "За документ проголосовали 325 депутатов.",
                     "Дефицит бюджета составит 1,2 трлн руб."], "2025-03-03T09:30:00.000Z"),
    # dated by its JSON-LD's datePublished, not its dateModified
    (ARABIC, "ar", ["البرلمان يقر الموازنة العامة",
                    "أقر البرلمان يوم الاثنين الموازنة العامة للدولة بأغلبية كبيرة.",
                    "وصوت لصالح القانون مئة وعشرون نائبا.",
                    "وقال وزير المالية إن العجز سينخفض هذا العام."], "2025-03-03T08:00:00.000Z"),
], ids=["de", "ru", "ar"])
def test_pages_in_german_russian_arabic_their_menus_and_footers_dropped_their_time_from_the_metadata(
        tmp_path, page, language, expected, published):
    doc = read_page(tmp_path, page)
    assert sentences_of(doc) == expected
    assert (doc.language, doc.published) == (language, published)


@pytest.mark.parametrize("head", [
    '<meta name="DC.date" content="2025-03-03">',
    '<meta name="parsely-pub-date" content="2025-03-03T00:00:00Z">',
    '<link rel="canonical" href="https://www.lemonde.fr/economie/article/2025/03/03/le-parlement-vote-le-budget_1.html">',
])
def test_a_french_page_dated_by_dublin_core_parsely_or_its_canonical_url(tmp_path, head):
    body = ("<article><p>Le Parlement a adopté lundi le budget de l'État pour l'année prochaine.</p>"
            "<p>Le texte a été voté par 320 députés contre 210, a annoncé la présidente.</p></article>")
    doc = read_page(tmp_path, f"<html lang='fr'><head><title>Budget</title>{head}</head><body>{body}</body></html>")
    assert doc.published == "2025-03-03T00:00:00.000Z"


@pytest.mark.parametrize("footer", [
    "<footer><p>Copyright 2024 Herald Media.</p></footer>",
    '<div class="footer">Last modified: 12 May 2024</div>',
    '<div class="updated">Updated 12.05.2024</div>',
    '<footer>Stand: <time datetime="2024-05-12">12.05.2024</time></footer>',
    '<p class="byline">Last updated <time class="updated" datetime="2024-05-12">May 12</time></p>',
    '<script type="application/ld+json">{"datePublished": "0001-01-01T00:00:00Z"}</script>',
])
def test_no_date_from_a_footer_a_change_or_a_placeholder(tmp_path, footer):
    page = ("<html lang='en'><head><title>T</title></head><body><article><p>The council approved the new "
            f"budget on Monday after a long debate about bus fares.</p></article>{footer}</body></html>")
    assert read_page(tmp_path, page).published is None


def test_the_bundled_press_release_has_no_date_its_footer_year_is_none(tmp_path):
    # "OSLO, May 2 -" is a dateline without its year, "Copyright 2026" a footer: neither dates it
    [doc] = read_file(CORPUS / "press-release-solar.html", "press-release-solar.html")
    assert doc.published is None
    db = tmp_path / "a.db"
    assert run("--db", str(db), "import", str(CORPUS / "press-release-solar.html")).exit_code == 0
    assert Store(db).query("SELECT published FROM documents") == [(None,)]


@pytest.mark.parametrize("opening, language, day", [
    ("BERLIN, March 3, 2025 (Reuters) - The German parliament passed the budget.", "en", "2025-03-03"),
    ("03.03.2025 – Der Bundestag hat den Haushalt beschlossen.", "de", "2025-03-03"),
    ("BERLIN, 3. März 2025 (dpa) – Der Bundestag hat den Haushalt beschlossen.", "de", "2025-03-03"),
    ("PARIS, 3 mars 2025 (AFP) - Le Parlement a adopté le budget.", "fr", "2025-03-03"),
    ("МОСКВА, 3 марта 2025 г. — Госдума приняла бюджет.", "ru", "2025-03-03"),
    ("WARSZAWA, 3 marca 2025 r. – Sejm przyjął budżet.", "pl", "2025-03-03"),
    ("ΑΘΗΝΑ, 3 Μαρτίου 2025 – Η Βουλή ψήφισε τον προϋπολογισμό.", "el", "2025-03-03"),
    ("2025-03-03 — Parliament passed the budget.", None, "2025-03-03"),
    ("COLUMBUS, Ohio, June 3, 2024 /PRNewswire/ -- ACME Corp. today opened a plant.", "en", "2024-06-03"),
    ("WASHINGTON, Jan. 5, 2024 (AP) — Congress passed the bill.", "en", "2024-01-05"),
    # the wire's language, not the story's: French and Russian month names atop an English story
    ("PARIS, 3 mars 2025 (AFP) - Parliament passed the budget on Monday.", "en", "2025-03-03"),
    ("МОСКВА, 3 марта 2025 г. — The Duma passed the budget on Monday.", "en", "2025-03-03"),
    ("OSLO, May 2 - Brightfield Energy today opened its solar park.", "en", None),  # no year: a guess
    ("The minister said on 3 March 2025 - a Monday - that prices would fall.", "en", None),  # not a dateline
    ("31.04.2025 – Der Bundestag tagte.", "de", None),  # no such day
    ("Prices rose by 3% - the most since 2021.", "en", None),
])
def test_a_dateline_dates_a_story_only_with_its_year(opening, language, day):
    assert dateline(opening, language) == (day and f"{day}T00:00:00.000Z")


def test_a_page_without_a_stated_time_is_dated_by_its_dateline(tmp_path):
    page = ("<html lang='de'><head><title>Haushalt</title></head><body><article><p>BERLIN, 3. März 2025 (dpa) – "
            "Der Bundestag hat am Montag den Haushalt beschlossen.</p><p>Die Opposition stimmte geschlossen "
            "dagegen.</p></article><footer>© 2026 Nordkurier</footer></body></html>")
    assert read_page(tmp_path, page).published == "2025-03-03T00:00:00.000Z"


@pytest.mark.parametrize("lead, day", [
    ("BERLIN, March 3, 2025 (Reuters) - The company announced results that beat expectations.", "2025-03-03"),
    ("COLUMBUS, Ohio, June 3, 2024 /PRNewswire/ -- The company announced results that beat expectations.",
     "2024-06-03"),
    ("PARIS, 3 mars 2025 (AFP) - The company announced results that beat expectations on Tuesday.", "2025-03-03"),
    ("03.03.2025 – Das Unternehmen legte am Dienstag Zahlen vor, die die Erwartungen übertrafen.", "2025-03-03"),
])
@pytest.mark.parametrize("above", ["<h1>Headline here</h1>", "<h1>Headline here</h1><p>By Jane Doe</p>"])
def test_a_dateline_dates_the_story_under_its_headline_and_byline(tmp_path, lead, day, above):
    page = (f"<html><head><title>T</title></head><body>{above}<p>{lead}</p><p>Analysts said shares could rise "
            "further this year.</p></body></html>")
    assert read_page(tmp_path, page).published == f"{day}T00:00:00.000Z"


def test_a_dateline_is_looked_for_in_the_lead_paragraph_only(tmp_path):
    lead = ("The company announced results that beat expectations on Tuesday, sending its shares up by nearly "
            "ten percent in early trading in Frankfurt and leaving analysts to revise their forecasts for the year.")
    page = (f"<html><head><title>T</title></head><body><h1>Headline</h1><p>{lead}</p>"
            "<p>03.03.2025 – the date of the next meeting, the chairman said.</p></body></html>")
    assert read_page(tmp_path, page).published is None


def test_a_page_dated_by_its_meta_date(tmp_path):
    page = ('<html><head><title>T</title><meta name="date" content="2021-07-09"></head><body><h1>Head</h1><p>The '
            "company announced results that beat expectations on Tuesday.</p><footer>© 2025</footer></body></html>")
    assert read_page(tmp_path, page).published == "2021-07-09T00:00:00.000Z"


GAZETTE = """<html><head><title>City council approves budget - The Daily Gazette</title></head><body>
<table width="100%"><tr><td colspan="2"><img src="logo.gif"> <font size="1">Thursday, March 5, 2009</font></td></tr>
<tr><td width="150"><a href="/">Home</a><br><a href="/news">News</a><br><a href="/sports">Sports</a></td>
<td><font size="4"><b>City council approves budget</b></font><br><br>
The city council voted 5-2 on Wednesday to approve a $12 million budget for the coming fiscal year.<br><br>
Council member Bob Lee, who voted against it, called the plan "a recipe for disaster."<br><br>
<table border="1"><tr><th>Department</th><th>2009</th></tr><tr><td>Police</td><td>$4.1m</td></tr></table></td></tr>
<tr><td colspan="2" align="center"><font size="1">Copyright &copy; 1998-2009 The Daily Gazette. All rights reserved.
| <a href="/privacy">Privacy</a> | <a href="/contact">Contact us</a></font></td></tr></table></body></html>"""

TAGEBLATT = """<html lang="de"><head><title>Sturm</title></head><body><table>
<tr><td><a href="/">Start</a> <a href="/archiv">Archiv</a> <a href="/wetter">Wetter</a></td></tr>
<tr><td><p>Der Wetterdienst hat am Dienstag eine Sturmwarnung für die gesamte Nordseeküste herausgegeben.</p>
<p>Das Urheberrecht der Fotos liegt bei den Lesern, teilte die Redaktion mit.</p>
<p>Copyright law in Germany was last reformed in 2021, the ministry said.</p></td></tr>
<tr><td>Copyright 2021 Tageblatt</td></tr><tr><td>Alle Rechte vorbehalten.</td></tr>
<tr><td><font size="1">Do., 5. März 2009</font></td></tr></table></body></html>"""


def test_an_old_table_layout_site_keeps_no_footer_copyright_nor_masthead_day(tmp_path):
    assert sentences_of(read_page(tmp_path, GAZETTE), "en") == [
        "City council approves budget",
        "The city council voted 5-2 on Wednesday to approve a $12 million budget for the coming fiscal year.",
        'Council member Bob Lee, who voted against it, called the plan "a recipe for disaster."',
        "Department | 2009",
        "Police | $4.1m",
    ]
    # a copyright notice in a cell, "all rights reserved" in German, a day at the foot: gone; a
    # paragraph about copyright law stays
    assert sentences_of(read_page(tmp_path, TAGEBLATT)) == [
        "Der Wetterdienst hat am Dienstag eine Sturmwarnung für die gesamte Nordseeküste herausgegeben.",
        "Das Urheberrecht der Fotos liegt bei den Lesern, teilte die Redaktion mit.",
        "Copyright law in Germany was last reformed in 2021, the ministry said.",
    ]


def test_a_day_inside_the_story_stays(tmp_path):
    page = ("<html lang='en'><head><title>Timeline</title></head><body><article><h1>Timeline of the strike</h1>"
            "<p>The dockers walked out after talks with the port authority collapsed.</p><h2>March 5, 2009</h2>"
            "<p>The union called a strike at all northern ports.</p></article></body></html>")
    assert sentences_of(read_page(tmp_path, page)) == [
        "Timeline of the strike", "The dockers walked out after talks with the port authority collapsed.",
        "March 5, 2009", "The union called a strike at all northern ports."]


def test_a_bare_meta_date_yields_to_what_says_published(tmp_path):
    page = ('<html><head><title>T</title><meta name="date" content="2021-07-09T10:00:00Z"><script '
            'type="application/ld+json">{"datePublished": "2021-07-08T08:00:00Z"}</script></head><body><p>The '
            "company announced results that beat expectations on Tuesday.</p></body></html>")
    assert read_page(tmp_path, page).published == "2021-07-08T08:00:00.000Z"
