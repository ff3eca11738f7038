"""The fixed cast and the work plan every test starts from.

The cast: an official of Indonesia, an official of Japan, a secretariat reviewer, a read-only
reader and an anonymous visitor. The plan is the real reference data, loaded as `make run` does.
"""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from ammtc_tracker.models import Role, User
from priorities.models import Activity, Indicator, Party, WorkPlan
from priorities.reference import load_reference
from reports.models import ProgressReport, ReportingCycle
from reports.services import save_report, start_report

PASSWORD = "a-test-password-1"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def reference(db):
    load_reference()


@pytest.fixture
def plan(reference):
    return WorkPlan.objects.get(first_year=2023, last_year=2027)


def make_user(username, role, party_code=None, **extra):
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        party=Party.objects.get(code=party_code) if party_code else None,
        **extra,
    )
    user.groups.add(Group.objects.get(name=role))
    return user


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


def make_activity(plan, code, leads=(), participants=(), indicators=1):
    area = plan.priority_areas.get(number=int(code.split(".")[0]))
    activity = Activity.objects.create(
        priority_area=area, code=code, title=f"Activity {code}", is_sample=True
    )
    activity.lead_parties.set(Party.objects.filter(code__in=leads))
    activity.participating_parties.set(Party.objects.filter(code__in=participants))
    for number in range(indicators):
        Indicator.objects.create(
            activity=activity, name=f"Indicator {number + 1}", unit="people", target=Decimal(10)
        )
    return activity


@pytest.fixture
def activity(plan):
    """Led by Indonesia, with Japan taking part; one indicator."""
    return make_activity(plan, "2.1", leads=["ID"], participants=["JP"])


def make_cycle(plan, title="2026 cycle", **dates):
    today = timezone.localdate()
    values = {
        "period_start": datetime.date(today.year - 1, 7, 1),
        "period_end": datetime.date(today.year, 6, 30),
        "opens_on": today - datetime.timedelta(days=10),
        "deadline": today + datetime.timedelta(days=20),
    }
    values.update(dates)
    return ReportingCycle.objects.create(work_plan=plan, title=title, **values)


@pytest.fixture
def cycle(plan):
    return make_cycle(plan)


def complete_content():
    return {
        "implementation_status": ProgressReport.Implementation.IN_PROGRESS,
        "percent_complete": 40,
        "achievements": "Two workshops held.",
        "challenges": "",
        "next_steps": "",
    }


def make_report(official, activity, cycle, state="draft", reviewer=None):
    """A report of ``official``'s party, complete, moved to ``state`` through the workflow."""
    report = start_report(user=official, activity=activity, cycle=cycle)
    values = {indicator.pk: (Decimal(4), "") for indicator in activity.indicators.all()}
    report = save_report(
        report=report,
        user=official,
        content=complete_content(),
        indicator_values=values,
        expected_version=report.version,
    )
    if state == "draft":
        return report
    report.transition(ProgressReport.Action.SUBMIT, by=official)
    if state == "accepted":
        report.transition(ProgressReport.Action.ACCEPT, by=reviewer)
    elif state == "returned":
        report.transition(ProgressReport.Action.RETURN, by=reviewer, comment="Add numbers.")
    return report


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
