"""Every number the tracker shows. Pages, charts, documents and the API take their figures from
these functions, so that they cannot disagree.

Each function takes the cycle and the user the figures are for, and starts from
``ProgressReport.objects.visible_to(user)``: no figure counts a report its reader may not see.
Counting happens in SQL; Python only arranges the rows it gets back. The results are plain
dataclasses carrying every label they need, so an export can render them without a query; the
names of parties and priority areas are in the active language (``priorities.names``).
"""

import hashlib
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache, wraps

from django.core.cache import cache
from django.db import connections, router
from django.db.models import (
    Avg,
    Count,
    Exists,
    F,
    Min,
    Model,
    OuterRef,
    Q,
    Subquery,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils.translation import get_language

from ammtc_tracker.generations import FIGURES
from priorities import names
from priorities.models import Activity, Indicator, Party, PriorityArea, WorkPlan, code_sort_key
from reports.models import IndicatorValue, ProgressReport, ReportingCycle

Status = ProgressReport.Status
Implementation = ProgressReport.Implementation
# A report counts as received once it is with the secretariat or accepted; a returned report
# waits for its party again.
RECEIVED = (Status.SUBMITTED, Status.ACCEPTED)


class Rates:
    """The reporting and on-time rates, in percent of the reports expected, of figures that
    carry ``expected``, ``received`` and ``on_time``; None when nothing was expected."""

    @property
    def reporting_rate(self):
        return round(100 * self.received / self.expected, 1) if self.expected else None

    @property
    def on_time_rate(self):
        return round(100 * self.on_time / self.expected, 1) if self.expected else None


# An entry of an old figures version is never read again; it leaves the cache after a day.
CACHE_SECONDS = 24 * 3600


def cached(figure):
    """``figure(cycle, user, ...)``, kept in the cache under its plan's figures version.

    Whatever changes something a figure counts or names renews the version in the same
    transaction (``ProgressReport.transition``, ``services.save_report``, the plan's models:
    ``WorkPlan.figures_changed``), and the version is read from the database on every call, so
    a cached figure is never older than the data: after an accept, a return or an edit the next
    reader's key is new. The key also holds what decides visibility (``visibility_key``), the
    language of the names, and the arguments."""

    @wraps(figure)
    def cached_figure(cycle, user, *args, **kwargs):
        version = figures_version(cycle)
        return remembered(
            figure.__name__,
            version,
            cycle,
            user,
            lambda: figure(cycle, user, *args, **kwargs),
            *args,
            **kwargs,
        )

    return cached_figure


def figures_version(cycle):
    """The figures version of the cycle's plan, read from the database now."""
    plans = WorkPlan.objects.filter(pk=cycle.work_plan_id)
    return plans.values_list("figures_version", flat=True).first()


def remembered(name, version, cycle, user, make, *args, **kwargs):
    """``make()``, kept in the cache under the figures key of ``name`` for ``cycle`` and ``user``
    (with ``args`` and ``kwargs``, the arguments ``make`` was made from).

    ``version`` is the plan's figures version as read from the database in this request by
    ``figures_version``; a version kept from an earlier request could name figures older than
    the data. For what is made from figures in one piece, so that a hit skips the making."""
    parts = [
        name,
        str(version),
        str(cycle.pk),
        ProgressReport.objects.visibility_key(user),
        get_language() or "",
        *(_key_part(value) for value in args),
        *(f"{key}={_key_part(value)}" for key, value in sorted(kwargs.items())),
    ]
    key = "figures:" + hashlib.sha256("|".join(parts).encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        found = make()
        cache.set(key, found, CACHE_SECONDS)
    return found


def answer(name, user, make, **params):
    """An API answer made of figures, ``make()``, kept in the cache under the figures
    generation (``ammtc_tracker.generations.FIGURES``, renewed with every plan's figures
    version) and the request: ``params``, what decides visibility and the language. A hit costs
    one cache round trip and no query, not even the figures version's; the price is that
    ``make`` must read the primary database (a replica may lag behind the generation), which
    it does once per change."""
    parts = [
        name,
        ProgressReport.objects.visibility_key(user),
        get_language() or "",
        *(f"{key}={_key_part(value)}" for key, value in sorted(params.items())),
    ]
    key = "answer:" + hashlib.sha256("|".join(parts).encode()).hexdigest()
    found = FIGURES.lookup(key)
    if found.value is not None:
        return found.value
    value = make()
    FIGURES.store(key, found, value)
    return value


def _key_part(value):
    if isinstance(value, Model):
        return f"{value._meta.label}#{value.pk}"
    if value is None or isinstance(value, (bool, int, str)):
        return repr(value)
    raise TypeError(f"no cache key for {type(value).__name__}")


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
    activities: int = 0
    activities_reported: int = 0

    @property
    def activities_without_report(self):
        return self.activities - self.activities_reported


@cached
def status_by_area(cycle, user, *, party=None, include_pending=False):
    """Per priority area of the cycle's plan: report count, average percent complete, the count
    per implementation status, and how many of its activities have a counted report; areas
    without reports are listed with zeros."""
    reports = counted_reports(cycle, user, include_pending=include_pending)
    if party is not None:
        reports = reports.filter(party=party)
    per_status = {
        value: Count("id", filter=Q(implementation_status=value)) for value in Implementation.values
    }
    grouped = (
        reports.order_by()
        .values("activity__priority_area")
        .annotate(
            report_count=Count("id"),
            percent=Avg("percent_complete"),
            activities_reported=Count("activity", distinct=True),
            **per_status,
        )
    )
    counts = {row["activity__priority_area"]: row for row in grouped}
    areas = (
        PriorityArea.objects.filter(work_plan_id=cycle.work_plan_id)
        .annotate(activity_count=Count("activities"))
        .order_by("number")
    )
    return [_area_status(area, counts.get(area.pk)) for area in areas]


def _area_status(area, row):
    row = row or {}
    percent = row.get("percent")
    return AreaStatus(
        id=area.pk,
        number=area.number,
        title=area.display_title,
        reports=row.get("report_count", 0),
        average_percent=round(float(percent), 1) if percent is not None else None,
        by_implementation={value: row.get(value, 0) for value in Implementation.values},
        activities=area.activity_count,
        activities_reported=row.get("activities_reported", 0),
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

    Every row of ``expected_reports`` (one per activity and each of its lead and participating
    parties; a party that is both, once, as lead), in one query, with the report ``user`` may
    see on it. A report ``user`` may not see is shown as missing, so nothing leaks through the
    matrix.
    """
    reports = ProgressReport.objects.visible_to(user).filter(cycle=cycle)
    rows = _with_reports(expected_reports(cycle).every(), reports)
    summary = {"expected": len(rows), "missing": 0, **dict.fromkeys(Status.values, 0)}
    for row in rows:
        summary[row.state] += 1
    return Compliance(rows=rows, summary=summary)


def expected_reports(cycle):
    """Every (activity, party) pair expected to report in ``cycle``, in the plan's order
    (activity, the lead before participants, party code), as a sequence that the compliance
    page slices: each slice is one query that stops after its rows (``ExpectedPairs``).
    ``compliance_rows`` adds the state of each report."""
    return ExpectedPairs(cycle.work_plan_id)


class ExpectedPairs:
    """The expected pairs of a plan, read a slice at a time: ``pairs[50:100]`` is one query for
    those rows, each a tuple of ``ExpectedReport``'s first fields (activity id, code, area
    number, party id, party code, role); ``every()`` reads them all.

    Raw SQL, because the ORM cannot join a UNION. As a UNION of the lead and participant rows
    ordered as a whole, PostgreSQL built and sorted every pair of the plan for each page
    (issue 14). Here the plan's activities are read in the order of their index
    (``activity_plan_order_idx``), each joined to its rows in the two through tables (the
    UNION ALL, which PostgreSQL reads per activity by its ``activity_id`` index), so the query
    stops after ``OFFSET + LIMIT`` rows and only each activity's few pairs are sorted ("lead"
    before "participant", then the party code). Two shapes keep it so:

    - The NOT EXISTS that drops a participant who also leads (expected once, as lead) is
      outside the UNION ALL: inside, PostgreSQL built every participant row first.
    - The party is a LEFT JOIN, though every pair has one (a non-null foreign key): PostgreSQL
      has no statistics on the UNION ALL's ``party_id``, guessed that an inner join kept one
      pair in 15, and at 50x sorted every pair from the 11th page on (offset 500); a left join
      keeps each pair, which it knows, and the pages stay bounded to offset 5,000 or more.

    The same SQL runs on SQLite."""

    SQL = """
        SELECT activity.id, activity.code, area.number, party.id, party.code, pair.role
        FROM {activity} activity
        JOIN (
            SELECT activity_id, party_id, 'lead' AS role FROM {leads}
            UNION ALL
            SELECT activity_id, party_id, 'participant' AS role FROM {participants}
        ) pair ON pair.activity_id = activity.id
        LEFT JOIN {party} party ON party.id = pair.party_id
        JOIN {area} area ON area.id = activity.priority_area_id
        WHERE activity.work_plan_id = %s
        AND NOT EXISTS (
            SELECT 1 FROM {leads} also_lead
            WHERE pair.role = 'participant'
            AND also_lead.activity_id = pair.activity_id AND also_lead.party_id = pair.party_id
        )
        ORDER BY activity.sort_key, activity.id, pair.role, party.code
        LIMIT %s OFFSET %s
    """

    def __init__(self, work_plan_id):
        self.work_plan_id = work_plan_id

    def __getitem__(self, rows):
        if not isinstance(rows, slice) or rows.stop is None or rows.step is not None:
            raise TypeError("ExpectedPairs takes a slice with an end, such as [50:100]")
        start = rows.start or 0
        if start < 0 or rows.stop < start:
            raise ValueError("ExpectedPairs takes a slice of non-negative, increasing bounds")
        return self._read(rows.stop - start, start)

    def every(self):
        """Every pair of the plan, in one query: for a download of the whole matrix."""
        return self._read(None, 0)

    def _read(self, limit, offset):
        connection = connections[router.db_for_read(Activity)]
        if limit is None:
            limit = connection.ops.no_limit_value()  # NULL on PostgreSQL, -1 on SQLite
        with connection.cursor() as cursor:
            cursor.execute(self._sql(connection), [self.work_plan_id, limit, offset])
            return cursor.fetchall()

    def _sql(self, connection):
        tables = {
            "activity": Activity,
            "leads": Activity.lead_parties.through,
            "participants": Activity.participating_parties.through,
            "party": Party,
            "area": PriorityArea,
        }
        quote = connection.ops.quote_name
        return self.SQL.format(
            **{name: quote(model._meta.db_table) for name, model in tables.items()}
        )


def compliance_rows(cycle, user, pairs):
    """``pairs`` (a page of ``expected_reports``) as rows of the compliance matrix, each with
    the report ``user`` may see on it, if any: one query."""
    reports = ProgressReport.objects.visible_to(user).filter(
        cycle=cycle,
        activity_id__in={pair[0] for pair in pairs},
        party_id__in={pair[3] for pair in pairs},
    )
    return _with_reports(pairs, reports)


def _with_reports(pairs, reports):
    """Each expected pair as an ``ExpectedReport``, with its report among ``reports``."""
    by_pair = {
        (activity, party): rest
        for activity, party, *rest in reports.values_list(
            "activity_id", "party_id", "id", "status", "is_late", "submitted_at"
        )
    }
    return [ExpectedReport(*pair, *by_pair.get((pair[0], pair[3]), ())) for pair in pairs]


def compliance_summary(cycle, user):
    """How many reports ``cycle`` expects and how many are in each state (``missing`` when
    ``user`` may not see it), as in ``compliance``: from ``compliance_totals``."""
    overall = compliance_totals(cycle, user).overall
    states = {state: overall.by_state[state] for state in Status.values}
    return {"expected": overall.expected, "missing": overall.by_state["missing"], **states}


@dataclass(frozen=True)
class PartyRate(Rates):
    """How much of what was expected of a party in a cycle has come in."""

    code: str
    name: str
    expected: int
    received: int
    on_time: int
    accepted: int


@cached
def reporting_rate(cycle, user):
    """Per party expected to report in ``cycle``: expected, received, on time and accepted."""
    expected, labels = Counter(), {}
    for _role, pairs in _expected_pairs_of(cycle):
        per_party = pairs.values("party_id", "party__code", "party__name").annotate(n=Count("id"))
        for row in per_party:
            expected[row["party_id"]] += row["n"]
            code, name = row["party__code"], row["party__name"]
            labels[row["party_id"]] = {"code": code, "name": names.party_name(code, name)}
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
    area_number: int | None = None
    party_name: str = ""
    is_pending: bool = False  # the report of the later cycle awaits review

    @property
    def percent_change(self):
        if self.percent_before is None or self.percent_now is None:
            return None
        return self.percent_now - self.percent_before


CHANGE_KINDS = ("new", "stopped", "changed", "unchanged")


def changes_between(cycle, previous, user, *, include_pending=False):
    """Per activity and party, how the counted report of ``cycle`` differs from ``previous``'s:
    first reports, reports that stopped, and changes of implementation status and percent.

    Kept in the cache under the figures version of the plan of both cycles, like the figures
    made by ``cached``: a list of every activity and party that a document reads again."""
    return remembered(
        "changes_between",
        figures_version(cycle),
        cycle,
        user,
        lambda: _changes_between(cycle, previous, user, include_pending),
        previous,
        include_pending=include_pending,
    )


def _changes_between(cycle, previous, user, include_pending):
    columns = (
        "activity_id",
        "party_id",
        "activity__code",
        "activity__title",
        "activity__priority_area__number",
        "party__code",
        "party__name",
        "status",
        "implementation_status",
        "percent_complete",
    )

    def said(of_cycle):
        if of_cycle is None:
            return {}
        reports = counted_reports(of_cycle, user, include_pending=include_pending).order_by()
        return {(row[0], row[1]): row[2:] for row in reports.values_list(*columns)}

    now, before = said(cycle), said(previous)
    party_name = _party_name_once()
    changes = [
        _change(now.get(key), before.get(key), party_name) for key in now.keys() | before.keys()
    ]
    return sorted(
        changes, key=lambda change: (code_sort_key(change.activity_code), change.party_code)
    )


def _change(now, before, name_of):
    code, title, area, party, party_name, status, status_now, percent_now = now or (
        *before[:5],
        None,
        None,
        None,
    )
    status_before, percent_before = before[6:] if before else (None, None)
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
        area_number=area,
        party_name=name_of(party, party_name),
        is_pending=status == Status.SUBMITTED,
    )


def change_counts(changes):
    """How many of ``changes`` are of each kind, for the summary of what changed."""
    counts = Counter(change.kind for change in changes)
    return {kind: counts[kind] for kind in CHANGE_KINDS}


@dataclass(frozen=True)
class IndicatorReading:
    """An indicator of an activity, with its baseline and target, and what one report said."""

    indicator_id: int
    name: str
    unit: str
    baseline: Decimal | None
    target: Decimal | None
    value: Decimal | None = None
    note: str = ""


@dataclass(frozen=True)
class PartyReport:
    """One party's counted report on an activity."""

    id: int
    party_code: str
    party_name: str
    status: str
    implementation_status: str
    implementation_label: str
    percent_complete: int | None
    achievements: str
    challenges: str
    next_steps: str
    is_late: bool
    submitted_at: datetime | None
    readings: tuple[IndicatorReading, ...] = ()

    @property
    def is_pending(self):
        """Submitted, not yet accepted: counted only when pending reports are asked for."""
        return self.status == Status.SUBMITTED


@dataclass(frozen=True)
class ActivityRow:
    """An activity of the plan with every counted report on it; none means "no report"."""

    id: int
    code: str
    title: str
    area_number: int
    area_title: str
    is_sample: bool
    leads: tuple[str, ...]
    participants: tuple[str, ...]
    indicators: tuple[IndicatorReading, ...]
    reports: tuple[PartyReport, ...]
    not_reported_by: tuple[str, ...]  # expected parties without a counted report

    @property
    def has_report(self):
        return bool(self.reports)


def activity_rows(cycle, user, *, include_pending=False):
    """Every activity of the cycle's plan, in the plan's order, with its lead and participating
    parties, its indicators (baseline, target) and each party's counted report with its texts
    and indicator values. Six queries, whatever the number of activities."""
    in_plan = Q(activity__work_plan_id=cycle.work_plan_id)
    leads = _party_names(Activity.lead_parties.through.objects.filter(in_plan))
    takes_part = _party_names(Activity.participating_parties.through.objects.filter(in_plan))
    indicators = _indicators(in_plan)
    reports = _party_reports(cycle, user, include_pending, indicators)
    activities = (
        Activity.objects.filter(work_plan_id=cycle.work_plan_id)
        .order_by("sort_key", "id")
        .values_list(
            "id",
            "code",
            "title",
            "priority_area__number",
            "priority_area__title",
            "is_sample",
            "priority_area__code",
        )
    )
    rows = []
    for pk, code, title, area_number, area_title, is_sample, area_code in activities:
        reported = reports.get(pk, ())
        # A party that leads and takes part is one expected report, named once.
        expected = dict.fromkeys(leads.get(pk, []) + takes_part.get(pk, []))
        by = {report.party_name for report in reported}
        rows.append(
            ActivityRow(
                id=pk,
                code=code,
                title=title,
                area_number=area_number,
                area_title=names.area_title(area_code, area_title),
                is_sample=is_sample,
                leads=tuple(leads.get(pk, ())),
                participants=tuple(takes_part.get(pk, ())),
                indicators=tuple(indicators.get(pk, ())),
                reports=tuple(reported),
                not_reported_by=tuple(name for name in expected if name not in by),
            )
        )
    return rows


def _party_names(through):
    by_activity = {}
    party_name = _party_name_once()
    for activity_id, code, name in through.order_by("party__name").values_list(
        "activity_id", "party__code", "party__name"
    ):
        by_activity.setdefault(activity_id, []).append(party_name(code, name))
    return by_activity


def _party_name_once():
    """``names.party_name`` remembered for one figure: a figure of thousands of rows names the
    same few parties, and a translation looked up per row was a tenth of a document's time."""
    return lru_cache(maxsize=None)(names.party_name)


def _indicators(in_plan):
    indicators = {}
    rows = (
        Indicator.objects.filter(in_plan)
        .order_by("activity_id", "id")
        .values_list("activity_id", "id", "name", "unit", "baseline", "target")
    )
    for activity_id, *reading in rows:
        indicators.setdefault(activity_id, []).append(IndicatorReading(*reading))
    return indicators


def _party_reports(cycle, user, include_pending, indicators):
    reports = counted_reports(cycle, user, include_pending=include_pending)
    values = {}
    for report_id, indicator_id, value, note in IndicatorValue.objects.filter(
        report__in=reports.values("id")
    ).values_list("report_id", "indicator_id", "value", "note"):
        values[(report_id, indicator_id)] = (value, note)
    labels = {value: str(label) for value, label in Implementation.choices}
    party_name = _party_name_once()
    by_activity = {}
    for row in reports.order_by("activity_id", "party__name").values_list(
        "activity_id",
        "id",
        "party__code",
        "party__name",
        "status",
        "implementation_status",
        "percent_complete",
        "achievements",
        "challenges",
        "next_steps",
        "is_late",
        "submitted_at",
    ):
        activity_id, pk, *fields = row
        fields[1] = party_name(fields[0], fields[1])
        readings = tuple(
            replace(indicator, **_reading(values.get((pk, indicator.indicator_id))))
            for indicator in indicators.get(activity_id, ())
        )
        implementation = fields[3]
        report = PartyReport(
            pk,
            *fields[:4],
            labels.get(implementation, ""),
            *fields[4:],
            readings=readings,
        )
        by_activity.setdefault(activity_id, []).append(report)
    return by_activity


def _reading(saved):
    value, note = saved or (None, "")
    return {"value": value, "note": note}


@dataclass(frozen=True)
class PlanTotals(Rates):
    """The whole plan in one cycle: activities, counted reports, progress and reporting."""

    activities: int
    activities_reported: int
    reports: int
    pending: int
    average_percent: float | None
    by_implementation: dict[str, int]
    expected: int
    received: int
    on_time: int

    @property
    def activities_without_report(self):
        return self.activities - self.activities_reported


@cached
def plan_totals(cycle, user, *, include_pending=False):
    """Plan-wide totals: the same counts as ``status_by_area`` and ``reporting_rate``, summed
    over the plan in SQL."""
    per_status = {
        value: Count("id", filter=Q(implementation_status=value)) for value in Implementation.values
    }
    counted = counted_reports(cycle, user, include_pending=include_pending).aggregate(
        reports=Count("id"),
        pending=Count("id", filter=Q(status=Status.SUBMITTED)),
        percent=Avg("percent_complete"),
        activities_reported=Count("activity", distinct=True),
        **per_status,
    )
    received = Q(status__in=RECEIVED)
    reporting = (
        ProgressReport.objects.visible_to(user)
        .filter(cycle=cycle)
        .aggregate(
            received=Count("id", filter=received),
            on_time=Count("id", filter=received & Q(is_late=False)),
        )
    )
    percent = counted["percent"]
    return PlanTotals(
        activities=Activity.objects.filter(work_plan_id=cycle.work_plan_id).count(),
        activities_reported=counted["activities_reported"],
        reports=counted["reports"],
        pending=counted["pending"],
        average_percent=round(float(percent), 1) if percent is not None else None,
        by_implementation={value: counted[value] for value in Implementation.values},
        expected=_expected_count(cycle),
        received=reporting["received"],
        on_time=reporting["on_time"],
    )


@dataclass(frozen=True)
class KeyPoint:
    """A report's achievement or challenge, as highlighted in the ministers' summary."""

    report_id: int
    area_number: int
    activity_code: str
    activity_title: str
    party_name: str
    implementation_status: str
    implementation_label: str
    percent_complete: int | None
    achievements: str
    challenges: str
    is_pending: bool


@dataclass(frozen=True)
class KeyPoints:
    """The reports highlighted as key achievements and challenges."""

    achievements: list[KeyPoint]
    challenges: list[KeyPoint]

    def achievements_of(self, area_number):
        return [point for point in self.achievements if point.area_number == area_number]

    def challenges_of(self, area_number):
        return [point for point in self.challenges if point.area_number == area_number]


# The implementation statuses whose reports are a challenge to the ministers by default.
BEHIND = (Implementation.DELAYED, Implementation.SUSPENDED)
# The order of progress within a priority area, most first, and its reverse.
MOST_PROGRESS = (F("percent_complete").desc(nulls_last=True), F("activity__sort_key"), F("id"))
LEAST_PROGRESS = (
    F("percent_complete").asc(nulls_first=True),
    F("activity__sort_key").desc(),
    F("id").desc(),
)
_KEY_POINT_COLUMNS = (
    "id",
    "activity__priority_area__number",
    "activity__code",
    "activity__title",
    "party__name",
    "implementation_status",
    "percent_complete",
    "achievements",
    "challenges",
    "status",
    "party__code",
)


def key_point_candidates(cycle, user, *, include_pending=False):
    """Every counted report that may be highlighted, by area and the most progress first."""
    reports = counted_reports(cycle, user, include_pending=include_pending)
    return _key_points(reports.order_by("activity__priority_area__number", *MOST_PROGRESS))


def key_points(
    cycle, user, *, include_pending=False, achievements=None, challenges=None, per_area=3
):
    """The key achievements and challenges per priority area: those chosen by the secretariat
    (report ids, in the order of ``key_point_candidates``), or by default the ``per_area``
    reports with the most progress and the ``per_area`` delayed or suspended reports with the
    least. Picked in SQL, so that only the highlighted reports are read."""
    if achievements is None or challenges is None:
        default = _default_key_points(
            cycle, user, include_pending=include_pending, per_area=per_area
        )
    reports = counted_reports(cycle, user, include_pending=include_pending)
    return KeyPoints(
        achievements=default.achievements
        if achievements is None
        else _picked(reports, achievements),
        challenges=default.challenges if challenges is None else _picked(reports, challenges),
    )


def _picked(reports, report_ids):
    chosen = reports.filter(id__in=set(report_ids))
    return _key_points(chosen.order_by("activity__priority_area__number", *MOST_PROGRESS))


@cached
def _default_key_points(cycle, user, *, include_pending, per_area):
    """The ``per_area`` reports with achievements and the most progress, and the ``per_area``
    delayed or suspended reports with the least progress, of each area: two queries that rank
    the reports of each area (ROW_NUMBER) and read only the first ``per_area``."""
    reports = counted_reports(cycle, user, include_pending=include_pending)
    most = _first_of_each_area(reports.filter(achievements__regex=r"\S"), MOST_PROGRESS, per_area)
    least = _first_of_each_area(
        reports.filter(implementation_status__in=BEHIND), LEAST_PROGRESS, per_area
    )
    # The challenges in the plan's order; of one activity, the least progress first.
    challenges = sorted(
        least, key=lambda point: (point.area_number, code_sort_key(point.activity_code))
    )
    return KeyPoints(achievements=most, challenges=challenges)


def _first_of_each_area(reports, order, count):
    area = "activity__priority_area__number"
    ranked = reports.annotate(
        rank=Window(RowNumber(), partition_by=[F(area)], order_by=list(order))
    )
    return _key_points(ranked.filter(rank__lte=count).order_by(area, "rank"))


def _key_points(reports):
    labels = dict(Implementation.choices)
    return [
        KeyPoint(
            *row[:4],
            names.party_name(row[10], row[4]),
            row[5],
            str(labels.get(row[5], "")),
            *row[6:9],
            is_pending=row[9] == Status.SUBMITTED,
        )
        for row in reports.values_list(*_KEY_POINT_COLUMNS)
    ]


@dataclass(frozen=True)
class CycleTrend(Rates):
    """One cycle's figures, as a point of the trend over cycles."""

    id: int
    title: str
    period_start: date
    reports: int
    average_percent: float | None
    by_implementation: dict[str, int]
    expected: int
    received: int
    on_time: int


@cached
def trend(cycle, user, *, count=6):
    """``cycle`` and up to ``count - 1`` cycles of its plan before it, oldest first: per cycle
    the counted (accepted) reports by implementation status, their average percent, and how
    many of the reports expected were received and received on time."""
    cycles = list(
        ReportingCycle.objects.filter(
            work_plan_id=cycle.work_plan_id, period_start__lte=cycle.period_start
        ).order_by("-period_start", "-id")[:count]
    )
    accepted = Q(status=Status.ACCEPTED)
    received = Q(status__in=RECEIVED)
    per_status = {
        value: Count("id", filter=accepted & Q(implementation_status=value))
        for value in Implementation.values
    }
    grouped = (
        ProgressReport.objects.visible_to(user)
        .filter(cycle__in=[c.pk for c in cycles])
        .order_by()
        .values("cycle_id")
        .annotate(
            report_count=Count("id", filter=accepted),
            percent=Avg("percent_complete", filter=accepted),
            received=Count("id", filter=received),
            on_time=Count("id", filter=received & Q(is_late=False)),
            **per_status,
        )
    )
    counts = {row["cycle_id"]: row for row in grouped}
    expected = _expected_count(cycle)
    return [_cycle_trend(c, counts.get(c.pk, {}), expected) for c in reversed(cycles)]


def _expected_count(cycle):
    """How many reports a cycle of the plan expects: one per activity and party taking part
    (two queries)."""
    return sum(pairs.count() for _role, pairs in _expected_pairs_of(cycle))


def _cycle_trend(cycle, row, expected):
    percent = row.get("percent")
    return CycleTrend(
        id=cycle.pk,
        title=cycle.title,
        period_start=cycle.period_start,
        reports=row.get("report_count", 0),
        average_percent=round(float(percent), 1) if percent is not None else None,
        by_implementation={value: row.get(value, 0) for value in Implementation.values},
        expected=expected,
        received=row.get("received", 0),
        on_time=row.get("on_time", 0),
    )


# The states of an expected report, in the order screens and files show them.
STATES = ("accepted", "submitted", "returned", "draft", "missing")


@dataclass(frozen=True)
class StateCounts(Rates):
    """How far the reports expected of a party, an area or a whole cycle have got."""

    key: str
    label: str
    expected: int
    by_state: dict[str, int]
    late: int  # received (submitted or accepted) after the deadline

    @property
    def received(self):
        return self.by_state["submitted"] + self.by_state["accepted"]

    @property
    def on_time(self):
        return self.received - self.late


@dataclass(frozen=True)
class ComplianceTotals:
    """The compliance matrix summed per party, per priority area and over the whole cycle."""

    by_party: list[StateCounts]
    by_area: list[StateCounts]
    overall: StateCounts


@cached
def compliance_totals(cycle, user, *, party=None, area=None):
    """Totals of the compliance matrix of ``cycle`` (optionally of one party or one area):
    reports expected and how many are in each state. Counted in SQL: the expected (activity,
    party) pairs per party and area, and the reports on them per party, area, state and
    lateness; an expected report ``user`` may not see is missing, as in the matrix."""
    tally = _Tallies()
    for _role, pairs in _expected_pairs_of(cycle, party=party, area=area):
        for row in pairs.values(*_TOTAL_LABELS).annotate(n=Count("id")):
            tally.expect(row)
    reports = ProgressReport.objects.visible_to(user).filter(_on_expected_pair(), cycle=cycle)
    if party is not None:
        reports = reports.filter(party=party)
    if area is not None:
        reports = reports.filter(activity__priority_area=area)
    grouped = reports.order_by().values(*_TOTAL_LABELS, "status", "is_late")
    for row in grouped.annotate(n=Count("id")):
        tally.report(row)
    return tally.totals()


# The labels of a party and of a priority area, read alike from a plan's party lists and from
# the reports.
_TOTAL_LABELS = (
    "party__code",
    "party__name",
    "activity__priority_area__number",
    "activity__priority_area__title",
    "activity__priority_area__code",
)


def _on_expected_pair():
    """A report on an activity its party leads or takes part in (as it still does)."""
    pair = {"activity_id": OuterRef("activity_id"), "party_id": OuterRef("party_id")}
    return Q(Exists(Activity.lead_parties.through.objects.filter(**pair))) | Q(
        Exists(Activity.participating_parties.through.objects.filter(**pair))
    )


class _Tallies:
    """Sums rows of counts per party, per area and overall."""

    def __init__(self):
        self.parties, self.areas, self.overall = {}, {}, _Tally("all", "")

    def _of(self, row):
        code = row["party__code"]
        party = (code, names.party_name(code, row["party__name"]))
        area_title = names.area_title(
            row["activity__priority_area__code"], row["activity__priority_area__title"]
        )
        area = (str(row["activity__priority_area__number"]), area_title)
        return (
            self.parties.setdefault(party, _Tally(*party)),
            self.areas.setdefault(area, _Tally(*area)),
            self.overall,
        )

    def expect(self, row):
        for tally in self._of(row):
            tally.expected += row["n"]

    def report(self, row):
        for tally in self._of(row):
            tally.by_state[row["status"]] += row["n"]
            if row["is_late"] and row["status"] in RECEIVED:
                tally.late += row["n"]

    def totals(self):
        return ComplianceTotals(
            by_party=[self.parties[key].counts() for key in sorted(self.parties)],
            by_area=[
                self.areas[key].counts() for key in sorted(self.areas, key=lambda k: int(k[0]))
            ],
            overall=self.overall.counts(),
        )


class _Tally:
    def __init__(self, key, label):
        self.key, self.label = key, label
        self.expected, self.late = 0, 0
        self.by_state = dict.fromkeys(STATES, 0)

    def counts(self):
        reported = sum(self.by_state.values())
        by_state = {**self.by_state, "missing": self.expected - reported}
        return StateCounts(self.key, self.label, self.expected, by_state, self.late)


@dataclass(frozen=True)
class MatrixCell:
    """A party expected to report on an activity, and the state of its report."""

    party_id: int
    role: str  # "lead" or "participant"
    report_id: int | None = None
    status: str | None = None
    is_late: bool = False

    @property
    def state(self):
        return self.status or "missing"


@dataclass(frozen=True)
class MatrixRow:
    """One activity of the compliance matrix, with a cell per party expected to report on it."""

    activity_id: int
    code: str
    title: str
    area_number: int
    area_title: str
    is_sample: bool
    cells: dict[int, MatrixCell]


@dataclass(frozen=True)
class PartyColumn:
    id: int
    code: str
    name: str


@dataclass(frozen=True)
class ComplianceMatrix:
    """Rows ``offset`` to ``offset + limit`` of the matrix, and how many activities it has."""

    parties: list[PartyColumn]
    rows: list[MatrixRow]
    activity_count: int


def compliance_matrix(cycle, user, *, party=None, area=None, offset=0, limit=None):
    """The compliance matrix of ``cycle``, activity by party, one page of activities at a time
    (all of them when ``limit`` is None), in the plan's order. Reports ``user`` may not see
    are missing, as in ``compliance``."""
    expected = _expected_pairs_of(cycle, party=party, area=area)
    activities = (
        Activity.objects.filter(_any_of(expected, "activity_id"))
        .order_by("sort_key", "id")
        .values_list(
            "id",
            "code",
            "title",
            "priority_area__number",
            "priority_area__title",
            "is_sample",
            "priority_area__code",
        )
    )
    activity_count = activities.count()
    page = list(activities[offset : offset + limit] if limit is not None else activities)
    scope = {"activity_id__in": [row[0] for row in page]} if limit is not None else {}
    cells = _matrix_cells(cycle, user, expected, scope)
    rows = [
        MatrixRow(*row[:4], names.area_title(row[6], row[4]), row[5], cells=cells.get(row[0], {}))
        for row in page
    ]
    return ComplianceMatrix(
        parties=_party_columns(expected), rows=rows, activity_count=activity_count
    )


def _expected_pairs_of(cycle, *, party=None, area=None):
    """The reports ``cycle`` expects, as the plan's lead and participant rows (``role``,
    queryset), narrowed to a party or area. Every count of expected reports starts here;
    ``ExpectedPairs`` lists the same pairs, a page at a time."""
    condition = Q(activity__work_plan_id=cycle.work_plan_id)
    if party is not None:
        condition &= Q(party=party)
    if area is not None:
        condition &= Q(activity__priority_area=area)
    leads = Activity.lead_parties.through.objects.filter(condition).order_by()
    # A party listed as both lead and participant is expected once, as lead.
    also_lead = leads.filter(activity_id=OuterRef("activity_id"), party_id=OuterRef("party_id"))
    participants = Activity.participating_parties.through.objects.filter(condition).order_by()
    return [("lead", leads), ("participant", participants.exclude(Exists(also_lead)))]


def _any_of(expected, column):
    """A condition on ``pk``: it is the ``column`` of some expected pair (subqueries, so no row
    is doubled)."""
    (_, leads), (_, participants) = expected
    return Q(pk__in=leads.values(column)) | Q(pk__in=participants.values(column))


def _party_columns(expected):
    parties = Party.objects.filter(_any_of(expected, "party_id")).order_by("code")
    return [
        PartyColumn(pk, code, names.party_name(code, name))
        for pk, code, name in parties.values_list("id", "code", "name")
    ]


def _matrix_cells(cycle, user, expected, scope):
    """{activity id: {party id: MatrixCell}} for the activities in ``scope``."""
    reports = {
        (activity, party): rest
        for activity, party, *rest in ProgressReport.objects.visible_to(user)
        .filter(cycle=cycle, **scope)
        .order_by()
        .values_list("activity_id", "party_id", "id", "status", "is_late")
    }
    cells = {}
    for role, pairs in expected:
        for activity, party in pairs.filter(**scope).values_list("activity_id", "party_id"):
            report = reports.get((activity, party), ())
            # A party listed as both lead and participant shows as lead.
            cells.setdefault(activity, {}).setdefault(party, MatrixCell(party, role, *report))
    return cells


@dataclass(frozen=True)
class PartyAreaProgress:
    """One priority area as a party sees its own work in it: every report the viewer may see
    (for the party's officials, drafts and returned ones too)."""

    id: int
    number: int
    title: str
    counts: StateCounts
    average_percent: float | None
    by_implementation: dict[str, int]


@cached
def party_progress(cycle, user, party):
    """Per priority area of the cycle's plan: the reports expected of ``party``, how far they
    got, and what they say (implementation status, average percent) whatever their state.
    Another party's unaccepted reports stay missing and uncounted, as everywhere."""
    totals = {row.key: row for row in compliance_totals(cycle, user, party=party).by_area}
    per_status = {
        value: Count("id", filter=Q(implementation_status=value)) for value in Implementation.values
    }
    grouped = (
        ProgressReport.objects.visible_to(user)
        .filter(cycle=cycle, party=party, activity__in=Activity.objects.for_party(party))
        .order_by()
        .values("activity__priority_area")
        .annotate(percent=Avg("percent_complete"), **per_status)
    )
    said = {row["activity__priority_area"]: row for row in grouped}
    areas = PriorityArea.objects.filter(work_plan_id=cycle.work_plan_id).order_by("number")
    return [_party_area(area, totals, said.get(area.pk, {})) for area in areas]


def _party_area(area, totals, row):
    nothing = StateCounts(str(area.number), area.display_title, 0, dict.fromkeys(STATES, 0), 0)
    percent = row.get("percent")
    return PartyAreaProgress(
        id=area.pk,
        number=area.number,
        title=area.display_title,
        counts=totals.get(str(area.number), nothing),
        average_percent=round(float(percent), 1) if percent is not None else None,
        by_implementation={value: row.get(value, 0) for value in Implementation.values},
    )


@dataclass(frozen=True)
class ReviewQueue:
    """The reports waiting for the secretariat's review."""

    waiting: int
    late: int
    oldest_submitted_at: datetime | None


def review_queue(user):
    """How many submitted reports ``user`` may see wait for review, how many came in late, and
    since when the oldest has waited."""
    row = (
        ProgressReport.objects.visible_to(user)
        .filter(status=Status.SUBMITTED)
        .aggregate(
            waiting=Count("id"),
            late=Count("id", filter=Q(is_late=True)),
            oldest=Min("submitted_at"),
        )
    )
    return ReviewQueue(row["waiting"], row["late"], row["oldest"])


@dataclass(frozen=True)
class ReviewedIndicator:
    """One indicator of a report under review: what it aims at, what the report says of it, and
    the value its party's accepted report gave in the previous cycle."""

    name: str
    unit: str
    baseline: Decimal | None
    target: Decimal | None
    reported: bool
    value: Decimal | None
    note: str
    previous_value: Decimal | None


def report_indicators(report, user, *, previous_cycle=None):
    """Each indicator of ``report``'s activity with its baseline and target, the report's value
    and note, and the previous cycle's accepted value of the same party: one query."""
    values = IndicatorValue.objects.filter(indicator=OuterRef("pk"), report_id=report.pk)
    earlier = IndicatorValue.objects.filter(
        indicator=OuterRef("pk"),
        report__in=ProgressReport.objects.visible_to(user).accepted(),
        report__party_id=report.party_id,
        report__cycle=previous_cycle,
    )
    rows = (
        Indicator.objects.filter(activity_id=report.activity_id)
        .annotate(
            reported=Exists(values),
            value=Subquery(values.values("value")[:1]),
            note=Subquery(values.values("note")[:1]),
            previous_value=Subquery(earlier.values("value")[:1]),
        )
        .order_by("id")
    )
    return [
        ReviewedIndicator(
            name=row.name,
            unit=row.unit,
            baseline=row.baseline,
            target=row.target,
            reported=row.reported,
            value=row.value,
            note=row.note or "",
            previous_value=row.previous_value if previous_cycle else None,
        )
        for row in rows
    ]
