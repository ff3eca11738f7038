"""Factories that build test data through the real code paths: reports are moved to a state only
through the workflow, never fabricated."""

import datetime
from decimal import Decimal

import time_machine
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


def file_report(
    official,
    activity,
    cycle,
    state,
    reviewer=None,
    *,
    status="in_progress",
    percent=40,
    value=4,
    late=False,
    **content,
):
    """A report of ``official``'s party saying ``status`` and ``percent``, every indicator at
    ``value``, moved to ``state`` through the workflow; ``content`` sets the texts. When ``late``,
    submitted three days after the deadline."""
    report = start_report(user=official, activity=activity, cycle=cycle)
    values = {indicator.pk: (Decimal(value), "") for indicator in activity.indicators.all()}
    fields = {
        "implementation_status": status,
        "percent_complete": percent,
        "achievements": "Two workshops held.",
        "challenges": "",
        "next_steps": "",
        **content,
    }
    report = save_report(
        report=report,
        user=official,
        content=fields,
        indicator_values=values,
        expected_version=report.version,
    )
    if state == "draft":
        return report
    day = cycle.deadline + datetime.timedelta(days=3) if late else timezone.localdate()
    with time_machine.travel(day):
        report.transition(ProgressReport.Action.SUBMIT, by=official)
    if state == "accepted":
        report.transition(ProgressReport.Action.ACCEPT, by=reviewer)
    elif state == "returned":
        report.transition(ProgressReport.Action.RETURN, by=reviewer, comment="Add figures.")
    return report


def make_every_state(plan, official_id, official_jp, official_th, reviewer):
    """A cycle with a report in every state, and the cycle before it with two accepted reports.

    This cycle, by activity and party (role: state):
    1.1: ID lead accepted; JP participant submitted
    2.1: JP lead returned
    3.1: ID lead draft; JP participant accepted, late; TH participant missing
    3.2: TH lead submitted, late; ID participant missing
    """
    a = make_activity(plan, "1.1", leads=["ID"], participants=["JP"])
    b = make_activity(plan, "2.1", leads=["JP"])
    c = make_activity(plan, "3.1", leads=["ID"], participants=["JP", "TH"])
    d = make_activity(plan, "3.2", leads=["TH"], participants=["ID"])
    today = timezone.localdate()
    before = make_cycle(
        plan,
        title="Last year",
        period_start=datetime.date(today.year - 2, 7, 1),
        period_end=datetime.date(today.year - 1, 6, 30),
    )
    file_report(official_id, a, before, "accepted", reviewer, status="in_progress", percent=10)
    file_report(official_jp, b, before, "accepted", reviewer, status="not_started", percent=0)
    now = make_cycle(plan, title="This year")
    file_report(official_id, a, now, "accepted", reviewer, status="in_progress", percent=40)
    file_report(official_jp, a, now, "submitted", status="in_progress", percent=20)
    file_report(official_jp, b, now, "returned", reviewer, status="delayed", percent=5)
    file_report(official_id, c, now, "draft", status="in_progress", percent=50)
    file_report(
        official_jp, c, now, "accepted", reviewer, late=True, status="completed", percent=100
    )
    file_report(official_th, d, now, "submitted", late=True, status="not_started", percent=0)
    return before, now
