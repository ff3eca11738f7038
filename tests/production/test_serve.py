"""`make serve`: migrate, collectstatic and gunicorn with WhiteNoise's compressed, hashed static
files, against PostgreSQL from DATABASE_URL; without DATABASE_URL it refuses to start."""

import json
import os
import re
import subprocess

import pytest
import requests

from tests.servers import ROOT, Process, app_env, free_port, wait_until

pytestmark = pytest.mark.e2e


def test_make_serve_refuses_to_start_without_database_url():
    env = app_env(DATABASE_URL=None)
    result = subprocess.run(["make", "serve"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 2
    assert "make serve needs DATABASE_URL" in result.stderr
    assert "gunicorn" not in result.stdout


def test_make_serve_runs_gunicorn_with_hashed_compressed_static_files(app_database, tmp_path):
    port = free_port()
    env = app_env(
        DATABASE_URL=app_database,
        PORT=str(port),
        STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(tmp_path / "media"),
        WEB_CONCURRENCY=None,
        ALLOWED_HOSTS=None,
    )
    server = Process(["make", "serve"], env=env, log_dir=tmp_path)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: requests.get(f"{url}/healthz").status_code == 200, timeout=120)
        home = requests.get(f"{url}/")
        stylesheet = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', home.text).group(1)
        css = requests.get(url + stylesheet, headers={"Accept-Encoding": "gzip"})
        unhashed = requests.get(f"{url}/static/css/app.css")
        ready = requests.get(f"{url}/readyz")
    finally:
        server.stop()
    output = server.output()

    assert home.status_code == 200
    assert css.status_code == 200
    assert css.headers["Content-Encoding"] == "gzip"
    assert "immutable" in css.headers["Cache-Control"]
    assert unhashed.status_code == 404
    assert ready.status_code == 200
    assert output.count("Booting worker with pid") == os.cpu_count()
    logged = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    requests_logged = [line for line in logged if line["logger"] == "ammtc.request"]
    assert {"method": "GET", "path": "/", "status": 200, "user": None}.items() <= next(
        line for line in requests_logged if line["path"] == "/"
    ).items()
