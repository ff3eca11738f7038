"""Fixtures for the tests that run the app as production does: real gunicorn processes against
PostgreSQL, Redis and S3-compatible storage. They need DATABASE_URL to name a PostgreSQL server
(the databases made here are named after it, with a suffix)."""

import os
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
import psycopg
import pytest

from tests.servers import Gunicorn, MotoS3, Redis, app_env, manage, run_django

CAST = """
from ammtc_tracker.models import ApiToken, Role
from priorities.models import WorkPlan
from tests.factories import PASSWORD, make_activity, make_cycle, make_user
plan = WorkPlan.objects.get(first_year=2023)
official = make_user("official.id", Role.OFFICIAL, "ID")
secretariat = make_user("secretariat", Role.SECRETARIAT)
make_user("reader", Role.READER)
activity = make_activity(plan, "2.1", leads=["ID"], participants=["JP"])
cycle = make_cycle(plan)
print(json.dumps({
    "password": PASSWORD,
    "activity": activity.pk,
    "indicator": activity.indicators.get().pk,
    "cycle": cycle.pk,
    "official_token": ApiToken.issue(user=official, name="tests")[1],
    "secretariat_token": ApiToken.issue(user=secretariat, name="tests")[1],
}))
"""


@pytest.fixture(scope="session")
def postgres_url():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("Production tests run the app on PostgreSQL: set DATABASE_URL.")
    return url


def database_url(url, name):
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def recreate_database(url, name, template=None):
    with psycopg.connect(database_url(url, "postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return database_url(url, name)


def drop_database(url, name):
    with psycopg.connect(database_url(url, "postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def database_prefix(postgres_url):
    """The names of the databases these tests make: one set per pytest-xdist worker."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return "_".join(filter(None, [dj_database_url.parse(postgres_url)["NAME"], worker]))


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    """Static files collected once, as `make serve` does (hashed and compressed)."""
    root = tmp_path_factory.mktemp("staticfiles")
    manage(app_env(STATIC_ROOT=str(root)), "collectstatic", "--no-input", "--verbosity", "0")
    return root


@pytest.fixture(scope="session")
def template_database(postgres_url, database_prefix):
    """A migrated database holding the reference data, copied for each test."""
    name = f"{database_prefix}_servers_template"
    url = recreate_database(postgres_url, name)
    env = app_env(DATABASE_URL=url)
    manage(env, "migrate", "--no-input")
    manage(env, "createcachetable")  # throttles use the database cache without Redis
    manage(env, "load_reference")
    yield name
    drop_database(postgres_url, name)


@pytest.fixture(scope="module")
def app_database(postgres_url, database_prefix, template_database):
    """A fresh database for the tests of one module: the template's copy."""
    name = f"{database_prefix}_servers"
    yield recreate_database(postgres_url, name, template=template_database)
    drop_database(postgres_url, name)


@pytest.fixture(scope="module")
def cast(app_database):
    """An official of Indonesia, the secretariat, an activity and an open cycle, with tokens."""
    return run_django(app_env(DATABASE_URL=app_database), CAST)


@pytest.fixture(scope="session")
def s3():
    server = MotoS3()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def redis_server():
    server = Redis()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def start_server(static_root, tmp_path_factory):
    """Start gunicorn processes with the given settings; all are stopped after the module."""
    servers = []

    def start(workers=2, **env):
        env.setdefault("MEDIA_ROOT", str(tmp_path_factory.mktemp("media")))
        server = Gunicorn(app_env(STATIC_ROOT=str(static_root), **env), workers=workers)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
