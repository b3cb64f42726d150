"""The throwaway PostgreSQL cluster of a test run killed outright (SIGKILL: no cleanup runs) is
stopped and removed by the next run's cluster start (pg_cluster.reap_stale_clusters); a live
run's cluster is left alone."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from pg_cluster import PgCluster, _postmaster, _process_start, owner_alive, reap_stale_clusters

HERE = Path(__file__).resolve().parent

# A "test run" that starts a cluster, says where, and waits to be killed.
OWNER = """
import sys, time
from pathlib import Path
from pg_cluster import throwaway_cluster
with throwaway_cluster(Path(sys.argv[1])) as cluster:
    print(cluster.data.parent, flush=True)
    time.sleep(600)
"""


def test_a_killed_runs_cluster_is_reaped_and_a_live_one_kept(tmp_path: Path, pg_cluster: PgCluster) -> None:
    run = subprocess.Popen([sys.executable, "-c", OWNER, str(tmp_path)], stdout=subprocess.PIPE, text=True,
                           env={**os.environ, "PYTHONPATH": str(HERE)})
    try:
        assert run.stdout is not None
        root = Path(run.stdout.readline().strip())
        assert root.is_dir() and owner_alive(root) is True
        server = _postmaster(root / "data")
        assert server is not None
    finally:
        run.send_signal(signal.SIGKILL)
        run.wait()
    # The owner is gone without cleaning up: its server still runs on its folder.
    assert owner_alive(root) is False and _process_start(server) is not None and root.is_dir()

    reaped = reap_stale_clusters()

    assert root in reaped and not root.exists()
    deadline = time.monotonic() + 10
    while _process_start(server) is not None:
        assert time.monotonic() < deadline, "the stale server still runs"
        time.sleep(0.05)
    # This session's own cluster (its owner, this process, is alive) is untouched and still answers.
    assert pg_cluster.data.parent not in reaped and owner_alive(pg_cluster.data.parent) is True
    pg_cluster.execute("SELECT 1")
