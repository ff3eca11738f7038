"""`make bench`: generate each scale, serve it with the production server, measure, report.

Environment: ``BENCH_SCALES`` (default ``1,10``), ``BENCH_QUICK=1`` (fewer rounds),
``BENCH_DATABASE_SERVER`` (default ``postgres://postgres@127.0.0.1:5432``),
``BENCH_DATABASE_PREFIX`` (default ``ammtc_bench``), ``BENCH_PORTS``
(default ``8200-8300``). Prints one table (figure, value, target, met) and writes
``bench/results.json``; the log of the servers and commands goes to ``bench/.work/bench.log``.
"""

import datetime
import json
import os
import platform
import secrets
import subprocess
import sys
import time
from pathlib import Path

from bench import databases, results
from bench.measure import Measurer, Settings
from bench.server import gunicorn

BENCH = Path(__file__).resolve().parent
WORK = BENCH / ".work"
QUICK = os.environ.get("BENCH_QUICK", "") not in ("", "0")
SETTINGS = (
    Settings(rounds=2, budget=6, throughput_seconds=4)
    if QUICK
    else Settings(rounds=5, budget=25, throughput_seconds=10)
)


def say(message):
    print(message, file=sys.stderr, flush=True)


def server_env(password):
    """The production settings, with what a benchmark on one machine needs."""
    return {
        **os.environ,
        "AMMTC_ENV": "production",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "CONN_MAX_AGE": "600",
        # Plain HTTP on the loopback; the cache shared by the workers is Redis, as in production.
        "SECURE_SSL_REDIRECT": "false",
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"),
        # One client makes thousands of requests; the throttle is not what is measured.
        "API_THROTTLE_RATE": "100000000/hour",
        "LOG_LEVEL": "WARNING",
        "BENCH_PASSWORD": password,
        "PYTHONPATH": str(BENCH.parent),
    }


def measure_scale(scale, env, log):
    say(f"== scale {scale:g}x")
    url, seconds = databases.ensure(scale, env, log)
    say(
        f"   database {url.rsplit('/', 1)[1]}: "
        + ("reused" if seconds is None else f"{seconds:.0f} s")
    )
    env = {**env, "DATABASE_URL": url, "BENCH_FLOOR_DSN": url}
    context_file = WORK / f"context-{scale:g}x.json"
    subprocess.run(
        [sys.executable, "-m", "bench.prepare", str(context_file)],
        cwd=BENCH.parent,
        env={**env, "DJANGO_SETTINGS_MODULE": "ammtc_tracker.settings"},
        stdout=log,
        check=True,
    )
    context = json.loads(context_file.read_text(encoding="utf-8"))
    floor_file = WORK / f"floor-{scale:g}x.json"
    floor_file.write_text(json.dumps(context["floor"]), encoding="utf-8")
    with gunicorn({**env, "BENCH_FLOOR_FILE": str(floor_file)}, log) as (process, port):
        measurer = Measurer(process, port, context, env["BENCH_PASSWORD"], SETTINGS, say)
        return measurer.run(), seconds


def main():
    scales = sorted(float(s) for s in os.environ.get("BENCH_SCALES", "1,10").split(","))
    scales = [int(s) if s.is_integer() else s for s in scales]
    WORK.mkdir(exist_ok=True)
    started = time.monotonic()
    env = server_env(secrets.token_urlsafe(16))
    measured, generation = {}, {}
    with open(WORK / "bench.log", "w", encoding="utf-8") as log:
        say("== collectstatic")
        databases.manage(env, log, "collectstatic", "--no-input", "-v0")
        for scale in scales:
            measured[scale], generation[scale] = measure_scale(scale, env, log)
    rows = results.build(measured, generation)
    print(results.table(rows))
    meta = {
        "scales": scales,
        "quick": QUICK,
        "finished_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "seconds": round(time.monotonic() - started),
        "machine": f"{platform.node()}, {os.cpu_count()} cores",
    }
    results.write_json(BENCH / "results.json", rows, meta)
    say(f"== done in {meta['seconds']} s; bench/results.json written")


if __name__ == "__main__":
    main()
