"""The compliance screen as an XLSX workbook: the matrix of expected reports (activity by party)
and its totals per party and per priority area. Takes figures, returns bytes; never queries.

Text cells pass through ``spreadsheet_cell`` (formula injection); counts are numbers and rates
are fractions shown as percentages, so a spreadsheet can compute with both.
"""

import io

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from ammtc_tracker.spreadsheets import spreadsheet_cell
from reports.figures import STATES
from reports.models import ProgressReport


def state_label(state, is_late=False):
    label = _("missing") if state == "missing" else str(ProgressReport.Status(state).label)
    return _("%(state)s, late") % {"state": label} if is_late else label


def compliance_workbook(cycle, matrix, totals):
    """``matrix`` (every row of ``figures.compliance_matrix``) and ``totals``
    (``figures.compliance_totals``) of ``cycle`` as an XLSX file."""
    workbook = Workbook(write_only=True)
    workbook.properties.title = _("Compliance: %(cycle)s") % {"cycle": cycle.title}
    _matrix_sheet(workbook, matrix)
    parties = [(row.label, row) for row in totals.by_party]
    areas = [(f"{row.key}. {row.label}", row) for row in totals.by_area]
    overall = (_("All"), totals.overall)
    _totals_sheet(workbook, _("By party"), _("Party"), [*parties, overall])
    _totals_sheet(workbook, _("By priority area"), _("Priority area"), [*areas, overall])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _matrix_sheet(workbook, matrix):
    sheet = workbook.create_sheet(_("Matrix"))
    header = [_("Code"), _("Activity"), _("Priority area")] + [p.name for p in matrix.parties]
    _prepare(sheet, [10, 50, 30] + [14] * len(matrix.parties), freeze="D2")
    sheet.append([spreadsheet_cell(text) for text in header])
    for row in matrix.rows:
        cells = [row.cells.get(party.id) for party in matrix.parties]
        sheet.append(
            [
                spreadsheet_cell(row.code),
                spreadsheet_cell(row.title),
                spreadsheet_cell(f"{row.area_number}. {row.area_title}"),
                *[state_label(cell.state, cell.is_late) if cell else None for cell in cells],
            ]
        )
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(matrix.rows) + 1}"


def _totals_sheet(workbook, title, key_label, rows):
    sheet = workbook.create_sheet(title)
    header = [
        key_label,
        _("Expected"),
        *(capfirst(state_label(state)) for state in STATES),
        _("Received late"),
        _("Reporting rate"),
        _("On-time rate"),
    ]
    _prepare(sheet, [34] + [12] * (len(header) - 1), freeze="B2")
    sheet.append(header)
    for label, row in rows:
        sheet.append(
            [
                spreadsheet_cell(label),
                row.expected,
                *(row.by_state[state] for state in STATES),
                row.late,
                _percent(sheet, row.reporting_rate),
                _percent(sheet, row.on_time_rate),
            ]
        )


def _percent(sheet, percent):
    """A rate as a fraction shown as a percentage (66.7 -> 0.667, shown 66.7%)."""
    cell = WriteOnlyCell(sheet, value=None if percent is None else round(percent / 100, 3))
    cell.number_format = "0.0%"
    return cell


def _prepare(sheet, widths, freeze):
    sheet.freeze_panes = freeze
    for number, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width
