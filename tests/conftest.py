"""The fixed cast and the work plan every test starts from.

The cast: an official of Indonesia, an official of Japan, a secretariat reviewer, a read-only
reader and an anonymous visitor. The plan is the real reference data, loaded as `make run` does.
"""

import pytest

from ammtc_tracker.models import Role, User
from priorities.models import WorkPlan
from priorities.reference import load_reference
from tests.factories import PASSWORD, make_activity, make_cycle, make_user


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def reference(db):
    load_reference()


@pytest.fixture
def plan(reference):
    return WorkPlan.objects.get(first_year=2023, last_year=2027)


@pytest.fixture
def official_id(reference):
    return make_user("official.id", Role.OFFICIAL, "ID")


@pytest.fixture
def official_jp(reference):
    return make_user("official.jp", Role.OFFICIAL, "JP")


@pytest.fixture
def secretariat(reference):
    return make_user("secretariat", Role.SECRETARIAT, is_staff=True)


@pytest.fixture
def reader(reference):
    return make_user("reader", Role.READER)


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
