"""Synthetic load data for measuring the tracker at the scale of every ASEAN work plan.

At scale 1: 200 sample activities over the five priority areas of the reference work plan, the
twelve reference parties (the ASEAN Member States and Japan) taking part in them, five annual
reporting cycles (four closed, the current one open) and one progress report per expected
(activity, party, cycle): about 5,000 reports. Scale N makes N times as many activities, so N
times as many reports.

Every report reaches its state the way the workflow would have taken it there, written in bulk
rather than through ``ProgressReport.transition()`` (which costs a dozen queries a step): the
timeline rows, the django-simple-history rows of the report and its indicator values, the
version (one per save and per step), ``submitted_by/at``, ``is_late`` (after the deadline at the
last submission) and ``reviewed_by/at`` are those the workflow writes. Older cycles are mostly
accepted; the current one is mixed. All of it is flagged sample data, and it is refused on a
database holding real (non-sample) reports.
"""

import datetime
import itertools
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from ammtc_tracker.models import Role, User
from priorities.models import Activity, Consultation, Indicator, Party, WorkPlan
from priorities.reference import WORK_PLAN, load_reference
from reports.models import (
    IndicatorValue,
    ProgressReport,
    ReportingCycle,
    ReportTransition,
)

ACTIVITIES_PER_SCALE = 200
CYCLES = 5
CHUNK = 100  # activities written per round of bulk inserts: bounds memory at any scale
BATCH = 2000  # rows per INSERT statement
CYCLE_SUFFIX = "(load data)"
USERNAME_PREFIX = "load."
# Written into the history rows of the activities and indicators, which no user created.
CHANGE_REASON = "generate_load_data"
OFFICIALS_PER_PARTY = 2
REVIEWERS = 3

Status = ProgressReport.Status
Action = ProgressReport.Action
Implementation = ProgressReport.Implementation
# Statuses whose percent may grow on a later save without contradicting the status.
MOVING = (Implementation.IN_PROGRESS, Implementation.DELAYED, Implementation.SUSPENDED)

# How a report's life went, as the list of steps after its creation, with the share of reports
# of a closed cycle and of the open one that took that path. "save" is an official's save of the
# report's content; the rest are the workflow's actions.
PATHS = {
    "empty draft": ((), 0.02, 0.12),
    "draft": (("save",), 0.03, 0.23),
    "submitted": (("save", "submit"), 0.02, 0.20),
    "returned": (("save", "submit", "return"), 0.03, 0.08),
    "resubmitted": (("save", "submit", "return", "save", "submit"), 0.00, 0.05),
    "accepted": (("save", "submit", "accept"), 0.80, 0.29),
    "accepted after return": (
        ("save", "submit", "return", "save", "submit", "accept"),
        0.08,
        0.03,
    ),
    "reopened and accepted": (
        ("save", "submit", "accept", "reopen", "save", "submit", "accept"),
        0.02,
        0.00,
    ),
}

# Party codes and how often each leads an activity or takes part in one. Japan leads or co-leads
# many activities of the ASEAN-Japan plan; Timor-Leste, a member only since October 2025, few.
LEAD_WEIGHTS = {
    "JP": 8, "ID": 4, "TH": 3, "PH": 3, "MY": 3, "SG": 3,
    "VN": 2, "KH": 1, "LA": 1, "MM": 1, "BN": 1, "TL": 0.2,
}  # fmt: skip
FORMATS = [
    "Workshop on",
    "Training course on",
    "Exchange of practice on",
    "Table-top exercise on",
    "Seminar on",
    "Study visit on",
    "Joint operation planning on",
    "Expert meeting on",
    "Mentoring programme on",
    "Handbook on",
]
TOPICS = {
    1: ["countering violent extremism online", "terrorist financing", "border screening",
        "prison rehabilitation", "protecting soft targets", "foreign terrorist fighters"],
    2: ["digital forensics", "ransomware investigation", "cryptocurrency tracing",
        "infrastructure protection", "online child exploitation", "cyber incident response"],
    3: ["synthetic drug detection", "precursor chemical control", "drug-abuse prevention",
        "port container profiling", "controlled deliveries", "darknet drug markets"],
    4: ["maritime domain awareness", "boarding and inspection", "incident reporting at sea",
        "coast guard cooperation", "evidence at sea", "ship security drills"],
    5: ["victim identification", "online recruitment by traffickers", "shelter standards",
        "labour trafficking in fisheries", "cross-border referral", "prosecuting traffickers"],
}  # fmt: skip
INDICATORS = [
    ("Officials trained", "people", 40, 200),
    ("Sessions held", "sessions", 2, 12),
    ("Agencies taking part", "agencies", 3, 20),
    ("Cases referred", "cases", 5, 80),
    ("Guides distributed", "copies", 200, 5000),
    ("Countries represented", "countries", 4, 12),
]
ACHIEVEMENTS = [
    "{n} officials from {k} agencies completed the course; the post-course test average rose "
    "from {a}% to {b}%.",
    "Two national sessions were held and a regional session was co-hosted with the ASEAN "
    "Secretariat; {n} participants attended.",
    "A practitioners' handbook was drafted, reviewed by {k} agencies and translated; {n} copies "
    "were distributed to front-line units.",
    "Joint planning meetings produced an agreed operating procedure, tested in an exercise "
    "involving {k} agencies and {n} staff.",
]
CHALLENGES = [
    "",
    "Scheduling across several agencies delayed the second session by two months.",
    "Budget approval came late in the fiscal year; travel was reduced.",
    "Staff turnover in the lead agency meant some trainees had moved on.",
]
NEXT_STEPS = [
    "Continue as planned.",
    "Hold the follow-up session and collect the evaluation forms.",
    "Extend the training to provincial offices.",
    "Publish the final version of the handbook.",
]
RETURN_COMMENTS = [
    "Please add the number of sessions held and attach the attendance list.",
    "The percent complete does not match the indicator values; please check.",
    "Please describe what was achieved in this period, not the plan.",
]
REOPEN_COMMENT = "Reopened: the figures were corrected at the consultation; please update them."
# The report's columns copied into each of its django-simple-history rows.
REPORT_HISTORY_FIELDS = [
    field.attname
    for field in ProgressReport.history.model._meta.fields
    if not field.name.startswith("history_") and field.name != "id"
]


class LoadDataRefused(Exception):
    pass


@dataclass
class LoadData:
    """What a generation wrote, table by table."""

    counts: dict = field(default_factory=dict)

    def add(self, name, number):
        self.counts[name] = self.counts.get(name, 0) + number


def activity_count(scale):
    """Activities at ``scale``: 200 per unit of scale (at least one per priority area)."""
    return max(5, round(ACTIVITIES_PER_SCALE * scale))


def check_can_generate():
    """Raise LoadDataRefused unless the database may receive generated data."""
    if ProgressReport.objects.filter(activity__is_sample=False).exists():
        raise LoadDataRefused(
            "This database holds real (non-sample) progress reports; load data is not added to it."
        )
    if ReportingCycle.objects.filter(title__endswith=CYCLE_SUFFIX).exists():
        raise LoadDataRefused(
            "This database already holds generated load data; generate into a fresh database."
        )


@transaction.atomic
def generate(*, scale, seed=0, today=None, progress=None):
    """Fill the database with load data at ``scale``; all of it or nothing.

    ``progress`` is called with the number of activities written after each round.
    """
    check_can_generate()
    load_reference()
    rng = random.Random(seed)
    today = today or timezone.localdate()
    plan = WorkPlan.objects.get(
        title=WORK_PLAN["title"],
        first_year=WORK_PLAN["first_year"],
        last_year=WORK_PLAN["last_year"],
    )
    result = LoadData()
    people = _people(result)
    cycles = _cycles(plan, today, people.reviewers[0], result)
    writer = _Writer(plan, cycles, people, rng, result)
    total = activity_count(scale)
    for start in range(0, total, CHUNK):
        count = min(CHUNK, total - start)
        writer.write(start, count)
        if progress:
            progress(count)
    # Bulk inserts send no signal: no figure cached before this generation may be read again.
    WorkPlan.objects.filter(pk=plan.pk).figures_changed()
    return result


@dataclass
class _People:
    officials: dict  # party id -> [user ids]
    reviewers: list
    parties: dict  # party code -> Party


def _people(result):
    """Officials of each reference party, secretariat reviewers and a reader; no usable password."""
    parties = {
        party.code: party for party in Party.objects.filter(code__in=LEAD_WEIGHTS).order_by("code")
    }
    unusable = make_password(None)
    rows = [
        (f"{code.lower()}.{n}", "Official", party.name, party, Role.OFFICIAL)
        for code, party in parties.items()
        for n in range(1, OFFICIALS_PER_PARTY + 1)
    ]
    rows += [
        (f"secretariat.{n}", "Reviewer", str(n), None, Role.SECRETARIAT)
        for n in range(1, REVIEWERS + 1)
    ]
    rows += [("reader", "Reader", "", None, Role.READER)]
    users = User.objects.bulk_create(
        User(
            username=USERNAME_PREFIX + name,
            first_name=first,
            last_name=last,
            email=f"{USERNAME_PREFIX}{name}@example.org",
            password=unusable,
            party=party,
            role=role,
        )
        for name, first, last, party, role in rows
    )
    result.add("users", len(users))
    officials = {}
    for user, row in zip(users, rows, strict=True):
        if row[4] == Role.OFFICIAL:
            officials.setdefault(user.party_id, []).append(user.pk)
    reviewers = [
        user.pk for user, row in zip(users, rows, strict=True) if row[4] == Role.SECRETARIAT
    ]
    return _People(officials, reviewers, parties)


def _cycles(plan, today, reviewer_id, result):
    """Five annual cycles, oldest first: four closed ones and the current, open one."""
    cycles = []
    for age in range(CYCLES - 1, -1, -1):
        year = today.year - age
        if age:
            dates = {
                "opens_on": datetime.date(year, 6, 1),
                "deadline": datetime.date(year, 7, 31),
                "closed_at": _at(datetime.date(year, 10, 31), 17),
            }
        else:
            dates = {
                "opens_on": today - datetime.timedelta(days=45),
                "deadline": today + datetime.timedelta(days=30),
            }
        cycle = ReportingCycle(
            work_plan=plan,
            title=f"{year} reporting cycle {CYCLE_SUFFIX}",
            period_start=datetime.date(year - 1, 7, 1),
            period_end=datetime.date(year, 6, 30),
            **dates,
        )
        cycle._history_user = User(pk=reviewer_id)
        cycle.save()
        cycle.consultations.set(
            Consultation.objects.filter(date__year=year, series=Consultation.Series.AMMTC_JAPAN)
        )
        cycles.append(cycle)
    result.add("cycles", len(cycles))
    return cycles


# Reports, their values, timelines and history are most of the rows. On PostgreSQL they are
# written with COPY: bulk_create's per-field Python work was about half of the generation time
# (50x took 400 s with bulk_create alone). Elsewhere (SQLite, in tests) bulk_create writes them.


def _insert(model, objects):
    """Insert new model instances and set their ids."""
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objects, batch_size=BATCH)
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [model._meta.db_table, len(objects)],
        )
        for instance, (pk,) in zip(objects, cursor.fetchall(), strict=True):
            instance.pk = pk
    names = [field.attname for field in model._meta.concrete_fields]
    _append(model, [{name: getattr(instance, name) for name in names} for instance in objects])


def _append(model, rows):
    """Write rows given as dicts with the same keys: COPY on PostgreSQL, else bulk_create."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create((model(**row) for row in rows), batch_size=BATCH)
        return
    names = list(rows[0])
    columns = ", ".join(connection.ops.quote_name(model._meta.get_field(n).column) for n in names)
    table = connection.ops.quote_name(model._meta.db_table)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row([row[name] for name in names])


def _at(day, hour=9):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


class _Writer:
    """Writes activities and their reports in rounds of bulk inserts."""

    def __init__(self, plan, cycles, people, rng, result):
        self.plan, self.cycles, self.people = plan, cycles, people
        self.rng, self.result = rng, result
        self.areas = list(plan.priority_areas.order_by("number"))
        self.now = timezone.now()
        self.party_codes = list(people.parties)
        self.weights = [LEAD_WEIGHTS[code] for code in self.party_codes]
        self.path_names = list(PATHS)
        # Cumulative weights of the paths, for a closed cycle and for the open one.
        self.path_weights = {
            is_open: list(itertools.accumulate(PATHS[name][2 if is_open else 1] for name in PATHS))
            for is_open in (False, True)
        }
        self.opened_at = {cycle.pk: _at(cycle.opens_on) for cycle in cycles}

    def write(self, start, count):
        activities = self._activities(start, count)
        self._reports(activities)

    # Activities, their parties and indicators.

    def _activities(self, start, count):
        rng, activities, roles = self.rng, [], []
        for index in range(start, start + count):
            area = self.areas[index % len(self.areas)]
            number = index // len(self.areas)
            topic = rng.choice(TOPICS[area.number])
            first_year = rng.randint(2023, 2026)
            activity = Activity(
                work_plan=self.plan,
                priority_area=area,
                code=f"{area.number}.{number // 20 + 1}.{number % 20 + 1}",
                title=f"{rng.choice(FORMATS)} {topic}",
                description=(
                    f"Sample activity generated for load tests, under {area.title.lower()}: "
                    f"{topic}, for the officials of the agencies concerned."
                ),
                planned_start=datetime.date(first_year, rng.choice((1, 4, 7, 10)), 1),
                planned_end=datetime.date(rng.randint(first_year, 2027), 12, 31),
                expected_outcome=f"Officials better equipped for {topic}.",
                is_sample=True,
            )
            activities.append(activity)
            roles.append(self._roles())
        Activity.objects.bulk_create(activities, batch_size=BATCH)
        Activity.history.bulk_history_create(
            activities, default_date=self.now, default_change_reason=CHANGE_REASON
        )
        self._parties(activities, roles)
        self._indicators(activities)
        self.result.add("activities", len(activities))
        return activities

    def _roles(self):
        """Lead parties (one, sometimes two) and two to six participating parties."""
        rng, codes = self.rng, []
        leads = 1 + (rng.random() < 0.2)
        wanted = leads + rng.randint(2, 6)
        while len(codes) < wanted:
            code = rng.choices(self.party_codes, self.weights)[0]
            if code not in codes:
                codes.append(code)
        return codes[:leads], codes[leads:]

    def _parties(self, activities, roles):
        parties = self.people.parties
        leads = Activity.lead_parties.through
        takes_part = Activity.participating_parties.through
        lead_rows, part_rows = [], []
        for activity, (lead_codes, part_codes) in zip(activities, roles, strict=True):
            activity.expected = [parties[c] for c in lead_codes + part_codes]
            lead_rows += [leads(activity_id=activity.pk, party=parties[c]) for c in lead_codes]
            part_rows += [takes_part(activity_id=activity.pk, party=parties[c]) for c in part_codes]
        leads.objects.bulk_create(lead_rows, batch_size=BATCH)
        takes_part.objects.bulk_create(part_rows, batch_size=BATCH)

    def _indicators(self, activities):
        rows = []
        for activity in activities:
            activity.indicator_list = []
            for name, unit, low, high in self.rng.sample(INDICATORS, self.rng.randint(1, 3)):
                indicator = Indicator(
                    activity=activity,
                    name=name,
                    unit=unit,
                    baseline=Decimal(0),
                    target=Decimal(self.rng.randint(low, high)),
                )
                activity.indicator_list.append(indicator)
                rows.append(indicator)
        Indicator.objects.bulk_create(rows, batch_size=BATCH)
        Indicator.history.bulk_history_create(
            rows, default_date=self.now, default_change_reason=CHANGE_REASON
        )
        self.result.add("indicators", len(rows))

    # Reports, their values, timelines and history.

    def _reports(self, activities):
        stories = [
            _Story(self, activity, party, cycle_index, cycle)
            for activity in activities
            for party in activity.expected
            for cycle_index, cycle in enumerate(self.cycles)
        ]
        _insert(ProgressReport, [s.report for s in stories])
        values = [v for s in stories for v in s.values]
        for value in values:
            value.report_id = value.report.pk
        _insert(IndicatorValue, values)
        transitions = [{**t, "report_id": s.report.pk} for s in stories for t in s.transitions]
        _append(ReportTransition, transitions)
        report_rows = [{**row, "id": s.report.pk} for s in stories for row in s.history]
        _append(ProgressReport.history.model, report_rows)
        value_rows = [
            {
                "id": value.pk,
                "report_id": value.report_id,
                "indicator_id": value.indicator_id,
                "value": value.value,
                "note": value.note,
                "history_date": value.saved_at,
                "history_type": "+",
                "history_user_id": value.saved_by,
            }
            for value in values
        ]
        _append(IndicatorValue.history.model, value_rows)
        for name, number in (
            ("reports", len(stories)),
            ("indicator values", len(values)),
            ("transitions", len(transitions)),
            ("report history", len(report_rows)),
            ("indicator value history", len(value_rows)),
        ):
            self.result.add(name, number)

    def pick_path(self, is_open):
        return self.rng.choices(self.path_names, cum_weights=self.path_weights[is_open])[0]


class _Story:
    """One report's life, step by step, with the rows the workflow writes at each step."""

    def __init__(self, writer, activity, party, cycle_index, cycle):
        self.writer, self.rng, self.cycle = writer, writer.rng, cycle
        self.activity, self.cycle_index = activity, cycle_index
        self.official = self.rng.choice(writer.people.officials[party.pk])
        self.reviewer = self.rng.choice(writer.people.reviewers)
        self.values, self.transitions, self.history = [], [], []
        steps = PATHS[writer.pick_path(is_open=not cycle.is_closed)][0]
        times = self._times(len(steps) + 1)
        self.report = ProgressReport(
            cycle=cycle,
            activity=activity,
            party=party,
            created_by_id=self.official,
            created_at=times[0],
            updated_at=times[0],
        )
        self._record("+", times[0], self.official)
        self._step("create", times[0], self.official, Status.DRAFT, "")
        for step, at in zip(steps, times[1:], strict=True):
            if step == "save":
                self._save(at)
            else:
                self._transition(step, at)

    def _times(self, count):
        """When each step happened: in order, inside the cycle's window, none in the future.

        The delays add up past the deadline now and then, which makes a late submission.
        """
        cycle, rng = self.cycle, self.rng
        start = self.writer.opened_at[cycle.pk] + datetime.timedelta(hours=rng.uniform(0, 40 * 24))
        end = cycle.closed_at or self.writer.now
        start = min(start, end - datetime.timedelta(days=10))
        offsets, total = [0.0], 0.0
        for _ in range(count - 1):
            total += rng.uniform(1, 16 * 24)
            offsets.append(total)
        room = (end - start).total_seconds() / 3600 - 1
        squeeze = min(1.0, room / total) if total else 1.0
        return [start + datetime.timedelta(hours=offset * squeeze) for offset in offsets]

    def _record(self, kind, at, user):
        """A django-simple-history row: the report as it is after this step."""
        row = {name: getattr(self.report, name) for name in REPORT_HISTORY_FIELDS}
        row.update(history_date=at, history_type=kind, history_user_id=user)
        self.history.append(row)

    def _step(self, action, at, actor, to_status, comment, from_status=""):
        """A row of the report's timeline (``ReportTransition``)."""
        self.transitions.append(
            {
                "from_status": from_status,
                "to_status": to_status,
                "action": action,
                "actor_id": actor,
                "at": at,
                "comment": comment,
            }
        )

    def _save(self, at):
        """An official's save (``save_report``): content, indicator values the first time."""
        report, rng = self.report, self.rng
        if not report.achievements:
            self._first_content(at)
        else:
            report.achievements += " Figures added as the secretariat asked."
            if report.implementation_status in MOVING:
                report.percent_complete = min(99, report.percent_complete + rng.randint(0, 10))
        self._bump(at, self.official)

    def _first_content(self, at):
        report, rng = self.report, self.rng
        percent = min(100, max(0, 20 * self.cycle_index + rng.randint(-15, 25)))
        if percent == 100:
            status = Implementation.COMPLETED
        elif percent == 0:
            status = rng.choice([Implementation.NOT_STARTED, Implementation.SUSPENDED])
        else:
            status = rng.choices(
                [Implementation.IN_PROGRESS, Implementation.DELAYED, Implementation.CANCELLED],
                [0.85, 0.13, 0.02],
            )[0]
        # A percent that agrees with the status (ProgressReport.check_complete).
        if status == Implementation.CANCELLED:
            percent = None
        report.implementation_status, report.percent_complete = status, percent
        report.achievements = rng.choice(ACHIEVEMENTS).format(
            n=rng.randint(12, 240),
            k=rng.randint(2, 9),
            a=rng.randint(40, 60),
            b=rng.randint(61, 90),
        )
        report.challenges = rng.choice(CHALLENGES)
        report.next_steps = rng.choice(NEXT_STEPS)
        for indicator in self.activity.indicator_list:
            value = IndicatorValue(report=report, indicator_id=indicator.pk)
            if rng.random() < 0.05:
                value.note = "Not measured in this period."
            else:
                share = percent or 0
                value.value = (indicator.target * share / 100).quantize(Decimal("0.01"))
            value.saved_at, value.saved_by = at, self.official
            self.values.append(value)

    def _transition(self, action, at):
        """One step of ``ProgressReport.transition``: the same fields, the same timeline row."""
        report = self.report
        from_status = report.status
        report.status = ProgressReport.TRANSITIONS[action][1]
        if action == Action.SUBMIT:
            actor = self.official
            report.submitted_by_id, report.submitted_at = actor, at
            report.is_late = timezone.localdate(at) > self.cycle.deadline
            comment = ""
        else:
            actor = self.reviewer
            report.reviewed_by_id, report.reviewed_at = actor, at
            comment = {
                Action.ACCEPT: "",
                Action.RETURN: self.rng.choice(RETURN_COMMENTS),
                Action.REOPEN: REOPEN_COMMENT,
            }[action]
        self._step(action, at, actor, report.status, comment, from_status)
        self._bump(at, actor)

    def _bump(self, at, user):
        self.report.version += 1
        self.report.updated_at = at
        self._record("~", at, user)
