"""A throwaway PostgreSQL server for the tests: initdb in a temp dir, 127.0.0.1 on a free port, fsync off.

Used by ``.ci/run`` (``python tests/engines/pg_server.py start DIR`` prints ``export`` lines; ``stop DIR``)
and by the session fixture when no server is given in ``WORKBENCH_TEST_PG``. ``initdb`` refuses to run as
root, so as root the server runs as the ``postgres`` user (``runuser``). Two roles: the superuser
``postgres`` (trusted on the unix socket and on 127.0.0.1) and ``wb_reader`` with a password
(``WORKBENCH_TEST_PG_PASSWORD_URL``), which must give it over TCP, to test password handling.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile

PASSWORD = "wb-Secret-7731"


def binaries() -> str | None:
    """The folder of initdb/pg_ctl (Debian's layout first), or None when PostgreSQL is not installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return os.path.dirname(found[-1])
    initdb = shutil.which("initdb")
    return os.path.dirname(initdb) if initdb else None


def _as_owner(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(base: str | None = None) -> dict[str, str]:
    """Start a server; returns the environment variables that point the tests at it."""
    bindir = binaries()
    if bindir is None:
        raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
    base = base or tempfile.mkdtemp(prefix="wb-pg-")
    os.makedirs(base, exist_ok=True)
    os.chmod(base, 0o777)
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
    data, port = os.path.join(base, "data"), _free_port()
    run = dict(check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    subprocess.run(_as_owner([f"{bindir}/initdb", "-D", data, "-U", "postgres", "--auth-local=trust",
                              "--auth-host=scram-sha-256", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"]), **run)
    with open(os.path.join(data, "pg_hba.conf"), "w") as hba:  # the superuser trusted on TCP too
        hba.write("local all all trust\nhost all postgres 127.0.0.1/32 trust\n"
                  "host all all 127.0.0.1/32 scram-sha-256\n")
    options = (f"-c listen_addresses=127.0.0.1 -p {port} -k {base} -c fsync=off -c full_page_writes=off "
               "-c synchronous_commit=off")
    subprocess.run(_as_owner([f"{bindir}/pg_ctl", "-D", data, "-o", options, "-l", os.path.join(base, "log"),
                              "-w", "start"]), **run)
    subprocess.run(_as_owner([f"{bindir}/psql", "-h", base, "-p", str(port), "-U", "postgres", "-q", "-c",
                              f"CREATE ROLE wb_reader LOGIN PASSWORD '{PASSWORD}'"]), **run)
    return {"WORKBENCH_TEST_PG": f"postgresql://postgres@127.0.0.1:{port}/postgres",
            "WORKBENCH_TEST_PG_PASSWORD_URL": f"postgresql://wb_reader:{PASSWORD}@127.0.0.1:{port}/postgres",
            "WORKBENCH_TEST_PG_DIR": base}


def stop(base: str) -> None:
    bindir = binaries()
    data = os.path.join(base, "data")
    if bindir and os.path.isdir(data):
        subprocess.run(_as_owner([f"{bindir}/pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"]),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    action, folder = sys.argv[1], sys.argv[2]
    if action == "start":
        for key, value in start(folder).items():
            print(f"export {key}='{value}'")
    else:
        stop(folder)
