"""One PostgreSQL database per scale, generated once and reused while the schema and the
generator are unchanged."""

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("BENCH_DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432")
# Sessions sharing one server each give a prefix of their own.
PREFIX = os.environ.get("BENCH_DATABASE_PREFIX", "ammtc_bench")


def name_for(scale):
    return f"{PREFIX}_{scale:g}x".replace(".", "_")


def url_for(scale):
    return f"{SERVER}/{name_for(scale)}"


def fingerprint(scale):
    """Changes when the scale, the migrations or the generator change."""
    digest = hashlib.sha256(f"scale={scale:g}".encode())
    for path in sorted([*ROOT.glob("*/migrations/*.py"), *ROOT.glob("*/loadgen.py")]):
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def stored_fingerprint(scale):
    try:
        with psycopg.connect(url_for(scale), connect_timeout=5) as connection:
            row = connection.execute("SELECT value FROM bench_meta WHERE key = 'fingerprint'")
            return row.fetchone()[0]
    except (psycopg.OperationalError, psycopg.errors.UndefinedTable, TypeError):
        return None


def ensure(scale, env, log):
    """The database URL for ``scale`` and the seconds its generation took (None if reused)."""
    wanted = fingerprint(scale)
    if stored_fingerprint(scale) == wanted:
        return url_for(scale), None
    name = name_for(scale)
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    env = {**env, "DATABASE_URL": url_for(scale)}
    manage(env, log, "migrate", "--no-input", "-v0")
    manage(env, log, "createcachetable")
    started = time.monotonic()
    manage(env, log, "generate_load_data", "--scale", f"{scale:g}")
    seconds = time.monotonic() - started
    with psycopg.connect(url_for(scale), autocommit=True) as connection:
        # Statistics and the visibility map, as autovacuum would have left them in production.
        connection.execute("VACUUM ANALYZE")
        connection.execute("CREATE TABLE bench_meta (key text PRIMARY KEY, value text)")
        connection.execute("INSERT INTO bench_meta VALUES ('fingerprint', %s)", [wanted])
    return url_for(scale), seconds


def manage(env, log, *args):
    """Run a management command; its progress bar goes to the terminal, its output to the log."""
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, stdout=log, check=True)
