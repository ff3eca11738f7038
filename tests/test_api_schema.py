"""The OpenAPI schema is valid, and the API answers as it says, for every role.

schemathesis generates requests from the schema (valid and invalid ones) and sends them to the
app in-process; every response must be documented: status code, content type, body and headers.
"""

import pytest
import schemathesis
from django.core import signals
from django.core.management import call_command
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from ammtc_tracker.models import ApiToken
from ammtc_tracker.wsgi import application
from tests.factories import make_activity, make_report

pytestmark = pytest.mark.e2e

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


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
def role_headers(official_id, official_jp, secretariat, reader, plan, cycle):
    activity = make_activity(plan, "1.1", leads=["ID"], participants=["JP"])
    make_report(official_id, activity, cycle, "submitted")
    make_report(official_jp, activity, cycle, "accepted", secretariat)
    headers = {}
    for user in (official_id, official_jp, secretariat, reader):
        _token, key = ApiToken.issue(user=user, name="schemathesis")
        headers[user.username] = {"Authorization": f"Token {key}"}
    return headers


@pytest.fixture
def wsgi_in_test_transaction():
    """Keep the test's database connection across requests, as Django's test client does: a raw
    WSGI call would otherwise close it (and the test transaction) when each request ends."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_api_conforms_to_its_schema_for_every_role(
    role_headers, wsgi_in_test_transaction, mode
):
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 26

    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=6,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def conforms(case):
            for headers in role_headers.values():
                case.call_and_validate(headers=headers, checks=CHECKS)

        conforms()
