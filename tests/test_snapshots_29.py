"""Issue 29: the main, review, help and sources screens at 70x20, 80x24 and 200x60."""

import shutil

import pytest

from annotator.ingest import import_paths
from annotator.store import Store
from annotator.suggest import add_rule
from annotator.tui.app import AnnotatorApp
from annotator.writer import wait_all
from conftest import CORPUS

SIZES = pytest.mark.parametrize("size", [(70, 20), (80, 24), (200, 60)], ids=["70x20", "80x24", "200x60"])


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "corpus.db"
    store = Store(path)
    import_paths(store, [CORPUS])
    add_rule(store, "Israel continues to up the ante", "claim")  # a suggestion on sentence 4
    store.close()
    return path


@pytest.fixture
def store(corpus_db, tmp_path):
    path = tmp_path / "tui.db"
    shutil.copy(corpus_db, path)
    s = Store(path)
    yield s
    s.close()


@pytest.fixture(autouse=True)
def fixed_clock_and_path(monkeypatch):
    """Snapshots show "refreshed 14:02" and one database path, whatever the time and folder of the run."""
    monkeypatch.setattr("annotator.session.clock", lambda: "14:02")
    monkeypatch.setattr("annotator.tui.widgets.names.database_path", lambda path: "/home/ana/newsroom/labels.db")


@pytest.fixture
def review_db(tmp_path):
    from helpers import build

    db = tmp_path / "review.db"
    build(db, tmp_path)
    return db


def pressing(*keys):
    """Press keys, then let the writes land and the screen settle: a snapshot shows stored labels."""
    async def run_before(pilot):
        await pilot.press(*keys)
        wait_all(10)
        await pilot.pause()
        await pilot.pause()
    return run_before


@SIZES
def test_snapshot_main(store, snap_compare, size):
    # labels, then the sentence with a suggestion: the side panel or the status line shows it
    assert snap_compare(AnnotatorApp(store, "alice"), run_before=pressing("f", "c", "o"), terminal_size=size)


@SIZES
def test_snapshot_help(store, snap_compare, size):
    assert snap_compare(AnnotatorApp(store, "alice"), run_before=pressing("question_mark"), terminal_size=size)


@SIZES
def test_snapshot_sources(store, snap_compare, size):
    assert snap_compare(AnnotatorApp(store, "alice"), run_before=pressing("f", "S"), terminal_size=size)


@SIZES
def test_snapshot_review(review_db, snap_compare, size):
    assert snap_compare(AnnotatorApp(Store(review_db), "lead", mode="review"), run_before=pressing(),
                        terminal_size=size)
