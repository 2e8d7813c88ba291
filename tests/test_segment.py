import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.segment import sentences, spans
from annotator.segment.shapes import wordless

# The 48 English "Golden Rules" of the Pragmatic Segmenter (as pySBD tests itself against them).
GOLDEN_RULES = json.loads((Path(__file__).parent / "data" / "golden_rules_en.json").read_text(encoding="utf-8"))

# Real-style wire copy: each line is one paragraph, each list its exact sentences.
NEWS = [
    # sentencex reads "May." as an abbreviation (as "Jan."); the month's name ends a sentence
    ("Prices rose 3% in May. Traders were calm.", ["Prices rose 3% in May.", "Traders were calm."]),
    ("The technology-laced Nasdaq Composite Index .IXIC dipped 12.3 points to 2,345.6. Shares fell.",
     ["The technology-laced Nasdaq Composite Index .IXIC dipped 12.3 points to 2,345.6.", "Shares fell."]),
    ("The Standard & Poor's 500 Index <.SPX> rose 0.5 percent. Traders were calm.",
     ["The Standard & Poor's 500 Index <.SPX> rose 0.5 percent.", "Traders were calm."]),
    ("Shares of J.C. Penney Co. Inc. JCP.N rose 3 percent. Sears fell.",
     ["Shares of J.C. Penney Co. Inc. JCP.N rose 3 percent.", "Sears fell."]),
    ("The vigil starts at 6 p.m. Monday outside City Hall. All are welcome.",
     ["The vigil starts at 6 p.m. Monday outside City Hall.", "All are welcome."]),
    ("Trading closed at 4:30 p.m. EDT (2030 GMT). Shares rose.",
     ["Trading closed at 4:30 p.m. EDT (2030 GMT).", "Shares rose."]),
    ("He left the bank at 6 P.M. Mr. Smith then went to the store.",
     ["He left the bank at 6 P.M.", "Mr. Smith then went to the store."]),
    ("Det.-Sgt. Dave Perry said a 37-year-old man was arrested. He was charged.",
     ["Det.-Sgt. Dave Perry said a 37-year-old man was arrested.", "He was charged."]),
    ("Gov. Jerry Brown signed the bill. Sen. John McCain objected. Lt. Col. Mark Smith agreed.",
     ["Gov. Jerry Brown signed the bill.", "Sen. John McCain objected.", "Lt. Col. Mark Smith agreed."]),
    ("She was ranked No. 5 in the world. She lost in the final.",
     ["She was ranked No. 5 in the world.", "She lost in the final."]),
    ("The U.S.-led coalition struck at dawn. It said 12 fighters died.",
     ["The U.S.-led coalition struck at dawn.", "It said 12 fighters died."]),
    ('"We will not stop..." he said. "Never."', ['"We will not stop..." he said.', '"Never."']),
    ('"The effects are severe. They are lasting," he said. Officials disagreed.',
     ['"The effects are severe.', 'They are lasting," he said.', "Officials disagreed."]),
    ('Officials said "All the wounded were taken to hospital. No one is left at the site." Rescue work ended.',
     ['Officials said "All the wounded were taken to hospital. No one is left at the site."', "Rescue work ended."]),
    ('The sign read "Closed. Back at 5. Sorry." Nobody came. A 12" pizza costs $5. It is big.',
     ['The sign read "Closed. Back at 5. Sorry."', "Nobody came.", 'A 12" pizza costs $5.', "It is big."]),
    ("Prices rose\u00a0. Then they fell\u3000. Traders left.",
     ["Prices rose\u00a0.", "Then they fell\u3000.", "Traders left."]),
    ("Prices rose. \u201cWe saw it coming. Nobody listened,\u201d a trader said.",
     ["Prices rose.", "\u201cWe saw it coming.", "Nobody listened,\u201d a trader said."]),
]

CASES = [
    ("The U.S. and Iran met on Monday. Talks failed.", ["The U.S. and Iran met on Monday.", "Talks failed."]),
    ("Dr. Smith agreed. Nobody else did.", ["Dr. Smith agreed.", "Nobody else did."]),
    ("China signed a $10.1 billion deal. It doubles its stake.", ["China signed a $10.1 billion deal.", "It doubles its stake."]),
    ("Use local sources, e.g. court records. They help.", ["Use local sources, e.g. court records.", "They help."]),
    ("See https://www.example.com/a.html for details. Next one.", ["See https://www.example.com/a.html for details.", "Next one."]),
    ("Meet Iranian Singles\nIranian Singles", ["Meet Iranian Singles", "Iranian Singles"]),
    ("First paragraph ends here\n\nSecond paragraph.", ["First paragraph ends here", "Second paragraph."]),
    ('He said "Stop." She left.', ['He said "Stop."', "She left."]),
    ("Is it true? Yes! Really.", ["Is it true?", "Yes!", "Really."]),
    ("Mr. Jones flew to Washington, D.C. on Monday. He left.", ["Mr. Jones flew to Washington, D.C. on Monday.", "He left."]),
    ("The 3.5% rise was noted. Prices fell.", ["The 3.5% rise was noted.", "Prices fell."]),
    ("Prof. J. R. Smith spoke at 5 p.m. yesterday. Good.", ["Prof. J. R. Smith spoke at 5 p.m. yesterday.", "Good."]),
]


def test_hard_cases():
    for text, expected in CASES:
        assert [s for _, _, s in sentences(text)] == expected, text


@pytest.mark.parametrize("case", GOLDEN_RULES, ids=[str(n) for n in range(1, len(GOLDEN_RULES) + 1)])
def test_golden_rules(case):
    assert [s for _, _, s in sentences(case["text"])] == case["sentences"]


@pytest.mark.parametrize("text, expected", NEWS, ids=[t[:30] for t, _ in NEWS])
def test_news_sentences_stay_whole(text, expected):
    found = sentences(text)
    assert [s for _, _, s in found] == expected
    for start, end, sentence in found:
        assert text[start:end] == sentence


def test_exact_spans_in_a_wire_paragraph():
    text = "Markets\nThe Dow .DJI rose 49 points to 10,578. Gov. Pat Quinn spoke at 6 p.m. Monday.\n"
    assert sentences(text) == [
        (0, 7, "Markets"),
        (8, 46, "The Dow .DJI rose 49 points to 10,578."),
        (47, 85, "Gov. Pat Quinn spoke at 6 p.m. Monday."),
    ]


def test_offsets_give_the_sentence_back_on_the_article(tmp_path):
    from conftest import CORPUS

    text = (CORPUS / "iraq-battleground.txt").read_text()
    found = sentences(text)
    assert len(found) == 65
    assert found[-7][2] == "Join My Patreon\xa0if you want help making sense of this insane world."
    assert [s for _, _, s in found[-6:-4]] == ["Meet Iranian Singles", "Iranian Singles"]
    for start, end, sentence in found:
        assert text[start:end] == sentence and sentence == sentence.strip()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("ab .!?\n\t\u00a0\u200f\u0301é\"'$1U.S") + ["Dr.", "e.g.", " http://x.y/z "]), max_size=120).map("".join))
def test_offsets_property(text):
    previous_end = 0
    for start, end in spans(text):
        assert start >= previous_end and end > start
        sentence = text[start:end]
        assert sentence.strip() == sentence and sentence
        # a soft line break at most, never a blank line but before a paragraph of links alone
        blank = re.search(r"\n\s*\n", sentence)
        assert not blank or wordless(sentence[blank.end() :])
        previous_end = end
