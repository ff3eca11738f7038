"""Factories that build test data through the real code paths: reports are moved to a state only
through the workflow, never fabricated."""

import datetime
from decimal import Decimal

from django.utils import timezone

from ammtc_tracker.models import User
from priorities.models import Activity, Indicator, Party
from reports.models import ProgressReport, ReportingCycle
from reports.services import save_report, start_report

PASSWORD = "a-test-password-1"


def make_user(username, role, party_code=None, **extra):
    return User.objects.create_user(
        username=username,
        password=PASSWORD,
        email=f"{username}@example.org",
        role=role,
        party=Party.objects.get(code=party_code) if party_code else None,
        **extra,
    )


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


def complete_content():
    return {
        "implementation_status": ProgressReport.Implementation.IN_PROGRESS,
        "percent_complete": 40,
        "achievements": "Two workshops held.",
        "challenges": "",
        "next_steps": "",
    }


def make_report(official, activity, cycle, state="draft", reviewer=None, files=()):
    """A report of ``official``'s party, complete, with ``files`` attached, moved to ``state``
    through the workflow."""
    report = start_report(user=official, activity=activity, cycle=cycle)
    values = {indicator.pk: (Decimal(4), "") for indicator in activity.indicators.all()}
    report = save_report(
        report=report,
        user=official,
        content=complete_content(),
        indicator_values=values,
        expected_version=report.version,
        files=files,
    )
    if state == "draft":
        return report
    report.transition(ProgressReport.Action.SUBMIT, by=official)
    if state == "accepted":
        report.transition(ProgressReport.Action.ACCEPT, by=reviewer)
    elif state == "returned":
        report.transition(ProgressReport.Action.RETURN, by=reviewer, comment="Add numbers.")
    return report
