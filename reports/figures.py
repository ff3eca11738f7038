"""Every number the tracker shows. Pages, charts, documents and the API take their figures from
these functions, so that they cannot disagree.

Each function takes the cycle and the user the figures are for, and starts from
``ProgressReport.objects.visible_to(user)``: no figure counts a report its reader may not see.
Counting happens in SQL; Python only arranges the rows it gets back. The results are plain
dataclasses carrying every label they need, so an export can render them without a query.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Avg, Count, Q

from priorities.models import Activity, PriorityArea
from reports.models import ProgressReport

Status = ProgressReport.Status
Implementation = ProgressReport.Implementation
# A report counts as received once it is with the secretariat or accepted; a returned report
# waits for its party again.
RECEIVED = (Status.SUBMITTED, Status.ACCEPTED)


def counted_reports(cycle, user, *, include_pending=False):
    """The reports figures are made of: accepted ones, plus submitted ones when asked."""
    statuses = [Status.ACCEPTED, Status.SUBMITTED] if include_pending else [Status.ACCEPTED]
    return ProgressReport.objects.visible_to(user).filter(cycle=cycle, status__in=statuses)


@dataclass(frozen=True)
class AreaStatus:
    """One priority area's reports in a cycle: how many, how far, in which state."""

    id: int
    number: int
    title: str
    reports: int
    average_percent: float | None
    by_implementation: dict[str, int]


def status_by_area(cycle, user, *, party=None, include_pending=False):
    """Per priority area of the cycle's plan: report count, average percent complete and the
    count per implementation status; areas without reports are listed with zeros."""
    reports = counted_reports(cycle, user, include_pending=include_pending)
    if party is not None:
        reports = reports.filter(party=party)
    per_status = {
        value: Count("id", filter=Q(implementation_status=value)) for value in Implementation.values
    }
    grouped = (
        reports.order_by()
        .values("activity__priority_area")
        .annotate(report_count=Count("id"), percent=Avg("percent_complete"), **per_status)
    )
    counts = {row["activity__priority_area"]: row for row in grouped}
    areas = PriorityArea.objects.filter(work_plan_id=cycle.work_plan_id).order_by("number")
    return [_area_status(area, counts.get(area.pk)) for area in areas]


def _area_status(area, row):
    row = row or {}
    percent = row.get("percent")
    return AreaStatus(
        id=area.pk,
        number=area.number,
        title=area.title,
        reports=row.get("report_count", 0),
        average_percent=round(float(percent), 1) if percent is not None else None,
        by_implementation={value: row.get(value, 0) for value in Implementation.values},
    )


@dataclass(frozen=True)
class ExpectedReport:
    """One cell of the compliance matrix: a party expected to report on an activity."""

    activity_id: int
    activity_code: str
    priority_area: int
    party_id: int
    party_code: str
    role: str
    report_id: int | None = None
    status: str | None = None
    is_late: bool = False
    submitted_at: datetime | None = None

    @property
    def state(self):
        """The report's workflow status, or "missing"."""
        return self.status or "missing"


@dataclass
class Compliance:
    rows: list[ExpectedReport]
    summary: dict[str, int] = field(default_factory=dict)


def compliance(cycle, user):
    """Who was expected to report on what in ``cycle``, and how far each report got.

    One row per activity of the plan and each of its lead and participating parties. A report
    ``user`` may not see is shown as missing, so nothing leaks through the matrix.
    """
    reports = {
        (activity, party): (pk, status, is_late, submitted_at)
        for activity, party, pk, status, is_late, submitted_at in ProgressReport.objects.visible_to(
            user
        )
        .filter(cycle=cycle)
        .values_list("activity_id", "party_id", "id", "status", "is_late", "submitted_at")
    }
    rows = [
        ExpectedReport(*expected, *reports.get((expected[0], expected[3]), ()))
        for expected in _expected_pairs(cycle)
    ]
    summary = {"expected": len(rows), "missing": 0, **dict.fromkeys(Status.values, 0)}
    for row in rows:
        summary[row.state] += 1
    return Compliance(rows=rows, summary=summary)


def _expected_pairs(cycle):
    """(activity id, code, area number, party id, party code, role), in the plan's order."""
    columns = (
        "activity_id",
        "activity__code",
        "activity__priority_area__number",
        "party_id",
        "party__code",
    )
    in_plan = Q(activity__work_plan_id=cycle.work_plan_id)
    leads = Activity.lead_parties.through.objects.filter(in_plan).values_list(*columns)
    takes_part = Activity.participating_parties.through.objects.filter(in_plan).values_list(
        *columns
    )
    pairs = [(*row, "lead") for row in leads] + [(*row, "participant") for row in takes_part]
    pairs.sort(key=lambda pair: (pair[2], pair[1], pair[0], pair[5] != "lead", pair[4]))
    return pairs


@dataclass(frozen=True)
class PartyRate:
    """How much of what was expected of a party in a cycle has come in."""

    code: str
    name: str
    expected: int
    received: int
    on_time: int
    accepted: int

    @property
    def reporting_rate(self):
        return round(100 * self.received / self.expected, 1) if self.expected else None

    @property
    def on_time_rate(self):
        return round(100 * self.on_time / self.expected, 1) if self.expected else None


def reporting_rate(cycle, user):
    """Per party expected to report in ``cycle``: expected, received, on time and accepted."""
    expected, labels = Counter(), {}
    in_plan = Q(activity__work_plan_id=cycle.work_plan_id)
    for through in (Activity.lead_parties.through, Activity.participating_parties.through):
        per_party = (
            through.objects.filter(in_plan)
            .order_by()
            .values("party_id", "party__code", "party__name")
            .annotate(n=Count("id"))
        )
        for row in per_party:
            expected[row["party_id"]] += row["n"]
            labels[row["party_id"]] = {"code": row["party__code"], "name": row["party__name"]}
    received = Q(status__in=RECEIVED)
    counts = {
        row.pop("party_id"): row
        for row in ProgressReport.objects.visible_to(user)
        .filter(cycle=cycle)
        .order_by()
        .values("party_id")
        .annotate(
            received=Count("id", filter=received),
            on_time=Count("id", filter=received & Q(is_late=False)),
            accepted=Count("id", filter=Q(status=Status.ACCEPTED)),
        )
    }
    nothing = {"received": 0, "on_time": 0, "accepted": 0}
    rates = [
        PartyRate(**labels[party], expected=count, **counts.get(party, nothing))
        for party, count in expected.items()
    ]
    return sorted(rates, key=lambda rate: rate.code)


@dataclass(frozen=True)
class ReportChange:
    """What one party said of one activity in two cycles."""

    activity_code: str
    activity_title: str
    party_code: str
    kind: str  # "new", "stopped", "changed" or "unchanged"
    status_before: str | None
    status_now: str | None
    percent_before: int | None
    percent_now: int | None

    @property
    def percent_change(self):
        if self.percent_before is None or self.percent_now is None:
            return None
        return self.percent_now - self.percent_before


def changes_between(cycle, previous, user, *, include_pending=False):
    """Per activity and party, how the counted report of ``cycle`` differs from ``previous``'s:
    first reports, reports that stopped, and changes of implementation status and percent."""
    columns = (
        "activity_id",
        "party_id",
        "activity__code",
        "activity__title",
        "party__code",
        "implementation_status",
        "percent_complete",
    )

    def said(of_cycle):
        reports = counted_reports(of_cycle, user, include_pending=include_pending)
        return {(row[0], row[1]): row[2:] for row in reports.values_list(*columns)}

    now, before = said(cycle), said(previous)
    changes = [_change(now.get(key), before.get(key)) for key in now.keys() | before.keys()]
    return sorted(changes, key=lambda change: (change.activity_code, change.party_code))


def _change(now, before):
    code, title, party, status_now, percent_now = now or (*before[:3], None, None)
    status_before, percent_before = before[3:] if before else (None, None)
    if before is None:
        kind = "new"
    elif now is None:
        kind = "stopped"
    elif (status_now, percent_now) != (status_before, percent_before):
        kind = "changed"
    else:
        kind = "unchanged"
    return ReportChange(
        activity_code=code,
        activity_title=title,
        party_code=party,
        kind=kind,
        status_before=status_before,
        status_now=status_now,
        percent_before=percent_before,
        percent_now=percent_now,
    )
