"""API4:2023 Unrestricted resource consumption: body size, files per request, page size, list
lengths, nesting depth and request rates, each refused early with a 4xx in the documented shape."""

import datetime
import json
import socket
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import time_machine
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from ammtc_tracker.models import ApiToken
from priorities.models import Party
from reports.models import EvidenceFile
from tests.security.conftest import PDF

MB = 1024 * 1024


def test_an_oversize_json_body_is_413_in_the_api_error_shape(api_as, official_id, world):
    report = world["reports"]["id_draft"]
    body = json.dumps({"version": report.version, "achievements": "x" * (3 * MB)})
    response = api_as(official_id).generic(
        "PATCH", f"/api/v1/reports/{report.pk}/", body, content_type="application/json"
    )
    assert response.status_code == 413
    assert response.json() == {
        "detail": "The request is 3.0\xa0MB; at most 2.5\xa0MB may be sent at once.",
        "errors": {},
    }
    report.refresh_from_db()
    assert report.achievements == "Two workshops held."


def test_an_oversize_upload_is_refused_before_it_is_stored(settings, client, api_as, world):
    settings.REQUEST_MAX_BYTES = 1 * MB
    report = world["reports"]["id_draft"]
    official = report.created_by
    big = PDF + b"0" * (2 * MB)
    response = api_as(official).post(
        f"/api/v1/reports/{report.pk}/files/",
        {"file": SimpleUploadedFile("big.pdf", big)},
        format="multipart",
    )
    assert response.status_code == 413
    assert response.json()["detail"].endswith("at most 1.0\xa0MB may be sent at once.")
    client.force_login(official)
    page = client.post(
        f"/reports/{report.pk}/edit/",
        {"version": report.version, "files": SimpleUploadedFile("big.pdf", big)},
    )
    assert page.status_code == 413
    assert "at most 1.0\xa0MB may be sent at once." in page.content.decode()
    assert page["Content-Type"].startswith("text/html")
    assert EvidenceFile.objects.filter(report=report).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_300_mb_body_is_refused_before_the_server_reads_it(live_server, reference):
    """Over a real socket: the 413 arrives after the headers and 64 KB, long before 300 MB."""
    host, port = live_server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(
            b"POST /api/v1/reports/1/files/ HTTP/1.1\r\nHost: localhost\r\n"
            b"Content-Type: multipart/form-data; boundary=x\r\n"
            + f"Content-Length: {300 * MB}\r\n\r\n".encode()
            + b"0" * 65536
        )
        answer = b""
        while b'"errors"' not in answer:
            chunk = conn.recv(65536)
            if not chunk:
                break
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 413")
    assert answer.endswith(b'"errors": {}}')


def test_more_files_than_allowed_in_one_request_are_refused(client, world):
    report = world["reports"]["id_draft"]
    client.force_login(report.created_by)
    files = [SimpleUploadedFile(f"f{n}.pdf", PDF) for n in range(11)]
    response = client.post(
        f"/reports/{report.pk}/edit/", {"version": report.version, "files": files}
    )
    assert response.status_code == 400
    assert EvidenceFile.objects.filter(report=report).count() == 1


def test_a_page_holds_200_rows_at_most(api_as, reader, reference):
    Party.objects.bulk_create(
        Party(code=f"Z{n:03d}", name=f"Body {n}", kind=Party.Kind.ASEAN_BODY) for n in range(210)
    )
    response = api_as(reader).get("/api/v1/parties/", {"page_size": 200})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 200
    assert response.json()["next"]
    too_many = api_as(reader).get("/api/v1/parties/", {"page_size": 100000})
    assert too_many.json()["errors"] == {"page_size": ["Give a whole number from 1 to 200."]}


def test_more_indicator_values_than_indicators_are_refused_before_any_work(
    api_as, official_id, world
):
    report = world["reports"]["id_draft"]
    indicator = report.activity.indicators.get().pk
    values = [{"indicator": indicator, "value": "1"}] * 5000
    client = api_as(official_id)
    with CaptureQueriesContext(connection) as queries:
        response = client.patch(
            f"/api/v1/reports/{report.pk}/",
            {"version": report.version, "indicator_values": values},
            format="json",
        )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "indicator_values": ["The activity has 1 indicators; 5000 values were sent."]
    }
    # token and user, the report, the count of indicators: nothing per value
    assert len(queries) < 10
    two = [{"indicator": indicator, "value": "1"}] * 2
    response = client.patch(
        f"/api/v1/reports/{report.pk}/",
        {"version": report.version, "indicator_values": two},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "indicator_values": ["The activity has 1 indicators; 2 values were sent."]
    }
    # With no valid activity to count from, the list is still bounded before any work.
    body = {"activity": "x", "indicator_values": values}
    response = client.post("/api/v1/reports/", body, format="json")
    assert response.json()["errors"]["indicator_values.non_field_errors"] == [
        "Ensure this field has no more than 100 elements."
    ]


def test_json_nested_10000_levels_is_a_400(api_as, official_id, world):
    report = world["reports"]["id_draft"]
    body = "[" * 10000 + "]" * 10000
    response = api_as(official_id).generic(
        "PATCH", f"/api/v1/reports/{report.pk}/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "JSON parse error - nested too deeply.", "errors": {}}


# Throttle windows are whole hours (minutes, ...) of the clock: tests that depend on where in the
# window a request falls fix the time.
AN_HOUR = datetime.datetime(2030, 1, 7, 10, 0, tzinfo=datetime.UTC)


def at(minutes=0, seconds=0):
    moment = AN_HOUR + datetime.timedelta(minutes=minutes, seconds=seconds)
    return time_machine.travel(moment, tick=False)


def test_each_user_is_throttled(settings, api_as, reader, reference):
    settings.API_THROTTLE_RATE = "5/hour"
    client = api_as(reader)
    with at(seconds=5):
        assert [client.get("/api/v1/parties/").status_code for _ in range(5)] == [200] * 5
        response = client.get("/api/v1/parties/")
        assert response.status_code == 429
        # The rest of the hour, and a fifth of the next, by when one of the five has aged out.
        assert int(response["Retry-After"]) == 3595 + 720
        assert api_as(reader).get("/api/v1/parties/").status_code == 429  # per user, any token


def test_retry_after_says_when_the_next_request_passes(settings, api_as, reader, reference):
    """Requests of the previous window count in proportion to how much of it is within the last
    hour; a refused request does not count, and one made when Retry-After says passes."""
    settings.API_THROTTLE_RATE = "4/hour"
    client = api_as(reader)
    with at(minutes=0):
        assert [client.get("/api/v1/parties/").status_code for _ in range(4)] == [200] * 4
    with at(minutes=80):
        # The four of 10:00-11:00 weigh 2/3, rounded up to 3: one more request fits.
        assert client.get("/api/v1/parties/").status_code == 200
        refused = client.get("/api/v1/parties/")
        assert refused.status_code == 429
        # At 11:30 the four weigh 2, which leaves room for a second request of this hour.
        assert refused["Retry-After"] == "600"
    with at(minutes=90, seconds=-1):
        assert client.get("/api/v1/parties/").status_code == 429
    with at(minutes=90):
        assert client.get("/api/v1/parties/").status_code == 200


def redis_url():
    return "redis://127.0.0.1:6379/0"


def redis_is_up():
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not redis_is_up(), reason="needs Redis on 127.0.0.1:6379")
def test_throttle_counts_live_in_redis_where_every_server_sees_them(settings, reader, reference):
    """With REDIS_URL the counts are in Redis: another process (here a second connection)
    sees what this one counted, and refuses the request past the limit."""
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "ammtc_tracker.cache.RedisCache",
            "LOCATION": redis_url(),
            "KEY_PREFIX": prefix,
        }
    }
    settings.API_THROTTLE_RATE = "3/hour"
    _token, key = ApiToken.issue(user=reader, name="t")
    first_server = APIClient(HTTP_AUTHORIZATION=f"Token {key}")
    try:
        assert [first_server.get("/api/v1/parties/").status_code for _ in range(3)] == [200] * 3
        import redis

        server = redis.Redis.from_url(redis_url())
        keys = server.keys(f"{prefix}:*throttle_user_{reader.pk}:*")
        assert len(keys) == 1  # one counter, for the current window
        # kept through the next window, where it is the previous count, then gone
        assert 3600 < server.ttl(keys[0]) <= 2 * 3600
        caches["default"].close()  # a new connection, as another server would have
        second_server = APIClient(HTTP_AUTHORIZATION=f"Token {key}")
        assert second_server.get("/api/v1/parties/").status_code == 429
    finally:
        caches["default"].clear()


def test_throttle_counts_in_the_database_cache_last_the_whole_window(settings, api_as, reader):
    """Production without Redis keeps the counts in the database cache, whose incr in Django
    gave the count the default timeout of five minutes: after a pause the limit started over."""
    settings.CACHES = {
        "default": {"BACKEND": "ammtc_tracker.cache.DatabaseCache", "LOCATION": "test_cache"}
    }
    call_command("createcachetable")
    settings.API_THROTTLE_RATE = "3/hour"
    client = api_as(reader)
    with at(minutes=1):
        assert [client.get("/api/v1/parties/").status_code for _ in range(3)] == [200] * 3
    with at(minutes=20):
        assert client.get("/api/v1/parties/").status_code == 429


@pytest.mark.skipif(not redis_is_up(), reason="needs Redis on 127.0.0.1:6379")
def test_concurrent_requests_cannot_pass_the_limit(settings, db):
    """Many threads at once, as gunicorn's workers and threads are: with DRF's list of request
    times each read the same list and wrote back its own, and requests passed the limit."""
    settings.CACHES = {
        "default": {
            "BACKEND": "ammtc_tracker.cache.RedisCache",
            "LOCATION": redis_url(),
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    settings.API_ANON_THROTTLE_RATE = "40/hour"

    def hammer(_thread):
        client = APIClient(REMOTE_ADDR="198.51.100.20")
        return [client.get("/api/v1/reports/").status_code for _ in range(15)]

    try:
        with at(minutes=30), ThreadPoolExecutor(max_workers=8) as pool:
            statuses = [status for thread in pool.map(hammer, range(8)) for status in thread]
        assert sorted(statuses) == [401] * 40 + [429] * 80
    finally:
        caches["default"].clear()
