"""The documents each consultation receives, as data: the SOMTC+Japan progress report
(technical) and the AMMTC+Japan summary (strategic) of a reporting cycle.

``build_document`` gathers everything a document shows from ``reports.figures`` (a constant
number of queries, whatever the size of the plan) into one ``ConsultationDocument``; the
modules of ``reports.exports`` turn it into bytes without a query and compute no number.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from priorities.models import Activity, Consultation
from reports import figures
from reports.models import IssuedDocument

Level = IssuedDocument.Level
Format = IssuedDocument.Format


def default_level(consultation):
    """SOMTC+Japan (senior officials) gets the technical report; AMMTC+Japan the summary."""
    if consultation is not None and consultation.series == Consultation.Series.AMMTC_JAPAN:
        return Level.STRATEGIC
    return Level.TECHNICAL


@dataclass(frozen=True)
class MeetingFacts:
    """The consultation a document is prepared for, as its title page names it."""

    name: str
    date: str
    place: str
    level: str
    is_sample: bool


@dataclass(frozen=True)
class AreaSection:
    """One priority area: its status counts, its activities (technical level) and its key
    achievements and challenges (strategic level)."""

    status: figures.AreaStatus
    activities: list[figures.ActivityRow] = field(default_factory=list)
    achievements: list[figures.KeyPoint] = field(default_factory=list)
    challenges: list[figures.KeyPoint] = field(default_factory=list)

    @property
    def heading(self):
        return f"{self.status.number}. {self.status.title}"


@dataclass(frozen=True)
class ConsultationDocument:
    """Everything one document shows, with every label it needs: exports only lay it out."""

    level: str
    title: str
    plan_title: str
    cycle_title: str
    period_start: date
    period_end: date
    previous_cycle_title: str | None
    meeting: MeetingFacts | None
    include_pending: bool
    is_sample: bool
    prepared_at: datetime
    areas: list[AreaSection]
    totals: figures.PlanTotals
    rates: list[figures.PartyRate]
    changes: list[figures.ReportChange]
    change_counts: dict[str, int]
    status_labels: dict[str, str]
    language: str

    @property
    def is_technical(self):
        return self.level == Level.TECHNICAL

    @property
    def activities(self):
        return [row for area in self.areas for row in area.activities]

    def filename(self, extension):
        kind = "progress-report" if self.is_technical else "summary"
        slug = "".join(c if c.isalnum() else "-" for c in self.cycle_title.lower()).strip("-")
        while "--" in slug:
            slug = slug.replace("--", "-")
        # The same document in another language is another file: its name says which.
        suffix = "" if self.language == settings.LANGUAGE_CODE else f"-{self.language}"
        return f"{kind}-{slug}{suffix}.{extension}"


def build_document(
    *,
    cycle,
    user,
    level,
    include_pending=False,
    consultation=None,
    achievements=None,
    challenges=None,
    now=None,
):
    """The document of ``level`` for ``cycle``, from the reports ``user`` may see.

    ``achievements`` and ``challenges`` are the report ids the secretariat chose to highlight in
    the summary; ``None`` takes the figures' default (most progress; delayed).
    """
    level = Level(level)
    options = {"include_pending": include_pending}
    previous = cycle.previous()
    status = figures.status_by_area(cycle, user, **options)
    rows = figures.activity_rows(cycle, user, **options) if level == Level.TECHNICAL else []
    points = figures.key_points(
        cycle, user, achievements=achievements, challenges=challenges, **options
    )
    changes = figures.changes_between(cycle, previous, user, **options) if previous else []
    sample_plan = Activity.objects.filter(work_plan_id=cycle.work_plan_id, is_sample=True).exists()
    return ConsultationDocument(
        level=level.value,
        title=_document_title(level),
        plan_title=str(cycle.work_plan),
        cycle_title=cycle.title,
        period_start=cycle.period_start,
        period_end=cycle.period_end,
        previous_cycle_title=previous.title if previous else None,
        meeting=_meeting(consultation),
        include_pending=include_pending,
        is_sample=sample_plan or bool(consultation and consultation.is_sample),
        prepared_at=timezone.localtime(now or timezone.now()),
        areas=[_section(area, rows, points) for area in status],
        totals=figures.plan_totals(cycle, user, **options),
        rates=figures.reporting_rate(cycle, user),
        changes=changes,
        change_counts=figures.change_counts(changes),
        status_labels={value: str(label) for value, label in figures.Implementation.choices},
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )


def _document_title(level):
    if level == Level.TECHNICAL:
        return _("Progress report on the implementation of the work plan")
    return _("Summary of the implementation of the work plan")


def _meeting(consultation):
    if consultation is None:
        return None
    return MeetingFacts(
        name=consultation.name,
        date=consultation.date_display,
        place=str(consultation.place_display or ""),
        level=str(consultation.level),
        is_sample=consultation.is_sample,
    )


def _section(area, rows, points):
    return AreaSection(
        status=area,
        activities=[row for row in rows if row.area_number == area.number],
        achievements=points.achievements_of(area.number),
        challenges=points.challenges_of(area.number),
    )
