"""Issue 29, the screens: the view filter, a label on its copy after a quick document change, the side
panel's counts, narrow terminals, the database shown, one numbering for people, help and palette."""

import shutil

import pytest

from annotator.ingest import import_paths
from annotator.store import Store
from annotator.tui.app import AnnotatorApp
from conftest import CORPUS

IRAQ = "corpus/iraq-battleground.txt"
WIRE = "corpus/wire-port-strike.txt"
SYNDICATED = "corpus/syndicated-port-strike.txt"


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "corpus.db"
    store = Store(path)
    import_paths(store, [CORPUS])
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
def fixed_clock(monkeypatch):
    monkeypatch.setattr("annotator.session.clock", lambda: "14:02")


class HeldWriter:
    """A writer that lands nothing until the test says so: the order of events is the test's, not the
    thread scheduler's."""

    def __init__(self, store, app):
        self.store, self.app, self.held = store, app, []

    def submit(self, job, key=None):
        self.held.append((job, key))

    @property
    def pending(self):
        return len(self.held)

    full = False

    def land_all(self):
        while self.held:
            job, key = self.held.pop(0)
            job(self.store)
            self.app._landed(key, 0)

    def wait(self, timeout=None):
        return True

    settle = wait

    def close(self):
        self.land_all()
        return True


@pytest.fixture
def held(monkeypatch):
    writers = []

    def start(app):
        writers.append(HeldWriter(app.store, app))
        return writers[-1]

    monkeypatch.setattr(AnnotatorApp, "_start_writer", start)
    return writers


def panel(pilot, selector):
    return str(pilot.app.screen.query_one(selector).render())


async def test_a_label_shows_on_its_copy_when_the_document_changes_before_it_lands(store, held):
    app = AnnotatorApp(store, "alice", doc_name=WIRE)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("j", "j", "j", "c", "left_square_bracket")
        session = pilot.app.screen.session
        assert held[0].pending == 1  # not landed: the copy is shown from what this session gave
        assert session.doc_name == SYNDICATED and session.labels == {3: "claim"}
        await pilot.press("j", "j", "j")
        assert panel(pilot, "#sentence-info") == ("saving 1 sentence...\nyour label: claim\n"
                                                  f"also in 1 other document: {WIRE}")
        assert "[C]" in pilot.app.screen.para_content(pilot.app.screen.para_of[3]).plain
        held[0].land_all()
        await pilot.pause()
        assert session.labels == {3: "claim"} and session.unsaved_labels == {}
        await pilot.press("right_square_bracket")  # undone before it lands: the copy loses it again
        await pilot.press("u", "left_square_bracket")
        assert session.doc_name == SYNDICATED and held[0].pending == 1 and session.labels == {}


async def test_cycling_the_view_back_to_every_sentence_shows_the_whole_document(store):
    app = AnnotatorApp(store, "alice")
    async with app.run_test(size=(120, 40)) as pilot:
        view = pilot.app.screen
        await pilot.press("f", "c")
        await pilot.press(*["v"] * 6)  # unlabeled, fact, claim, opinion, advert, then every sentence
        await pilot.pause()
        session = view.session
        assert session.view is None and session.index == 1  # the claim view stopped on the claim
        shown = [str(w.render()) for w in view.para_widgets if w.display]
        assert len(shown) == len(view.para_members)
        assert [line.count("] ") for line in shown] == [len(members) for members in view.para_members]
        assert shown[0] == "[F] After Missiles Fly, Iraq Becomes the Battleground"
        assert view.window == (0, 51)  # the window around sentence 1, whole again
