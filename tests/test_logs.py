"""One structured line per request and per workflow step, with no secrets or report text."""

import contextlib
import json
import logging

from django.conf import settings
from django.db import transaction
from pythonjsonlogger.json import JsonFormatter

from reports.models import ProgressReport
from tests.factories import make_report


def lines(caplog, logger):
    return [record for record in caplog.records if record.name == logger]


def test_each_request_is_logged_once_with_its_user_and_without_query_or_token(
    api, official_id, caplog
):
    client = api(official_id)
    key = client._credentials["HTTP_AUTHORIZATION"].split()[1]
    with caplog.at_level(logging.INFO, logger="ammtc.request"):
        response = client.get("/api/v1/reports/?search=confidential-words")
    [record] = lines(caplog, "ammtc.request")
    assert response.status_code == 200
    assert (record.method, record.path, record.status, record.user) == (
        "GET",
        "/api/v1/reports/",
        200,
        official_id.pk,
    )
    assert record.ms > 0
    text = record.getMessage()
    assert text.startswith("request method=GET path=/api/v1/reports/ status=200 ms=")
    assert "confidential-words" not in text and key not in text


def test_a_password_reset_link_is_logged_by_its_pattern_not_its_token(client, db, caplog):
    with caplog.at_level(logging.INFO, logger="ammtc.request"):
        client.get("/accounts/reset/MQ/c2h7kq-0123456789abcdef0123456789abcdef/")
    [record] = lines(caplog, "ammtc.request")
    assert record.path == "/accounts/reset/<uidb64>/<token>/"
    assert "0123456789abcdef" not in record.getMessage()


def test_a_probe_logs_no_user_since_it_never_reads_the_session(client, official_id, caplog):
    client.force_login(official_id)
    with caplog.at_level(logging.INFO, logger="ammtc.request"):
        client.get("/healthz")
    [record] = lines(caplog, "ammtc.request")
    assert (record.path, record.status, record.user) == ("/healthz", 200, None)


def test_a_transition_is_logged_after_it_commits(
    official_id, secretariat, activity, cycle, caplog, django_capture_on_commit_callbacks
):
    report = make_report(official_id, activity, cycle, state="submitted")
    with (
        caplog.at_level(logging.INFO, logger="ammtc.workflow"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        report.transition(ProgressReport.Action.RETURN, by=secretariat, comment="Two workshops?")
    [record] = lines(caplog, "ammtc.workflow")
    assert (record.report, record.action, record.by) == (report.pk, "return", secretariat.pk)
    assert (record.from_status, record.to_status) == ("submitted", "returned")
    assert record.ms >= 0
    assert "Two workshops?" not in record.getMessage()


def test_a_transition_rolled_back_is_not_logged(
    official_id, activity, cycle, caplog, django_capture_on_commit_callbacks
):
    report = make_report(official_id, activity, cycle)
    with (
        caplog.at_level(logging.INFO, logger="ammtc.workflow"),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        contextlib.suppress(RuntimeError),
        transaction.atomic(),
    ):
        report.transition(ProgressReport.Action.SUBMIT, by=official_id)
        raise RuntimeError("the request failed after the transition")
    assert callbacks == []
    assert lines(caplog, "ammtc.workflow") == []
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.DRAFT


def test_log_format_json_writes_each_field_as_a_key(api, reader, caplog):
    options = {k: v for k, v in settings.LOGGING["formatters"]["json"].items() if k != "()"}
    formatter = JsonFormatter(**options)
    with caplog.at_level(logging.INFO, logger="ammtc.request"):
        api(reader).get("/api/v1/parties/?format=csv")
    [record] = lines(caplog, "ammtc.request")
    line = json.loads(formatter.format(record))
    assert line["logger"] == "ammtc.request" and line["level"] == "INFO"
    assert line["timestamp"].endswith("+00:00")
    assert {key: line[key] for key in ("method", "path", "status", "user")} == {
        "method": "GET",
        "path": "/api/v1/parties/",
        "status": 200,
        "user": reader.pk,
    }
