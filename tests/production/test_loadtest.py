"""A short run of `make loadtest` (a few users for a few seconds) so that the load test and its
reconciliation keep working; the full run (20 users, 60 s) is made by hand."""

import os
import re
import subprocess
import sys

import pytest

from tests.production.conftest import database_url, drop_database
from tests.servers import ROOT, free_port

pytestmark = pytest.mark.e2e


def test_the_load_test_runs_and_reconciles(postgres_url, database_prefix, static_root):
    env = {
        **os.environ,
        "LOADTEST_DATABASE_URL": database_url(postgres_url, f"{database_prefix}_loadtest"),
        "LOADTEST_USERS": "10",
        "LOADTEST_SECONDS": "5",
        "LOADTEST_PORT": str(free_port()),
        "STATIC_ROOT": str(static_root),
    }
    result = subprocess.run(
        [sys.executable, "bench/loadtest.py"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "RECONCILED: every check passed" in result.stdout
    assert re.search(r"^5xx responses +0$", result.stdout, re.MULTILINE)
    drop_database(postgres_url, f"{database_prefix}_loadtest")
