"""Deadline reminders for officials, and the secretariat's daily review digest: what
``manage.py send_reminders`` sends.

Officials of a party with an outstanding report (missing, a draft, or returned) in an open cycle
get one e-mail per occasion listing every such activity: at each of ``REMINDER_DAYS_BEFORE``
days before the deadline and once after it. Each e-mail is recorded (``SentReminder``) in the
transaction that sends it, so running the command every hour sends each reminder once.

The job acts for no user: it reads every report of the cycle, as the secretariat would, and
tells each official only about their own party's.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from priorities.models import Activity
from reports import notifications
from reports.models import ProgressReport, ReportingCycle, SentReminder

Status = ProgressReport.Status
OUTSTANDING = ("missing", Status.DRAFT, Status.RETURNED)
AFTER = "after"


@dataclass(frozen=True)
class Outstanding:
    """A report an e-mail lists: the activity, the party, and how far the report got."""

    code: str
    title: str
    party: str
    state: str  # "missing", "draft", "returned", or "submitted" (in a review digest)
    is_late: bool = False


@dataclass(frozen=True)
class Reminder:
    """One e-mail that is due: to whom, on which occasion, and what it lists."""

    kind: str
    recipient: object
    occasion: str
    cycle: ReportingCycle | None
    items: tuple
    days_left: int | None = None

    def listed(self):
        return "\n".join(f"{i.code} {i.title} ({i.party}: {i.state})" for i in self.items)

    def describe(self):
        what = self.kind if self.cycle is None else f"{self.cycle}, {self.occasion}"
        return f"{self.recipient.username} <{self.recipient.email}> ({what}): " + ", ".join(
            item.code for item in self.items
        )


def occasion(cycle, today):
    """The reminder due for ``cycle`` on ``today``: the nearest of ``REMINDER_DAYS_BEFORE``
    reached, "after" once the deadline has passed, or None."""
    days_left = cycle.days_left(today)
    if days_left < 0:
        return AFTER
    reached = [days for days in settings.REMINDER_DAYS_BEFORE if days_left <= days]
    return str(min(reached)) if reached else None


def due_reminders(today):
    """Every e-mail due on ``today`` and not yet sent."""
    due = []
    for cycle in ReportingCycle.objects.open_on(today):
        when = occasion(cycle, today)
        if when is not None:
            due += _deadline_reminders(cycle, when, today)
    if settings.SUBMISSION_NOTICES == "daily":
        due += _review_digests(today)
    return due


def _deadline_reminders(cycle, when, today):
    outstanding = outstanding_by_party(cycle)
    sent = set(
        SentReminder.objects.filter(
            kind=SentReminder.Kind.DEADLINE, cycle=cycle, occasion=when
        ).values_list("recipient_id", flat=True)
    )
    return [
        Reminder(
            kind=SentReminder.Kind.DEADLINE,
            recipient=official,
            occasion=when,
            cycle=cycle,
            items=tuple(outstanding[official.party_id]),
            days_left=cycle.days_left(today),
        )
        for official in notifications.officials_of(outstanding)
        if official.pk not in sent
    ]


def outstanding_by_party(cycle):
    """{party id: [Outstanding]}: per party, the activities of the cycle's plan it leads or takes
    part in whose report is missing, a draft or returned, in the plan's order."""
    report = ProgressReport.objects.filter(
        cycle=cycle, activity_id=OuterRef("activity_id"), party_id=OuterRef("party_id")
    )
    columns = (
        "party_id",
        "activity__sort_key",  # the plan's order of the codes
        "activity__code",
        "activity__title",
        "party__name",
    )
    rows = []
    for through in (Activity.lead_parties.through, Activity.participating_parties.through):
        rows += (
            through.objects.filter(activity__work_plan_id=cycle.work_plan_id)
            .annotate(state=Coalesce(Subquery(report.values("status")[:1]), Value("missing")))
            .filter(state__in=OUTSTANDING)
            .values_list(*columns, "state")
        )
    by_party = {}
    for party, _order, code, title, name, state in sorted(set(rows)):
        by_party.setdefault(party, []).append(Outstanding(code, title, name, state))
    return by_party


def _review_digests(today):
    reports = ProgressReport.objects.awaiting_review().select_related("activity", "party")
    waiting = tuple(
        Outstanding(r.activity.code, r.activity.title, r.party.name, r.status, r.is_late)
        for r in reports
    )
    if not waiting:
        return []
    sent = set(
        SentReminder.objects.filter(
            kind=SentReminder.Kind.REVIEW_DIGEST, occasion=today.isoformat()
        ).values_list("recipient_id", flat=True)
    )
    return [
        Reminder(SentReminder.Kind.REVIEW_DIGEST, member, today.isoformat(), None, waiting)
        for member in notifications.secretariat_members()
        if member.pk not in sent
    ]


def send(reminder):
    """Record and send ``reminder``; False if another run recorded it first.

    The record and the e-mail share a transaction: when sending fails the record is rolled back
    and the next run tries again.
    """
    try:
        with transaction.atomic():
            SentReminder.objects.create(
                kind=reminder.kind,
                cycle=reminder.cycle,
                recipient=reminder.recipient,
                occasion=reminder.occasion,
                email=reminder.recipient.email,
                listed=reminder.listed(),
            )
            notifications.send([_email(reminder)])
    except IntegrityError:
        return False
    return True


def _email(reminder):
    if reminder.kind == SentReminder.Kind.REVIEW_DIGEST:
        link = reverse("admin:reports_submittedreport_changelist")
        context = {"reports": reminder.items}
        template = "review_digest"
    else:
        link = reverse("my_reporting") + f"?cycle={reminder.cycle.pk}"
        context = {
            "cycle": reminder.cycle,
            "items": reminder.items,
            "days_left": reminder.days_left,
            "overdue": reminder.occasion == AFTER,
            "party": reminder.recipient.party,
        }
        template = "deadline_reminder"
    context["link"] = notifications.absolute_url(link)
    return notifications.email(template, reminder.recipient, context)
