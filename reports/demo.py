"""Illustrative demo data: sample activities, two reporting cycles, reports in every workflow
state, sample consultations, and demo accounts. Nothing here is a fact about the published work
plan, whose activities have not been made public; every activity and every consultation made
here is flagged ``is_sample`` and shown as SAMPLE.

The past cycle is closed and its reports accepted, so that the documents and "what changed"
have something to show. Its reports go through the real workflow; this module alone then moves
their recorded times back to when that cycle ran.
"""

import datetime
import secrets
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ammtc_tracker.models import Role, User
from priorities.models import Activity, Consultation, Indicator, Party, WorkPlan
from reports.models import ProgressReport, ReportingCycle, ReportTransition
from reports.services import save_report, start_report

# code, title, leads, participants, [(indicator, unit, baseline, target)]
SAMPLE_ACTIVITIES = {
    1: [
        (
            "1.1",
            "Workshop on preventing violent extremism online",
            "JP",
            "ID MY PH",
            [("Officials trained", "people", 0, 60)],
        ),
        (
            "1.2",
            "Training on detecting arms smuggling at land borders",
            "ID",
            "KH TH JP",
            [
                ("Border posts covered", "posts", 2, 12),
                ("Training sessions held", "sessions", 0, 4),
            ],
        ),
        (
            "1.3",
            "Exchange of practice on rehabilitation and reintegration",
            "SG",
            "ID JP MY",
            [("Practice notes shared", "notes", 0, 10)],
        ),
    ],
    2: [
        (
            "2.1",
            "Cybercrime investigation capacity-building course",
            "JP ID",
            "VN LA PH",
            [("Investigators trained", "people", 0, 80)],
        ),
        (
            "2.2",
            "Table-top exercise on protecting critical infrastructure",
            "SG",
            "JP ID TH",
            [("Agencies taking part", "agencies", 0, 20)],
        ),
        (
            "2.3",
            "Digital forensics laboratory mentoring",
            "JP",
            "KH LA MM",
            [("Laboratories mentored", "labs", 0, 5)],
        ),
    ],
    3: [
        (
            "3.1",
            "Joint training on detecting synthetic drugs at seaports",
            "TH",
            "JP ID MM",
            [("Port officers trained", "people", 0, 120)],
        ),
        (
            "3.2",
            "Drug-abuse prevention material for secondary schools",
            "ID",
            "JP",
            [("Schools reached", "schools", 0, 300)],
        ),
        (
            "3.3",
            "Seminar on controlling precursor chemicals",
            "JP",
            "ID VN PH",
            [("Countries represented", "countries", 0, 11)],
        ),
    ],
    4: [
        (
            "4.1",
            "Maritime law-enforcement capacity-building course",
            "JP",
            "ID MY PH VN",
            [("Coast guard officers trained", "people", 0, 90)],
        ),
        (
            "4.2",
            "Information-sharing exercise in shared waters",
            "MY ID",
            "SG JP",
            [("Exercises held", "exercises", 0, 3)],
        ),
        (
            "4.3",
            "Incident reporting guide for small vessels",
            "PH",
            "ID JP",
            [("Guides distributed", "copies", 0, 5000)],
        ),
    ],
    5: [
        (
            "5.1",
            "Victim identification and referral training",
            "PH",
            "ID JP TH",
            [("Front-line workers trained", "people", 0, 150)],
        ),
        (
            "5.2",
            "Seminar on online recruitment by traffickers",
            "JP ID",
            "KH LA MY",
            [("Platforms engaged", "companies", 0, 8)],
        ),
        (
            "5.3",
            "Exchange on shelter and protection standards",
            "TH",
            "ID VN",
            [("Shelters assessed", "shelters", 0, 25)],
        ),
    ],
}

DEMO_ACCOUNTS = [
    ("official.id", "Official of Indonesia", Role.OFFICIAL, "ID"),
    ("official.jp", "Official of Japan", Role.OFFICIAL, "JP"),
    ("official.th", "Official of Thailand", Role.OFFICIAL, "TH"),
    ("official.ph", "Official of the Philippines", Role.OFFICIAL, "PH"),
    ("secretariat", "Secretariat reviewer", Role.SECRETARIAT, None),
    ("reader", "Reader", Role.READER, None),
]

WORK_PLAN_TITLE = "ASEAN-Japan Work Plan to Combat Transnational Crime"


class DemoRefused(Exception):
    pass


@transaction.atomic
def load_demo(*, password=None, today=None):
    """Add the demo data set and return ``(accounts, password)``."""
    if ProgressReport.objects.filter(activity__is_sample=False).exists():
        raise DemoRefused(
            "This database holds real (non-sample) progress reports; demo data is not added to it."
        )
    plan = WorkPlan.objects.get(title=WORK_PLAN_TITLE, first_year=2023, last_year=2027)
    today = today or timezone.localdate()
    password = password or secrets.token_urlsafe(12)
    users = _accounts(password)
    _activities(plan)
    previous, current = _cycles(plan, today)
    if not previous.reports.exists():
        _past_reports(previous, users)
    if not current.reports.exists():
        _reports(current, users)
    # The backdated reports were written with update(), which the workflow does not see.
    WorkPlan.objects.filter(pk=plan.pk).figures_changed()
    return users, password


def _accounts(password):
    users = {}
    for username, name, role, party_code in DEMO_ACCOUNTS:
        first, _space, last = name.partition(" ")
        user, _created = User.objects.update_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.org",
                "role": role,
                "party": Party.objects.get(code=party_code) if party_code else None,
            },
        )
        user.set_password(password)
        user.save()
        users[username] = user
    return users


def _activities(plan):
    parties = {party.code: party for party in Party.objects.all()}
    for number, activities in SAMPLE_ACTIVITIES.items():
        area = plan.priority_areas.get(number=number)
        for code, title, leads, participants, indicators in activities:
            activity = Activity.objects.filter(work_plan=plan, code=code).first()
            if activity and not activity.is_sample:
                raise DemoRefused(f"Activity {code} exists and is not sample data; left alone.")
            if activity:
                continue
            activity = Activity.objects.create(
                priority_area=area,
                code=code,
                title=title,
                description=f"Illustrative sample activity under {area.title.lower()}.",
                planned_start=datetime.date(2024, 1, 1),
                planned_end=datetime.date(2027, 12, 31),
                expected_outcome="Sample data: shows how an activity is reported.",
                is_sample=True,
            )
            activity.lead_parties.set([parties[c] for c in leads.split()])
            activity.participating_parties.set([parties[c] for c in participants.split()])
            for name, unit, baseline, target in indicators:
                Indicator.objects.create(
                    activity=activity,
                    name=name,
                    unit=unit,
                    baseline=Decimal(baseline),
                    target=Decimal(target),
                )


def _cycles(plan, today):
    year = today.year
    previous, _created = ReportingCycle.objects.get_or_create(
        work_plan=plan,
        title=f"{year - 1} reporting cycle (demo)",
        defaults={
            "period_start": datetime.date(year - 2, 7, 1),
            "period_end": datetime.date(year - 1, 6, 30),
            "opens_on": datetime.date(year - 1, 6, 1),
            "deadline": datetime.date(year - 1, 7, 31),
        },
    )
    previous.consultations.set(
        [
            _sample_consultation(Consultation.Series.SOMTC_JAPAN, datetime.date(year - 1, 9, 16)),
            _sample_consultation(Consultation.Series.AMMTC_JAPAN, datetime.date(year - 1, 10, 21)),
        ]
    )
    current, _created = ReportingCycle.objects.get_or_create(
        work_plan=plan,
        title=f"{year} reporting cycle (demo)",
        defaults={
            "period_start": datetime.date(year - 1, 7, 1),
            "period_end": datetime.date(year, 6, 30),
            "opens_on": today - datetime.timedelta(days=45),
            "deadline": today + datetime.timedelta(days=30),
        },
    )
    current.consultations.set(
        [
            _sample_consultation(
                Consultation.Series.SOMTC_JAPAN, today + datetime.timedelta(days=60)
            ),
            _sample_consultation(
                Consultation.Series.AMMTC_JAPAN, today + datetime.timedelta(days=90)
            ),
        ]
    )
    return previous, current


def _sample_consultation(series, day):
    """An invented meeting, flagged and named SAMPLE: demo reports never go to a real one."""
    consultation, _created = Consultation.objects.get_or_create(
        series=series,
        date=day,
        is_sample=True,
        defaults={
            "city": "Sample City",
            "outcome": "Sample data: an invented meeting for the demo, not a real consultation.",
        },
    )
    return consultation


# The past cycle: (user, activity, implementation status, percent, days after the deadline it
# was submitted: negative is on time). All were accepted a week after submission.
PAST_REPORTS = [
    ("official.id", "1.2", "in_progress", 10, -20),
    ("official.id", "2.1", "in_progress", 30, -12),
    ("official.id", "3.2", "not_started", 0, -3),
    ("official.id", "4.2", "in_progress", 60, -25),
    ("official.jp", "1.1", "in_progress", 40, -18),
    ("official.jp", "2.3", "not_started", 0, -9),
    ("official.jp", "3.3", "in_progress", 20, -2),
    ("official.jp", "5.2", "delayed", 10, 6),
    ("official.th", "3.1", "in_progress", 50, -15),
    ("official.th", "5.3", "in_progress", 25, -1),
    ("official.ph", "4.3", "completed", 100, -30),
    ("official.ph", "5.1", "delayed", 15, 12),
]


def _past_reports(cycle, users):
    """File and accept the past cycle's reports, close the cycle, then date everything to when
    the cycle ran (the workflow itself stamps the present)."""
    reviewer = users["secretariat"]
    # Open while its reports are filed (a database from an older demo may have it closed).
    cycle.closed_at = None
    for username, code, implementation, percent, days_late in PAST_REPORTS:
        official = users[username]
        report = _filed(cycle, official, code, implementation, percent)
        report.transition(ProgressReport.Action.SUBMIT, by=official)
        report.transition(ProgressReport.Action.ACCEPT, by=reviewer, comment="Thank you.")
        _backdate(report, cycle.deadline + datetime.timedelta(days=days_late))
    cycle.closed_at = _at(cycle.deadline + datetime.timedelta(days=45))
    cycle.save(update_fields=["closed_at"])


def _at(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _backdate(report, submitted_on):
    """Move every recorded time of ``report`` back: started a month before it was submitted,
    accepted a week after; lateness follows from the new submission date."""
    created = _at(submitted_on - datetime.timedelta(days=30))
    submitted = _at(submitted_on)
    reviewed = _at(submitted_on + datetime.timedelta(days=7))
    ProgressReport.objects.filter(pk=report.pk).update(
        created_at=created,
        updated_at=reviewed,
        submitted_at=submitted,
        reviewed_at=reviewed,
        is_late=submitted_on > report.cycle.deadline,
    )
    when = {"create": created, "submit": submitted, "accept": reviewed}
    for step in report.transitions.all():
        ReportTransition.objects.filter(pk=step.pk).update(at=when[step.action])
    saved = list(report.history.order_by("history_id").values_list("history_id", flat=True))
    steps = [created] * (len(saved) - 2) + [submitted, reviewed]
    for history_id, moment in zip(saved, steps[-len(saved) :], strict=True):
        report.history.filter(history_id=history_id).update(history_date=moment)
    for value in report.indicator_values.all():
        value.history.update(history_date=created)


# (user, activity, state to reach, implementation status, percent)
DEMO_REPORTS = [
    ("official.id", "1.2", "draft", "in_progress", 30),
    ("official.id", "2.1", "submitted", "in_progress", 55),
    ("official.id", "3.2", "returned", "delayed", 20),
    ("official.id", "4.2", "accepted", "completed", 100),
    ("official.jp", "1.1", "accepted", "in_progress", 70),
    ("official.jp", "2.3", "submitted", "in_progress", 40),
    ("official.jp", "3.3", "draft", "not_started", 0),
    ("official.jp", "5.2", "returned", "in_progress", 35),
    ("official.th", "3.1", "accepted", "completed", 100),
    ("official.th", "5.3", "submitted", "delayed", 30),
    ("official.ph", "4.3", "accepted", "completed", 100),
    ("official.ph", "5.1", "accepted", "in_progress", 45),
]


def _reports(cycle, users):
    reviewer = users["secretariat"]
    for username, code, state, implementation, percent in DEMO_REPORTS:
        official = users[username]
        report = _filed(cycle, official, code, implementation, percent)
        if state == "draft":
            continue
        report.transition(ProgressReport.Action.SUBMIT, by=official)
        if state == "accepted":
            report.transition(ProgressReport.Action.ACCEPT, by=reviewer, comment="Thank you.")
        elif state == "returned":
            report.transition(
                ProgressReport.Action.RETURN,
                by=reviewer,
                comment="Please add the number of sessions held and attach the attendance list.",
            )


def _filed(cycle, official, code, implementation, percent):
    """``official``'s party's complete draft on activity ``code``."""
    activity = Activity.objects.get(work_plan=cycle.work_plan, code=code)
    report = start_report(user=official, activity=activity, cycle=cycle)
    values = {
        indicator.pk: (Decimal(percent) * (indicator.target or 0) / 100, "")
        for indicator in activity.indicators.all()
    }
    return save_report(
        report=report,
        user=official,
        expected_version=report.version,
        content={
            "implementation_status": implementation,
            "percent_complete": percent,
            "achievements": f"Sample: {percent}% of the planned work done in this period.",
            "challenges": _challenge(implementation),
            "next_steps": "Sample: continue as planned.",
        },
        indicator_values=values,
    )


def _challenge(implementation):
    if implementation == "delayed":
        return "Sample: the partner agency's funding arrived six months late."
    return "Sample: scheduling across several agencies."
