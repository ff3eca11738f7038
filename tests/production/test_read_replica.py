"""DATABASE_REPLICA_URL: API lists read from a hot standby; writes and single objects use the
primary. Shown with real streaming replication between two clusters, by pausing the replay."""

import pytest
import requests

from tests.production.conftest import CAST
from tests.servers import PostgresCluster, app_env, manage, run_django, wait_until

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def clusters():
    primary = PostgresCluster()
    primary.sql("CREATE DATABASE ammtc_prod_replicated")
    standby = PostgresCluster(standby_of=primary)
    yield primary, standby
    standby.destroy()
    primary.destroy()


def caught_up(primary, standby):
    [(lsn,)] = primary.sql("SELECT pg_current_wal_lsn()::text")
    [(behind,)] = standby.sql(f"SELECT pg_last_wal_replay_lsn() < '{lsn}'::pg_lsn")
    return not behind


def test_api_lists_read_from_the_replica_and_writes_go_to_the_primary(clusters, start_server):
    primary, standby = clusters
    env = app_env(DATABASE_URL=primary.url("ammtc_prod_replicated"))
    manage(env, "migrate", "--no-input")
    manage(env, "createcachetable")  # throttles use the database cache without Redis
    manage(env, "load_reference")
    cast = run_django(env, CAST)
    server = start_server(
        DATABASE_URL=primary.url("ammtc_prod_replicated"),
        DATABASE_REPLICA_URL=standby.url("ammtc_prod_replicated"),
    )
    headers = {"Authorization": f"Token {cast['official_token']}"}
    wait_until(lambda: caught_up(primary, standby), what="the standby")
    first = requests.get(server.url("/api/v1/reports/"), headers=headers)
    assert first.status_code == 200, first.text[:1000]
    assert first.json()["count"] == 0

    standby.sql("SELECT pg_wal_replay_pause()")
    created = requests.post(
        server.url("/api/v1/reports/"),
        json={"cycle": cast["cycle"], "activity": cast["activity"]},
        headers=headers,
    )

    # The standby refuses writes: a 201 means the write went to the primary.
    assert created.status_code == 201, created.text
    report = created.json()["id"]
    assert (
        requests.get(server.url(f"/api/v1/reports/{report}/"), headers=headers).status_code == 200
    )
    listed = requests.get(server.url("/api/v1/reports/"), headers=headers)
    assert listed.status_code == 200
    assert listed.json()["count"] == 0, "the list was read from the paused standby"

    standby.sql("SELECT pg_wal_replay_resume()")
    wait_until(
        lambda: requests.get(server.url("/api/v1/reports/"), headers=headers).json()["count"] == 1,
        timeout=10,
        what="the replayed report",
    )
