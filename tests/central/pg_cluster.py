"""A throwaway PostgreSQL server for the tests: Debian's binaries (/usr/lib/postgresql/<ver>/bin),
``initdb`` into a folder under the test session's temp dir, ``pg_ctl`` on a free port on
127.0.0.1 (TCP only, trust authentication for the one superuser, durability off: it is thrown
away), stopped at the end of the session. The port is picked, freed, then bound by the server: when
another process (a parallel test, a server started on port 0) took it in between, the server cannot
bind it, and it is started again on a newly picked port (a few attempts).

initdb refuses to run as root: as root, the server runs as the unprivileged ``postgres`` system
user (made by Debian's postgresql-common; created here with useradd when missing) through
``runuser``, and owns its data folder. The cluster's folder is a fresh one in the system temp dir
(/tmp, which every user can reach), named from the session's (pytest keeps /tmp/pytest-of-root at
mode 0700 and resets it whenever another session starts, which would cut the server off from its
files mid-session); the session's temp dir holds a note of where. It is deleted when the cluster
stops.

A run killed outright (SIGKILL, a lost terminal) cannot stop its cluster: the folder records its
owner (``owner.txt``: the pid and start time of the process that made it), and every new cluster
first stops and removes those whose owner is gone (``reap_stale_clusters``).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg

SUPERUSER = "central"
SERVER_USER = "postgres"
FOLDER_PREFIX = "hospital-client-pg-"
OWNER_FILE = "owner.txt"
# The server log's words when its port is already in use (the cluster runs with locale C).
PORT_TAKEN = ("could not bind", "Address already in use", "could not create any TCP/IP sockets")
START_ATTEMPTS = 5


class PortTakenError(RuntimeError):
    """The server did not start because another process holds its port."""


def find_bin_dir() -> Path | None:
    """The newest /usr/lib/postgresql/<ver>/bin holding initdb, or the folder of initdb on PATH."""
    base = Path("/usr/lib/postgresql")
    versions = sorted((p for p in base.glob("*/bin") if (p / "initdb").is_file()),
                      key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0) if base.is_dir() else []
    if versions:
        return versions[-1]
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _read_from(log: Path, offset: int) -> str:
    """What the server wrote to ``log`` after ``offset`` (its earlier starts are older text)."""
    try:
        with log.open("rb") as file:
            file.seek(offset)
            return file.read().decode(errors="replace")
    except OSError:
        return ""


def _server_user() -> str | None:
    """The user the server runs as when we are root (None: run it as ourselves)."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(SERVER_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SERVER_USER],
                       check=True, capture_output=True)
    return SERVER_USER


@dataclass
class PgCluster:
    bin_dir: Path
    data: Path
    port: int
    user: str | None  # the OS user the server runs as (None: the current user)
    durable: bool = False  # commits survive the server's crash (not the machine's: fsync stays off)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def _run(self, *argv: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin_dir / argv[0]), *argv[1:]]
        if self.user is not None:
            command = ["runuser", "-u", self.user, "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)

    def start(self) -> None:
        """Start the server on its port (a restart after ``stop`` keeps the port: clients hold its URL)."""
        log = self.data.parent / "postgresql.log"
        offset = log.stat().st_size if log.exists() else 0
        options = (f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories='' "
                   "-c fsync=off -c full_page_writes=off -c max_connections=200 -c shared_buffers=64MB "
                   f"-c synchronous_commit={'on' if self.durable else 'off'}")
        done = self._run("pg_ctl", "start", "-w", "-t", "60", "-D", str(self.data), "-l", str(log), "-o", options)
        if done.returncode != 0:
            text = _read_from(log, offset)
            error = PortTakenError if any(sign in text for sign in PORT_TAKEN) else RuntimeError
            raise error(f"pg_ctl start failed: {done.stdout}{done.stderr}{text[-2000:]}")

    def start_on_a_free_port(self, attempts: int = START_ATTEMPTS) -> None:
        """The first start: on ``self.port``, and when another process took that port since it was
        picked (the server cannot bind it), again on a newly picked one, up to ``attempts`` times."""
        for attempt in range(1, attempts + 1):
            try:
                self.start()
                return
            except PortTakenError:
                if attempt == attempts:
                    raise
                self.port = _free_port()

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "stop", "-w", "-D", str(self.data), "-m", mode)

    def execute(self, statement: str) -> None:
        """One statement as the superuser on the maintenance database (CREATE/DROP DATABASE)."""
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(statement.encode("utf-8"))

    def create_database(self, name: str, template: str | None = None) -> str:
        """A new database (a copy of ``template`` when given); returns its URL."""
        self.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return self.url(name)


def _process_start(pid: int) -> str | None:
    """The start time (clock ticks after boot) of a live process, or None when there is none (a
    zombie counts as gone). Compared with the recorded one, it tells a reused pid apart."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    fields = stat[stat.rindex(")") + 2:].split()
    return None if fields[0] in ("Z", "X") else fields[19]


def _record_owner(root: Path) -> None:
    (root / OWNER_FILE).write_text(f"{os.getpid()} {_process_start(os.getpid())}\n", encoding="utf-8")


def owner_alive(root: Path) -> bool | None:
    """Whether the process that made the cluster in ``root`` still runs (None: no owner recorded)."""
    try:
        pid, start = (root / OWNER_FILE).read_text(encoding="utf-8").split()
    except (FileNotFoundError, ValueError):
        return None
    return _process_start(int(pid)) == start


def _postmaster(data: Path) -> int | None:
    """The pid of the server running on ``data`` (postmaster.pid, checked against the process's
    command line), or None."""
    try:
        pid = int((data / "postmaster.pid").read_text(encoding="utf-8").split()[0])
        command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except (FileNotFoundError, ProcessLookupError, ValueError, IndexError):
        return None
    return pid if str(data).encode() in command and _process_start(pid) is not None else None


def reap_stale_clusters(base: Path | None = None) -> list[Path]:
    """Stop (immediate shutdown) and remove the throwaway clusters under ``base`` (the system temp
    dir) whose owner process is gone; returns their folders. Clusters of live runs, and folders
    without an owner record (still being made, or made by an older version), are left alone."""
    reaped = []
    for root in sorted(Path(base or tempfile.gettempdir()).glob(f"{FOLDER_PREFIX}*")):
        if not root.is_dir() or owner_alive(root) is not False:
            continue
        pid = _postmaster(root / "data")
        if pid is not None:
            os.kill(pid, signal.SIGQUIT)  # PostgreSQL's immediate shutdown
            deadline = time.monotonic() + 10
            while _process_start(pid) is not None and time.monotonic() < deadline:
                time.sleep(0.05)
            if _process_start(pid) is not None:
                os.kill(pid, signal.SIGKILL)
        shutil.rmtree(root, ignore_errors=True)
        reaped.append(root)
    return reaped


@contextlib.contextmanager
def throwaway_cluster(tmp: Path, *, durable: bool = False) -> Iterator[PgCluster]:
    """initdb a cluster under ``tmp``, start it, stop it at the end. ``durable``: an acknowledged
    commit survives ``pg_ctl stop -m immediate`` (for fault drills; slower)."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL is not installed (scripts/bootstrap.sh installs Debian's postgresql as root)")
    reap_stale_clusters()
    user = _server_user()
    root = Path(tempfile.mkdtemp(prefix=f"{FOLDER_PREFIX}{tmp.parent.name}-{tmp.name}-"))
    _record_owner(root)
    if user is not None:
        entry = pwd.getpwnam(user)
        os.chown(root, entry.pw_uid, entry.pw_gid)
    (tmp / "pg-data-folder.txt").write_text(f"{root}\n", encoding="utf-8")
    data = root / "data"
    cluster = PgCluster(bin_dir, data, _free_port(), user, durable)
    try:
        done = cluster._run("initdb", "-D", str(data), "-U", SUPERUSER, "--auth=trust", "--encoding=UTF8",
                            "--locale=C", "--no-sync")
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed: {done.stdout}{done.stderr}")
        cluster.start_on_a_free_port()
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    with psycopg.connect(cluster.url(), connect_timeout=2):
                        break
                except psycopg.OperationalError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.1)
            yield cluster
        finally:
            cluster.stop("immediate")
    finally:
        shutil.rmtree(root, ignore_errors=True)
