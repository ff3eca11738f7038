"""Real server processes for the production tests: gunicorn running the app, moto's S3 server,
Redis, and PostgreSQL clusters of the test's own (never the machine's shared one on 5432).

Ports come from TEST_SERVER_PORTS (default 8100-8199) and TEST_PG_PORTS (54100-54199); each is
checked free before use. Every process is started in its own session and stopped by its id.
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
from pathlib import Path

import boto3

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG_BIN = Path("/usr/lib/postgresql/15/bin")
SECRET_KEY = "production-tests-only-" + "k" * 40
_taken = set()


def _port_range(variable, default):
    """The ports of ``variable``'s range; under pytest-xdist each worker takes every n-th one, so
    that two workers never probe the same port at the same time."""
    first, last = (int(part) for part in os.environ.get(variable, default).split("-"))
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    return range(first + worker, last + 1, workers)


def free_port(variable="TEST_SERVER_PORTS", default="8100-8199"):
    for port in _port_range(variable, default):
        if port in _taken:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        _taken.add(port)
        return port
    raise RuntimeError(f"No free port in {variable}.")


def wait_until(check, timeout=30, interval=0.1, what="the server"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(interval)
    raise TimeoutError(f"{what} did not come up within {timeout} s")


def port_open(port):
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


class Process:
    """A child process in its own session, with its output in a log file."""

    def __init__(self, command, env=None, cwd=ROOT, log_dir=None):
        self.log_path = Path(log_dir or tempfile.mkdtemp(prefix="ammtc-server-")) / "output.log"
        self._log = self.log_path.open("ab")
        self.popen = subprocess.Popen(
            command,
            env=env,
            cwd=cwd,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def output(self):
        return self.log_path.read_text(errors="replace")

    stop_signal = signal.SIGTERM

    def stop(self):
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, self.stop_signal)
            try:
                self.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait()
        self._log.close()


def app_env(**overrides):
    """The environment of a production app process; values of None are removed."""
    env = {
        **os.environ,
        "AMMTC_ENV": "production",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Plain HTTP on the loopback: a Secure cookie would never be sent back, and there is no
        # HTTPS to redirect to.
        "SECURE_COOKIES": "false",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_FORMAT": "json",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def manage(env, *arguments):
    return subprocess.run(
        [BIN / "python", "manage.py", *arguments],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def run_django(env, code):
    """Run ``code`` with the app set up under ``env``; return what it prints, parsed as JSON."""
    script = f"import django, json\ndjango.setup()\n{code}"
    output = subprocess.run(
        [BIN / "python", "-c", script],
        env={**env, "DJANGO_SETTINGS_MODULE": "ammtc_tracker.settings"},
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1]) if output.strip() else None


class Gunicorn(Process):
    """The production server as `make serve` runs it (deploy/gunicorn.conf.py)."""

    stop_signal = signal.SIGINT  # gunicorn's quick shutdown: nothing is left to finish here

    def __init__(self, env, workers=2):
        self.port = free_port()
        env = {**env, "HOST": "127.0.0.1", "PORT": str(self.port), "WEB_CONCURRENCY": str(workers)}
        super().__init__([BIN / "gunicorn", "-c", "deploy/gunicorn.conf.py"], env=env)
        try:
            wait_until(lambda: port_open(self.port), what=f"gunicorn on {self.port}")
        except TimeoutError:
            self.stop()
            raise AssertionError(self.output()) from None

    def url(self, path="/"):
        return f"http://127.0.0.1:{self.port}{path}"


class MotoS3(Process):
    """moto's standalone S3 server, with one bucket."""

    def __init__(self, bucket="ammtc-evidence"):
        self.port = free_port()
        self.bucket = bucket
        super().__init__([BIN / "moto_server", "-H", "127.0.0.1", "-p", str(self.port)])
        wait_until(lambda: port_open(self.port), what="moto_server")
        self.client().create_bucket(Bucket=bucket)

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.port}"

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    def object_keys(self):
        listing = self.client().list_objects_v2(Bucket=self.bucket)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def env(self):
        """Settings that make the app store its files in this bucket."""
        return {
            "STORAGE_BACKEND": "s3",
            "S3_BUCKET": self.bucket,
            "S3_ENDPOINT_URL": self.endpoint,
            "S3_REGION": "us-east-1",
            "S3_ADDRESSING_STYLE": "path",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
        }


class Redis(Process):
    """A Redis of the test's own, so that flushing it disturbs no one."""

    def __init__(self):
        self.port = free_port()
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        super().__init__([*command, "--save", "", "--appendonly", "no"])
        wait_until(lambda: port_open(self.port), what="redis-server")

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"


class PostgresCluster:
    """A PostgreSQL 15 cluster in a temporary folder, run as the postgres OS user.

    Tests may stop and start it at will; the machine's cluster on 5432 is never touched.
    """

    def __init__(self, standby_of=None):
        """A new cluster, or with ``standby_of`` a hot standby streaming from that cluster."""
        self.port = free_port("TEST_PG_PORTS", "54100-54199")
        self.folder = Path(tempfile.mkdtemp(prefix="ammtc-pg-"))
        self.data = self.folder / "data"
        self._own(self.folder)
        if standby_of is None:
            self._as_postgres(
                PG_BIN / "initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "--no-sync"
            )
        else:
            source = ["-h", "127.0.0.1", "-p", standby_of.port, "-U", "postgres"]
            self._as_postgres(
                PG_BIN / "pg_basebackup", *source, "-D", self.data, "-R", "--checkpoint=fast"
            )
        config = [
            f"port = {self.port}",
            "listen_addresses = '127.0.0.1'",
            f"unix_socket_directories = '{self.folder}'",
        ]
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write("\n".join(config) + "\n")
        self.start()

    def url(self, database="postgres"):
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def start(self):
        log = self.folder / "server.log"
        self._as_postgres(PG_BIN / "pg_ctl", "-D", self.data, "-l", log, "-w", "start")

    def stop(self, mode="fast"):
        self._as_postgres(PG_BIN / "pg_ctl", "-D", self.data, "-m", mode, "-w", "stop")

    def destroy(self):
        if (self.data / "postmaster.pid").exists():
            self.stop(mode="immediate")
        shutil.rmtree(self.folder, ignore_errors=True)

    def sql(self, statement, database="postgres"):
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True) as connection:
            rows = connection.execute(statement)
            return rows.fetchall() if rows.description else None

    @staticmethod
    def _own(folder):
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres", "postgres")

    @staticmethod
    def _as_postgres(*command):
        command = [str(part) for part in command]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, cwd="/")


def log_in(session, server, username, password):
    """Log in through the login form with a requests.Session, as a browser would."""
    page = session.get(server.url("/accounts/login/"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    return session.post(
        server.url("/accounts/login/"),
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": server.url("/accounts/login/")},
        allow_redirects=False,
    )
