"""docs/openapi.yaml is the schema the code serves: a change to the API's contract is always a
visible diff in a commit (regenerate it with `make schema`)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_FILE = ROOT / "docs" / "openapi.yaml"


def test_the_checked_in_schema_is_the_served_one():
    # As `make schema` makes it: PostgreSQL's integer bounds, whatever database runs the tests
    # (the backend is only named; no connection is made).
    env = {
        **os.environ,
        "AMMTC_ENV": "test",
        "DATABASE_URL": "postgres://schema@127.0.0.1:1/schema",
    }
    served = subprocess.run(
        [sys.executable, "manage.py", "spectacular"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert served == SCHEMA_FILE.read_text(), (
        "docs/openapi.yaml differs from the API's schema: run `make schema`, review the diff, "
        "and note the change in the README's API changelog."
    )
