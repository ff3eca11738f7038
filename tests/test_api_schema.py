"""The OpenAPI schema is valid, and the API answers as it says, for every role.

schemathesis' command line runs every check it has (``--checks all``: server errors, status
codes, content types, bodies, headers, positive and negative data acceptance, authentication,
resource availability, use after free, object-level authorisation with two officials of
different parties as peers) in every phase (examples, coverage, fuzzing, stateful), reads and
writes, against the app served by pytest-django's live server, once per role with that role's
personal token. Derandomised (``--generation-deterministic``), so a CI run is repeatable.
"""

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command

from ammtc_tracker.models import ApiToken
from tests.factories import make_activity, make_report

pytestmark = pytest.mark.e2e

SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "50"))
ROLES = ["official.id", "official.jp", "secretariat", "reader"]
# Officials of two parties: neither may see the other's unaccepted reports.
PEERS = ["official.id", "official.jp"]
# A body can be well formed and still refused with the documented 400: an id that names no
# cycle, activity or indicator, a rule of the plan between fields (the percent of a completed
# activity), a file whose bytes are not a PDF, Office document or image. A schema cannot say
# which ids exist or what a PDF's bytes are, so on these three operations a 400 is an
# expected answer to schema-valid data; everywhere else it fails the run.
BODY_RULES = """
[[operations]]
include-name = [
    "POST /api/v1/reports/",
    "PATCH /api/v1/reports/{id}/",
    "POST /api/v1/reports/{id}/files/",
]
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "401", "403", "404", "409"]
"""


def test_the_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))
    text = (tmp_path / "s.yml").read_text()
    assert "/api/v1/reports/{id}/return/:" in text
    assert "tokenAuth" in text


def test_the_schema_and_the_docs_are_served_without_a_login(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert "drf_spectacular_sidecar/swagger-ui-dist" in docs.content.decode()
    assert "cdn" not in docs.content.decode().lower()


@pytest.fixture
def served_api(transactional_db, live_server, settings, tmp_path, plan, cycle):
    """The app served with reports of both officials' parties in every state, and a Web Fuzzing
    Commons file holding each role's token."""
    from ammtc_tracker.models import User

    settings.API_THROTTLE_RATE = "1000000/hour"  # thousands of requests a minute, on purpose
    users = {user.username: user for user in User.objects.filter(username__in=ROLES)}
    shared = make_activity(plan, "1.1", leads=["ID"], participants=["JP"], indicators=2)
    for number, state in enumerate(["draft", "submitted", "returned", "accepted"], start=2):
        own = make_activity(plan, f"1.{number}", leads=["ID", "JP"])
        make_report(users["official.id"], own, cycle, state, users["secretariat"])
        make_report(users["official.jp"], own, cycle, state, users["secretariat"])
    make_report(users["official.jp"], shared, cycle, "submitted")
    auth = []
    for name in ROLES:
        _token, key = ApiToken.issue(user=users[name], name="schemathesis")
        auth.append(
            {"name": name, "fixedHeaders": [{"name": "Authorization", "value": f"Token {key}"}]}
        )
    (tmp_path / "auth.json").write_text(json.dumps({"auth": auth}))
    # drf-spectacular loads its extensions lazily and not thread-safely: the live server's
    # threads answering the four runs' first schema requests at once gave one of them a 500.
    with urllib.request.urlopen(f"{live_server.url}/api/schema/") as schema:
        assert schema.status == 200
    return live_server.url


def start_schemathesis(url, tmp_path, role):
    """A schemathesis process testing the API as ``role``, with its output in a file."""
    config = tmp_path / f"{role}.toml"
    config.write_text(
        f'[auth.wfc]\npath = "{tmp_path / "auth.json"}"\nuser = "{role}"\n'
        f"peers = {json.dumps(PEERS)}\n" + BODY_RULES
    )
    command = [
        SCHEMATHESIS,
        "--config-file",
        config,
        "--no-color",
        "run",
        f"{url}/api/schema/",
        "--checks",
        "all",
        "--mode",
        "all",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--max-examples",
        str(EXAMPLES),
        "--generation-deterministic",
        # PostgreSQL text cannot hold NUL: the API refuses it in any parameter with 400.
        "--generation-allow-x00",
        "false",
        "--suppress-health-check",
        "all",
        # One worker per run (two raced inside hypothesis: "AST constructor recursion depth
        # mismatch"); the four roles' runs go at the same time instead.
        "--workers",
        "1",
        "--continue-on-failure",
        "--request-timeout",
        "30",
    ]
    workdir = tmp_path / role  # schemathesis keeps the failures it found where it runs
    workdir.mkdir()
    output = (workdir / "output.txt").open("w")
    process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, cwd=workdir)
    return process, workdir / "output.txt"


@pytest.mark.longest
def test_the_api_conforms_to_its_schema_for_every_role(served_api, tmp_path):
    # The runs wait on the server far more than they compute: side by side they take about
    # the time of one.
    started = time.monotonic()
    runs = {role: start_schemathesis(served_api, tmp_path, role) for role in ROLES}
    failed = []
    for role, (process, output) in runs.items():
        process.wait(timeout=1800)
        if process.returncode != 0:
            failed.append(f"== {role}\n{output.read_text()[-15000:]}")
    print(f"schemathesis, {len(ROLES)} roles side by side: {time.monotonic() - started:.0f} s")
    assert not failed, "\n".join(failed)
