"""CSV of the API's summaries: the status per priority area and the compliance matrix. They
take the figures of ``reports.figures`` and return bytes (UTF-8 with a byte-order mark)."""

import csv
import io

from django.utils.translation import gettext as _

from reports.exports.report_rows import csv_cell
from reports.models import ProgressReport

Implementation = ProgressReport.Implementation


def status_csv(cycle, areas, party=None):
    """One row per priority area of ``status_by_area``."""
    header = [
        _("Cycle"),
        _("Party"),
        _("Priority area"),
        _("Title"),
        _("Reports"),
        _("Average percent complete"),
        *Implementation.labels,
        _("Activities"),
        _("Activities reported"),
    ]
    rows = [
        [
            cycle.title,
            party.name if party else _("all"),
            area.number,
            area.title,
            area.reports,
            area.average_percent,
            *(area.by_implementation[value] for value in Implementation.values),
            area.activities,
            area.activities_reported,
        ]
        for area in areas
    ]
    return _csv(header, rows)


def compliance_csv(cycle, matrix):
    """One row per party expected to report on an activity, with its report's state."""
    states = dict(ProgressReport.Status.choices)
    header = [
        _("Cycle"),
        _("Activity code"),
        _("Party"),
        _("Role"),
        _("Report"),
        _("State"),
        _("Late"),
        _("Submitted at"),
    ]
    rows = [
        [
            cycle.title,
            row.activity_code,
            row.party_code,
            _("lead") if row.role == "lead" else _("participant"),
            row.report_id,
            states.get(row.status, _("missing")),
            row.is_late,
            row.submitted_at,
        ]
        for row in matrix.rows
    ]
    return _csv(header, rows)


def _csv(header, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([csv_cell(value) for value in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
