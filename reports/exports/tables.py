"""The rows of the spreadsheet formats (XLSX, CSV): one layout for both, in typed values
(numbers, dates, text) that each format writes its own way."""

from django.utils import timezone
from django.utils.translation import gettext as _

from reports.exports.text import (
    change_labels,
    indicator_heading,
    party_label,
    reading_text,
    workflow_labels,
    yes_no,
)


def activity_table(document, areas=None):
    """One row per report on each activity, and one "no report" row per expected party that
    has none (or per activity, when no party is expected)."""
    header = [
        _("Priority area"),
        _("Code"),
        _("Activity"),
        _("Sample data"),
        _("Lead parties"),
        _("Participating parties"),
        _("Party"),
        _("Report"),
        _("Implementation status"),
        _("Percent complete"),
        _("Achievements"),
        _("Challenges"),
        _("Next steps"),
        _("Submitted at"),
        _("Late"),
        _("Indicator values"),
    ]
    labels = _RowLabels()
    rows = []
    for area in areas if areas is not None else document.areas:
        for activity in area.activities:
            rows.extend(_activity_rows(activity, labels))
    return header, rows


class _RowLabels:
    """The words repeated on every row, translated once per table: a translation looked up per
    cell was a tenth of a long document's time."""

    def __init__(self):
        self.yes_no = yes_no()
        self.workflow = workflow_labels()
        self.no_report = _("no report")


def _activity_rows(activity, labels):
    plan = [
        activity.area_number,
        activity.code,
        activity.title,
        labels.yes_no[activity.is_sample],
        ", ".join(activity.leads),
        ", ".join(activity.participants),
    ]
    rows = [
        [
            *plan,
            party_label(report),
            labels.workflow[report.is_pending],
            report.implementation_label,
            report.percent_complete,
            report.achievements,
            report.challenges,
            report.next_steps,
            _local(report.submitted_at),
            labels.yes_no[report.is_late],
            "; ".join(
                f"{indicator_heading(reading)}: {reading_text(reading)}"
                for reading in report.readings
            ),
        ]
        for report in activity.reports
    ]
    missing = activity.not_reported_by or ([] if activity.reports else [""])
    rows += [[*plan, party, labels.no_report, *[None] * 8] for party in missing]
    return rows


def _local(moment):
    # Spreadsheets have no time zones: the time as read where the secretariat works.
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def area_table(document):
    """Per priority area: activities, reports, average progress and counts by status."""
    statuses = list(document.status_labels)
    header = [
        _("Priority area"),
        _("Title"),
        _("Activities"),
        _("Activities without a report"),
        _("Reports"),
        _("Average percent complete"),
        *[document.status_labels[status] for status in statuses],
    ]
    rows = [
        [
            area.status.number,
            area.status.title,
            area.status.activities,
            area.status.activities_without_report,
            area.status.reports,
            area.status.average_percent,
            *[area.status.by_implementation[status] for status in statuses],
        ]
        for area in document.areas
    ]
    totals = document.totals
    total_row = [
        None,
        _("All priority areas"),
        totals.activities,
        totals.activities_without_report,
        totals.reports,
        totals.average_percent,
        *[totals.by_implementation[status] for status in statuses],
    ]
    return header, rows, total_row


def indicator_table(document):
    """One row per indicator value reported, with the indicator's baseline and target."""
    header = [
        _("Code"),
        _("Activity"),
        _("Indicator"),
        _("Unit"),
        _("Baseline"),
        _("Target"),
        _("Party"),
        _("Report"),
        _("Value"),
        _("Note"),
    ]
    workflow = workflow_labels()
    rows = [
        [
            activity.code,
            activity.title,
            reading.name,
            reading.unit,
            reading.baseline,
            reading.target,
            report.party_name,
            workflow[report.is_pending],
            reading.value,
            reading.note,
        ]
        for activity in document.activities
        for report in activity.reports
        for reading in report.readings
    ]
    return header, rows


def rate_table(document):
    header = [
        _("Party code"),
        _("Party"),
        _("Reports expected"),
        _("Received"),
        _("On time"),
        _("Accepted"),
        _("Reporting rate (%)"),
        _("On-time rate (%)"),
    ]
    rows = [
        [
            rate.code,
            rate.name,
            rate.expected,
            rate.received,
            rate.on_time,
            rate.accepted,
            rate.reporting_rate,
            rate.on_time_rate,
        ]
        for rate in document.rates
    ]
    totals = document.totals
    total_row = [
        None,
        _("All parties"),
        totals.expected,
        totals.received,
        totals.on_time,
        None,
        totals.reporting_rate,
        totals.on_time_rate,
    ]
    return header, rows, total_row


def change_table(document):
    labels = document.status_labels
    kinds = change_labels()
    header = [
        _("Priority area"),
        _("Code"),
        _("Activity"),
        _("Party"),
        _("Change"),
        _("Status before"),
        _("Status now"),
        _("Percent before"),
        _("Percent now"),
        _("Change in percent"),
    ]
    rows = [
        [
            change.area_number,
            change.activity_code,
            change.activity_title,
            party_label(change),
            kinds[change.kind],
            labels.get(change.status_before, ""),
            labels.get(change.status_now, ""),
            change.percent_before,
            change.percent_now,
            change.percent_change,
        ]
        for change in document.changes
    ]
    return header, rows


def key_point_table(document):
    header = [
        _("Priority area"),
        _("Kind"),
        _("Code"),
        _("Activity"),
        _("Party"),
        _("Implementation status"),
        _("Percent complete"),
        _("Text"),
    ]
    rows = []
    for area in document.areas:
        for kind, points, text in (
            (_("key achievement"), area.achievements, "achievements"),
            (_("key challenge"), area.challenges, "challenges"),
        ):
            rows += [
                [
                    area.status.number,
                    kind,
                    point.activity_code,
                    point.activity_title,
                    party_label(point),
                    point.implementation_label,
                    point.percent_complete,
                    getattr(point, text),
                ]
                for point in points
            ]
    return header, rows
