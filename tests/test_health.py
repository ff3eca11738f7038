"""/healthz and /readyz: cheap, no session, 503 when a backing service does not answer."""

import pytest
from django.db.migrations.recorder import MigrationRecorder

from ammtc_tracker import health
from tests.servers import free_port


def test_healthz_answers_with_one_query_and_leaves_the_session_alone(
    client, official_id, django_assert_num_queries
):
    client.force_login(official_id)
    with django_assert_num_queries(1):  # SELECT 1; the session is never loaded
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.get("Vary", "")
    assert "no-cache" in response["Cache-Control"]


def test_healthz_pings_redis_when_it_is_configured(client, db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    response = client.get("/healthz")
    assert response.status_code == 200


def test_healthz_answers_503_when_redis_does_not(client, db, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "problems": {"redis": "ConnectionError"}}
    assert response["Retry-After"] == "5"


def test_readyz_answers_503_until_every_migration_is_applied(client, db, monkeypatch):
    monkeypatch.setattr(health, "_schema_is_current", False)
    MigrationRecorder.Migration.objects.filter(app="reports").delete()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["problems"] == {"database": "migrations not applied"}


@pytest.mark.django_db
def test_readyz_answers_200_when_the_schema_is_current(client, monkeypatch):
    monkeypatch.setattr(health, "_schema_is_current", False)
    assert client.get("/readyz").status_code == 200
