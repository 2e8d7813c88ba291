"""Issue 29: the main, review, help and sources screens at 70x20, 80x24 and 200x60."""

import pytest

from annotator.store import Store
from annotator.suggest import add_rule
from annotator.tui.app import AnnotatorApp
from test_tui import (built_review_db, corpus_db, fixed_clock, fixed_database_path, pressing,  # noqa: F401
                      store)  # fixtures: the corpus and a copy of it, the review database, 14:02, one path

SIZES = pytest.mark.parametrize("size", [(70, 20), (80, 24), (200, 60)], ids=["70x20", "80x24", "200x60"])


@pytest.fixture
def suggesting(store):
    """The corpus with a rule's suggestion on sentence 4."""
    add_rule(store, "Israel continues to up the ante", "claim")
    return store


@SIZES
def test_snapshot_main(suggesting, snap_compare, size):
    # labels, then the sentence with a suggestion: the side panel or the status line shows it
    assert snap_compare(AnnotatorApp(suggesting, "alice"), run_before=pressing("f", "c", "o"), terminal_size=size)


@SIZES
def test_snapshot_help(store, snap_compare, size):
    assert snap_compare(AnnotatorApp(store, "alice"), run_before=pressing("question_mark"), terminal_size=size)


@SIZES
def test_snapshot_sources(store, snap_compare, size):
    assert snap_compare(AnnotatorApp(store, "alice"), run_before=pressing("f", "S"), terminal_size=size)


@SIZES
def test_snapshot_review(built_review_db, snap_compare, size):
    assert snap_compare(AnnotatorApp(Store(built_review_db), "lead", mode="review"), run_before=pressing(),
                        terminal_size=size)
