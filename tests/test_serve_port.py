"""`annotator serve` on a port it cannot have: one line, before anything is announced."""

from __future__ import annotations

import socket

import pytest

from helpers import CORPUS, run

pytest.importorskip("textual_serve")


def test_a_taken_port_is_one_line_before_serving_is_announced(tmp_path):
    db = tmp_path / "team.db"
    assert run("import", CORPUS / "wire-port-strike.txt", "--db", db).exit_code == 0
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("serve", "--db", db, "--port", port, "--token", "geheim")
    assert result.exit_code == 1
    assert result.output == f"Error: 127.0.0.1:{port}: the port is taken (by another server?); choose another with --port\n"


def test_an_address_not_of_this_machine_is_one_line(tmp_path):
    db = tmp_path / "team.db"
    assert run("import", CORPUS / "wire-port-strike.txt", "--db", db).exit_code == 0
    result = run("serve", "--db", db, "--host", "192.0.2.1", "--port", "8000", "--token", "geheim")
    assert result.exit_code == 1
    assert result.output == ("Error: 192.0.2.1:8000: not an address of this machine; give one of its own with --host\n")
