"""The throwaway PostgreSQL cluster picks a free port, frees it and then starts its server on it:
when another process takes the port in between, the cluster still starts, on another port."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pg_cluster
import psycopg
import pytest
from pg_cluster import throwaway_cluster


@pytest.fixture
def held_port() -> Iterator[int]:
    """A port on 127.0.0.1 another process has taken: bound and listening until the test ends."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield int(sock.getsockname()[1])


def test_a_port_taken_before_the_server_binds_it_is_replaced(tmp_path: Path, held_port: int,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    picked: list[int] = []
    free_port = pg_cluster._free_port

    def pick() -> int:  # the first pick is the port someone takes before the server starts
        picked.append(held_port if not picked else free_port())
        return picked[-1]

    monkeypatch.setattr(pg_cluster, "_free_port", pick)

    with throwaway_cluster(tmp_path) as cluster:
        log = (cluster.data.parent / "postgresql.log").read_text(errors="replace")
        # The first attempt really ran into the held port ...
        assert picked[0] == held_port
        assert "could not bind" in log or "Address already in use" in log
        # ... and the cluster runs on the next one, reached by its TCP URL.
        assert cluster.port == picked[-1] != held_port and len(picked) == 2
        assert cluster.url("postgres") == f"postgresql://{pg_cluster.SUPERUSER}@127.0.0.1:{cluster.port}/postgres"
        cluster.create_database("after_the_race")
        with psycopg.connect(cluster.url("after_the_race")) as conn:
            assert conn.execute("SELECT inet_server_port()").fetchone() == (cluster.port,)


def test_a_start_that_fails_for_another_reason_is_not_retried(tmp_path: Path) -> None:
    bin_dir = pg_cluster.find_bin_dir()
    assert bin_dir is not None
    data = tmp_path / "data"
    data.mkdir()  # no initdb: the server cannot start, whatever the port
    cluster = pg_cluster.PgCluster(bin_dir, data, pg_cluster._free_port(), None)
    port = cluster.port
    with pytest.raises(RuntimeError, match="pg_ctl start failed") as raised:
        cluster.start_on_a_free_port()
    assert not isinstance(raised.value, pg_cluster.PortTakenError) and cluster.port == port


def test_every_attempt_on_a_taken_port_gives_up(tmp_path: Path, held_port: int,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pg_cluster, "_free_port", lambda: held_port)
    with pytest.raises(pg_cluster.PortTakenError, match=r"could not bind|Address already in use"):
        with throwaway_cluster(tmp_path):
            pass
