from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from annotator.store import Store

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


@pytest.fixture(autouse=True)
def own_config_folder(tmp_path, monkeypatch):
    """Screen preferences (the theme) go to a folder of the test's own, never the user's."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("TEXTUAL_THEME", raising=False)


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "test.db"


@pytest.fixture
def store(db_path) -> Store:
    s = Store(db_path)
    yield s
    s.close()


def dump(path) -> dict[str, list[tuple]]:
    """Every row of every table, to prove a refused input changed nothing."""
    conn = sqlite3.connect(path)
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
    out = {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in tables}
    conn.close()
    return out
