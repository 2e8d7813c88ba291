from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.segment import sentences, spans

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
        assert "\n" not in sentence
        previous_end = end
