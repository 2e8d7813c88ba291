"""Ctrl+C during an import (issue 25, item 5): one line, no worker tracebacks, the grouping pending
and said so until a command finishes it. A real process gets SIGINT, in its whole process group as a
terminal sends it, once it says it reached the point under test."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from click.testing import CliRunner

from annotator.cli import main

STORY = ("The port authority said the strike had cost the region four million dollars a day. "
         "Dockworkers walked out on Monday after talks over the new shift rota broke down. ")

CHILD = textwrap.dedent("""
    import sys
    from annotator import ingest
    from annotator.dedup import grouping
    from annotator.cli import main

    ingest.PARALLEL_BYTES = 0  # worker processes read the files, as in a big import
    where, module = sys.argv[1], {"storing": ingest, "grouping": grouping}[sys.argv[1]]
    name = {"storing": "_store_file", "grouping": "_save"}[where]
    original = getattr(module, name)

    def pause(*args, **kwargs):
        if where == "storing":
            original(*args, **kwargs)
        print("reached", flush=True)
        sys.stdin.readline()  # Ctrl+C arrives here
        return original(*args, **kwargs)

    setattr(module, name, pause)
    main(["import", *sys.argv[2:]])
""")


def interrupted_import(where, folder, db_path):
    child = subprocess.Popen([sys.executable, "-c", CHILD, where, str(folder), "--db", str(db_path)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             start_new_session=True)
    assert child.stdout.readline() == f"created a new database at {Path(db_path).resolve()}\n"
    assert child.stdout.readline() == "reached\n"
    os.killpg(child.pid, signal.SIGINT)
    out, err = child.communicate(timeout=120)
    return child.returncode, out, err


def corpus(tmp_path):
    folder = tmp_path / "wire"
    folder.mkdir()
    for n in range(6):
        (folder / f"story{n}.txt").write_text(STORY + f"Story {n} ends here.")
    return folder


def run(*args):
    return CliRunner().invoke(main, list(map(str, args)))


PENDING = "it finishes with the next import, `annotator dupes group` or when the screen opens\n"


def test_ctrl_c_while_storing_says_one_line_and_leaves_the_grouping_pending(tmp_path, db_path):
    status, out, err = interrupted_import("storing", corpus(tmp_path), db_path)
    assert (status, out) == (130, "")
    assert err == f"import stopped: 1 document stored, grouping of 3 sentences pending; {PENDING}"
    stats = run("stats", "--db", db_path)
    assert stats.stderr == ("grouping pending: 3 sentences not yet in duplicate groups (an import was stopped); "
                            "`annotator dupes group` groups them\n")
    assert run("dupes", "group", "--db", db_path).stdout == "grouped 3 sentences; 0 sentences joined a duplicate group\n"
    assert run("stats", "--db", db_path).stderr == ""


def test_ctrl_c_while_grouping_keeps_every_document_and_the_next_import_groups_them(tmp_path, db_path):
    folder = corpus(tmp_path)
    status, out, err = interrupted_import("grouping", folder, db_path)
    assert (status, out) == (130, "")
    assert err == f"import stopped: 6 documents stored, grouping of 18 sentences pending; {PENDING}"
    again = run("import", folder, "--db", db_path)
    assert again.stdout.splitlines()[-1] == ("0 documents and 0 sentences added, 6 unchanged; "
                                             "10 sentences joined a duplicate group")
    groups = run("dupes", "--json", "--db", db_path)
    assert groups.stdout.count('"size": 6') == 2


def test_the_screen_finishes_a_pending_grouping_before_it_opens(tmp_path, db_path, monkeypatch):
    from annotator import cli
    from annotator.store import Store

    interrupted_import("storing", corpus(tmp_path), db_path)
    opened = []
    monkeypatch.setattr(cli, "run_app", lambda app: opened.append(Store(db_path).count_pending()))
    result = run("annotate", "--db", db_path, "--annotator", "ann")
    assert result.stderr == "grouping 3 sentences an interrupted import left pending...\n"
    assert opened == [0]


def test_an_import_still_running_is_not_taken_for_a_stopped_one_and_the_screen_does_not_wait_for_it(db_path):
    from conftest import CORPUS

    from click.testing import CliRunner

    from annotator import cli
    from annotator.ingest import import_paths, pending_grouping
    from annotator.processes import identity
    from annotator.store import Store

    store = Store(db_path)
    import_paths(store, [CORPUS / "wire-port-strike.txt"], group=False)  # stored, its grouping still to come
    store.mark_import(identity(), True)  # as the import running in another terminal marks itself
    pending = pending_grouping(store)
    result = CliRunner().invoke(cli.main, ["stats", "--db", str(db_path)])
    assert result.stderr == (f"an import is running: {pending} sentences not yet in duplicate groups, which it "
                             "groups when it has stored its files\n")
    cli._finish_pending_grouping(store)  # the screen opens at once: the running import groups them
    assert pending_grouping(store) == pending
    store.mark_import(identity(), False)  # it ended without grouping (killed): now the screen groups them
    cli._finish_pending_grouping(store)
    assert pending_grouping(store) == 0


def test_every_command_says_a_stopped_grouping_is_pending_and_next_finishes_it(db_path, tmp_path):
    from click.testing import CliRunner

    from conftest import CORPUS

    from annotator import cli
    from annotator.ingest import import_paths, pending_grouping
    from annotator.store import Store

    store = Store(db_path)
    import_paths(store, [CORPUS / "wire-port-strike.txt", CORPUS / "syndicated-port-strike.txt"], group=False)
    pending = pending_grouping(store)
    said = (f"grouping pending: {pending} sentences not yet in duplicate groups (an import was stopped); "
            "`annotator dupes group` groups them\n")
    runner = CliRunner()
    for command in (["stats"], ["dupes"], ["agreement"], ["progress"], ["sources"],
                    ["export", "--out", str(tmp_path / "x.jsonl")]):
        assert runner.invoke(cli.main, [*command, "--db", str(db_path)]).stderr.startswith(said), command
    result = runner.invoke(cli.main, ["next", "--annotator", "ann", "--json", "--db", str(db_path)])
    assert result.stderr.startswith(f"grouping {pending} sentences an interrupted import left pending...")
    assert pending_grouping(store) == 0
