"""The benchmark hook 9599 (central/bench_sink.py) is off unless the server is started with
`central serve --bench-sink`: without it a 9599 is refused like any unknown transaction and
nothing is stored; with it the body is stored as is."""

from __future__ import annotations

from pathlib import Path

from central_helpers import SITE_A, Client, Server, db_rows, start_server, stop_server

from hospital_client import protocol as p

SINK_INPUT = {"data": [{"kind": "settlement", "local_id": "1", "request": {}, "provisional": {}}]}


def _sinks(server: Server) -> int:
    return int(db_rows(server.db, "SELECT count(*) FROM sink")[0][0])


def test_9599_refused_without_the_option(central: Server) -> None:
    before = _sinks(central)
    response = central.client(SITE_A).send(p.BENCH_SINK, SINK_INPUT)
    envelope = p.parse_response(response.content)
    assert response.status_code == 400 and envelope.infcode == p.UnknownInfno.infcode, response.text[:300]
    assert "9599" in envelope.err_msg
    assert _sinks(central) == before


def test_9599_stored_with_bench_sink(central: Server, tmp_path: Path) -> None:
    proc, port = start_server(central.db, 0, tmp_path / "bench-server.log", "--bench-sink")
    try:
        site = Client(f"http://127.0.0.1:{port}", SITE_A, central.secrets[SITE_A])
        before = _sinks(central)
        msgid, body = site.body(p.BENCH_SINK, SINK_INPUT)
        response = site.post(body)
        envelope = p.parse_response(response.content)
        assert response.status_code == 200 and envelope.infcode == 0 and envelope.output == {}
        assert _sinks(central) == before + 1
        stored = db_rows(central.db, "SELECT body FROM sink ORDER BY seq DESC LIMIT 1")[0][0]
        assert bytes(stored) == body
        # No msgid bookkeeping: a 9599 leaves no stored answer.
        assert db_rows(central.db, "SELECT count(*) FROM message WHERE msgid = ?", (msgid,)) == [(0,)]
    finally:
        stop_server(proc)
    assert "with the 9599 benchmark sink" in (tmp_path / "bench-server.log").read_text(errors="replace")
