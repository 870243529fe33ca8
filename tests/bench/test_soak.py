"""The soak (bench/soak.py) in brief, so that it keeps working: twenty seconds of every
kind of client at once on SpatiaLite, with no 5xx and no lost update."""

from __future__ import annotations

import json

from bench.soak import main


def test_a_short_soak_has_no_server_error_and_loses_no_update(tmp_path, capsys):
    out = tmp_path / "soak.json"
    status = main(
        [
            "--backend", "spatialite", "--minutes", "0.34", "--editors", "2",
            "--browsers", "1", "--readers", "1", "--tiles", "1", "--logins", "1",
            "--import-every", "5", "--import-parcels", "50", "--out", str(out),
        ]
    )  # fmt: skip
    report = json.loads(out.read_text())
    printed = capsys.readouterr().out
    assert status == 0 and report["ok"], printed
    assert report["server_errors"] == {}
    updates = report["updates"]
    assert updates["lost"] == 0 and updates["accepted_edits"] > 0
    assert updates["accepted_edits"] == updates["case_events_written"] == updates["version_steps"]
    assert updates["parcels_imported"] == updates["parcels_added"] > 0
    assert report["health"]["answered_throughout"] and report["health"]["probes"] >= 10
    kinds = report["kinds"]
    for kind in ("case edit", "case read", "read", "page", "tile", "login", "import"):
        assert kinds[kind]["requests"] > 0, kind
    assert "lost updates 0" in printed and "answered throughout" in printed
