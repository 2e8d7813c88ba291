import math

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from annotator import agreement

NAN = math.nan


def test_krippendorff_published_example():
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability", section C:
    # 4 observers, 12 units, missing values; nominal alpha = 0.743
    data = np.array([
        [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
        [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
    ])
    assert round(agreement.krippendorff_alpha(data), 3) == 0.743


def test_fleiss_published_example():
    # Fleiss (1971) as worked on Wikipedia: 10 items, 14 raters, 5 categories; kappa = 0.210
    counts = [
        [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
    ]
    assert round(agreement.fleiss_kappa(np.array(counts)), 3) == 0.210


def test_cohen_published_example():
    # Wikipedia's worked example: 50 items, yes/yes 20, yes/no 5, no/yes 10, no/no 15; kappa = 0.4
    a = ["yes"] * 25 + ["no"] * 25
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert agreement.cohen_kappa(a, b) == pytest.approx(0.4)


def test_compute_by_hand():
    rows = [
        (1, "ann", "fact"), (1, "bob", "fact"), (1, "cy", "fact"),
        (2, "ann", "claim"), (2, "bob", "opinion"), (2, "cy", "claim"),
        (3, "ann", "advert"), (3, "bob", "advert"),
        (4, "ann", "fact"),  # one annotator only: not a unit
        (5, "bob", "claim"), (5, "cy", "fact"),
    ]
    r = agreement.compute(rows)
    assert (r.units, r.annotators, r.disagreements, r.fleiss_units) == (4, ["ann", "bob", "cy"], 2, 2)
    assert r.pair_units == {"ann|bob": 3, "ann|cy": 2, "bob|cy": 3}
    # ann|bob over units 1,2,3: fact/fact, claim/opinion, advert/advert -> po = 2/3;
    # marginals ann (fact 1, claim 1, advert 1), bob (fact 1, opinion 1, advert 1): pe = 2/9
    assert r.cohen_kappa["ann|bob"] == pytest.approx((2 / 3 - 2 / 9) / (1 - 2 / 9))
    # bob|cy over 1,2,5: fact/fact, opinion/claim, claim/fact -> po = 1/3;
    # bob (fact 1, opinion 1, claim 1), cy (fact 2, claim 1): pe = (1*2 + 1*1) / 9 = 1/3 -> kappa 0
    assert r.cohen_kappa["bob|cy"] == pytest.approx(0.0)
    # observed agreement: unit 1: 1, unit 2: 2 of 6 ordered pairs agree, unit 3: 1, unit 5: 0
    assert r.observed_agreement == pytest.approx((1 + 1 / 3 + 1 + 0) / 4)
    assert r.confusion["ann|bob"]["matrix"] == [[1, 0, 0, 0], [0, 0, 1, 0], [0, 0, 0, 0], [0, 0, 0, 1]]
    # Fleiss over units 1 and 2 (all three labeled): P1 = 1, P2 = 1/3; p = fact 3/6, claim 2/6, opinion 1/6
    pe = (3 / 6) ** 2 + (2 / 6) ** 2 + (1 / 6) ** 2
    assert r.fleiss_kappa == pytest.approx(((1 + 1 / 3) / 2 - pe) / (1 - pe))
    # alpha by hand from the coincidence matrix: n = 10 pairable values;
    # D_o = 4/10 (disagreeing ordered pairs weighted 1/(m-1)), D_e from the value totals
    # totals: fact 4, claim 3, opinion 1, advert 2 -> D_e = (10^2 - (16 + 9 + 1 + 4)) / (10 * 9)
    d_o = (4 / 2 + 2 / 1) / 10  # unit 2: 4 disagreeing ordered pairs / (3-1); unit 5: 2 / (2-1)
    d_e = (100 - 30) / 90
    assert r.krippendorff_alpha == pytest.approx(1 - d_o / d_e)


def test_selected_annotators_and_empty():
    rows = [(1, "ann", "fact"), (1, "bob", "claim"), (1, "cy", "fact")]
    r = agreement.compute(rows, only=["ann", "cy"])
    assert (r.units, r.annotators, r.disagreements, r.cohen_kappa) == (1, ["ann", "cy"], 0, {"ann|cy": None})
    empty = agreement.compute([])
    assert empty.as_json()["fleiss_kappa"] is None and empty.units == 0 and empty.krippendorff_alpha is None


def test_sliced_alpha_equals_the_packages_own():
    import krippendorff

    rng = np.random.default_rng(4)
    counts = rng.integers(0, 3, size=(50_000, 4)).astype(float)
    counts = counts[counts.sum(axis=1) >= 2]
    expected = krippendorff.alpha(value_counts=counts, level_of_measurement="nominal")
    assert agreement.alpha_from_counts(counts) == pytest.approx(expected, rel=1e-12)


def test_gwet_ac1_published_example():
    # Gwet's handbook example (irrCAC's cac.raw4raters): 12 units, 4 raters, categories 1-5, missing
    # ratings; gwet.ac1.raw gives pa 0.8181818, pe 0.1903212, AC1 0.77544
    ratings = [[1, 1, None, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3], [2, 2, 2, 2], [1, 2, 3, 4],
               [4, 4, 4, 4], [1, 1, 2, 1], [2, 2, 2, 2], [None, 5, 5, 5], [None, None, 1, 1], [None, None, 3, None]]
    counts = np.array([[row.count(k) for k in range(1, 6)] for row in ratings])
    assert round(agreement.gwet_ac1(counts), 5) == 0.77544
    assert agreement.gwet_ac1(np.array([[2, 0], [0, 2]])) == 1.0
    assert agreement.gwet_ac1(np.array([[1, 0], [0, 1]])) is None  # nobody rated a unit twice


def test_gwet_ac1_through_compute_uses_every_rated_unit():
    # the same table as (unit, annotator, label) rows: compute gives the same AC1 when the five
    # categories are the labels
    ratings = [[1, 1, None, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3], [2, 2, 2, 2], [1, 2, 3, 4],
               [4, 4, 4, 4], [1, 1, 2, 1], [2, 2, 2, 2], [None, 5, 5, 5], [None, None, 1, 1], [None, None, 3, None]]
    votes = agreement.Votes(labels=["1", "2", "3", "4", "5"])
    for unit, row in enumerate(ratings):
        for rater, value in enumerate(row):
            if value is not None:
                votes.add(unit, f"r{rater}", str(value))
    result = agreement.compute_votes(votes)
    assert round(result.gwet_ac1, 5) == 0.77544
    assert round(result.krippendorff_alpha, 3) == 0.743


def test_only_pairs_that_share_units_are_listed():
    votes = agreement.Votes()
    for unit, people in enumerate([("a", "b"), ("a", "b"), ("c", "d"), ("c", "d", "e")]):
        for who in people:
            votes.add(unit, who, "fact")
    result = agreement.compute_votes(votes)
    assert sorted(result.cohen_kappa) == ["a|b", "c|d", "c|e", "d|e"]  # not a|c, a|d, ... (10 pairs in all)
    assert result.pair_units == {"a|b": 2, "c|d": 2, "c|e": 1, "d|e": 1}


def test_pair_confusions_are_found_through_units_and_equal_the_pairwise_count():
    matrix = np.full((70, 71), -1, dtype=np.int8)
    for k in range(70):  # annotator k labeled units k and k + 1: only neighbours share
        matrix[k, k], matrix[k, k + 1] = k % 4, (k + 1) % 4
    found = dict(agreement.pair_confusions(matrix, 4))
    assert list(found) == [(k, k + 1) for k in range(69)]
    assert all(m.sum() == 1 and m[(k + 1) % 4, (k + 1) % 4] == 1 for (k, _), m in found.items())
    # against the obvious count over every pair, on random votes with gaps
    rng = np.random.default_rng(8)
    matrix = rng.integers(0, 4, size=(9, 300)).astype(np.int8)
    matrix[rng.random(matrix.shape) < 0.6] = -1
    found = dict(agreement.pair_confusions(matrix, 4))
    for i in range(9):
        for j in range(i + 1, 9):
            both = (matrix[i] >= 0) & (matrix[j] >= 0)
            expected = np.zeros((4, 4), dtype=np.int64)
            np.add.at(expected, (matrix[i, both], matrix[j, both]), 1)
            assert ((i, j) in found) == bool(both.any())
            if both.any():
                assert (found[(i, j)] == expected).all()


def test_alpha_by_part_equals_alpha_of_each_part():
    rng = np.random.default_rng(3)
    counts = rng.integers(0, 3, size=(60, 4))
    counts[5] = [1, 0, 0, 0]  # one rating: not pairable, left out
    units = np.r_[np.arange(60), np.arange(0, 60, 7)]  # every seventh unit is in two parts
    parts = np.r_[np.arange(60) // 10, np.full(len(range(0, 60, 7)), 6)]
    alpha, n = agreement.alpha_by_part(counts, parts, units, 7)
    for part in range(7):
        mine = counts[units[parts == part]]
        expected = agreement.alpha_from_counts(mine)
        assert (np.isnan(alpha[part]) if expected is None else alpha[part] == pytest.approx(expected, abs=1e-12))
        assert n[part] == (mine.sum(axis=1) >= 2).sum()
    # the Krippendorff (2011) example as one part gives the published 0.743
    data = np.array([[1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN], [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
                     [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN], [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN]])
    table = np.zeros((12, 5))
    for row in data:
        for u, v in enumerate(row):
            if not np.isnan(v):
                table[u, int(v) - 1] += 1
    alpha, _ = agreement.alpha_by_part(table, np.zeros(12, dtype=np.int64), np.arange(12), 1)
    assert round(alpha[0], 3) == 0.743


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 12), st.sampled_from(["ann", "bob", "cy", "dee"]),
                          st.sampled_from(["fact", "claim", "opinion", "advert", "other"])), max_size=150),
       st.integers(1, 40))
@example([(u, who, "claim" if u % 3 else "fact") for u in range(1, 7) for who in ("ann", "bob")], 5)
@example([(1, "ann", "fact"), (1, "bob", "fact"), (2, "cy", "opinion"), (2, "dee", "other"), (3, "ann", "x")], 1)
def test_the_streamed_tally_gives_the_figures_of_the_whole(votes, batch):
    # one current label per unit and annotator, by unit: the order an export reads them in
    rows = sorted({(unit, who): label for unit, who, label in votes}.items())
    rows = [(unit, who, label) for (unit, who), label in rows]
    tally = agreement.Tally(batch=batch)  # a slice of a few votes: many slices, new labels and people late
    for row in rows:
        tally.add(*row)
    streamed, whole = tally.figures(), agreement.compute(rows)
    assert streamed.units == whole.units
    assert streamed.annotators == whole.annotators
    assert streamed.labeled_by == whole.labeled_by
    assert streamed.disagreements == whole.disagreements
    assert streamed.fleiss_units == whole.fleiss_units
    for name in ("krippendorff_alpha", "fleiss_kappa", "observed_agreement"):
        a, b = getattr(streamed, name), getattr(whole, name)
        assert (a is None) == (b is None), name
        if a is not None:
            assert a == pytest.approx(b, abs=1e-12), name


def test_the_tally_wants_votes_in_unit_order():
    tally = agreement.Tally()
    tally.add(5, "ann", "fact")
    with pytest.raises(ValueError):
        tally.add(4, "bob", "fact")
