"""The production server under test: gunicorn as deployed (deploy/gunicorn.conf.py), 2 workers,
persistent database connections."""

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from bench.client import Client

ROOT = Path(__file__).resolve().parent.parent
PORTS = range(*(int(p) for p in os.environ.get("BENCH_PORTS", "8200-8300").split("-")))


def free_port():
    for port in PORTS:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError(f"no free port in {PORTS}")


@contextmanager
def gunicorn(env, log):
    """Serve ``bench.serve`` (the app, and the floor under /_floor/) until the block ends."""
    port = free_port()
    gunicorn_bin = Path(sys.executable).parent / "gunicorn"
    # The production settings (deploy/gunicorn.conf.py), with the benchmark's app, address and
    # workers; no worker restarts, which would reset the memory an export is measured by.
    command = [
        str(gunicorn_bin),
        "--config=deploy/gunicorn.conf.py",
        "bench.serve:application",
        "--workers=2",
        f"--bind=127.0.0.1:{port}",
        "--log-level=warning",
        "--max-requests=0",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    try:
        _wait_until_ready(process, port)
        yield process, port
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_ready(process, port):
    client = Client(port, timeout=5)
    for _ in range(300):
        if process.poll() is not None:
            raise RuntimeError("gunicorn stopped at start-up; see bench/.work/bench.log")
        try:
            if client.fetch("/_floor/-").status == 404:
                return
        except TimeoutError:
            continue  # the workers are still loading the app, slowly on a busy machine
        time.sleep(0.1)
    raise RuntimeError("gunicorn did not answer within 30 s")


def worker_rss(process):
    """Resident memory of each worker, in bytes, by pid."""
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
    sizes = {}
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes[int(pid)] = int(line.split()[1]) * 1024
    return sizes
