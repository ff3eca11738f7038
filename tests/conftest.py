"""The fixed cast and the work plan every test starts from.

The cast: an official of Indonesia, an official of Japan, a secretariat reviewer, a read-only
reader and an anonymous visitor. The plan is the real reference data, loaded as `make run` does.
Both are written once per test session; each test runs in a transaction that rolls back to them.
Tests that need a real commit (the browser's live server) flush the database when they end, so
pytest-django runs them after the others, and their fixtures load what they need again.
"""

import pytest

from ammtc_tracker.models import Role, User
from priorities.models import WorkPlan
from priorities.reference import load_reference
from tests.factories import PASSWORD, make_activity, make_cycle, make_user


def pytest_collection_modifyitems(items):
    """The longest test first, so that under pytest-xdist (`.ci/run`) the other worker runs the
    rest of the suite beside it instead of waiting for it at the end."""
    items.sort(key=lambda item: item.get_closest_marker("longest") is None)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


CAST = {
    "official_id": ("official.id", Role.OFFICIAL, "ID", {}),
    "official_jp": ("official.jp", Role.OFFICIAL, "JP", {}),
    "secretariat": ("secretariat", Role.SECRETARIAT, None, {}),
    "reader": ("reader", Role.READER, None, {}),
}


def _load_reference_and_cast():
    if not WorkPlan.objects.exists():
        load_reference()
    for username, role, party, extra in CAST.values():
        if not User.objects.filter(username=username).exists():
            make_user(username, role, party, **extra)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        _load_reference_and_cast()


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A request in another language leaves it active in the thread (LocaleMiddleware does not
    deactivate): the next test starts in English again."""
    yield
    from django.utils import translation

    translation.activate("en")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counts live in the cache; each test starts with none."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def reference(db):
    # Already there, except after a test that committed and flushed (see the module's docstring).
    _load_reference_and_cast()


@pytest.fixture
def plan(reference):
    return WorkPlan.objects.get(first_year=2023, last_year=2027)


def _cast_member(name):
    return User.objects.select_related("party").get(username=CAST[name][0])


@pytest.fixture
def official_id(reference):
    return _cast_member("official_id")


@pytest.fixture
def official_jp(reference):
    return _cast_member("official_jp")


@pytest.fixture
def secretariat(reference):
    return _cast_member("secretariat")


@pytest.fixture
def reader(reference):
    return _cast_member("reader")


@pytest.fixture
def superuser(reference):
    return User.objects.create_superuser("admin", "admin@example.org", PASSWORD)


@pytest.fixture
def activity(plan):
    """Led by Indonesia, with Japan taking part; one indicator."""
    return make_activity(plan, "2.1", leads=["ID"], participants=["JP"])


@pytest.fixture
def cycle(plan):
    return make_cycle(plan)


@pytest.fixture
def login(client):
    def log_in(user):
        client.force_login(user)
        return client

    return log_in


@pytest.fixture
def api():
    """An API client acting for a user through a real personal token (None: anonymous)."""
    from rest_framework.test import APIClient

    from ammtc_tracker.models import ApiToken

    def client_for(user=None):
        client = APIClient()
        if user is not None:
            _token, key = ApiToken.issue(user=user, name="tests")
            client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return client_for
