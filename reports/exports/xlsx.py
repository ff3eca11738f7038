"""XLSX (openpyxl): a summary sheet, a sheet per priority area (technical level) or the key
points (strategic level), indicator values, a compliance sheet and what changed. Numbers are
stored as numbers and dates as dates; every sheet's header row is frozen and filtered; every
text cell is neutralised against formula injection."""

import io
from datetime import date, datetime

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from ammtc_tracker.spreadsheets import spreadsheet_cell
from reports.exports.tables import (
    activity_table,
    area_table,
    change_table,
    indicator_table,
    key_point_table,
    rate_table,
)
from reports.exports.text import counted_note, sample_warning, xml_safe

BOLD = Font(bold=True)
WIDE = 48  # columns of report text
FORMATS = {datetime: "yyyy-mm-dd hh:mm", date: "yyyy-mm-dd"}


def render(document):
    # Write-only: rows go to the file as they are appended, not kept as cell objects.
    book = Workbook(write_only=True)
    _summary(book.create_sheet(_("Summary")), document)
    if document.is_technical:
        for area in document.areas:
            header, rows = activity_table(document, [area])
            _table(book.create_sheet(_sheet_name(area)), header, rows, wide=(3, 11, 12, 13, 16))
        _table(book.create_sheet(_("Indicators")), *indicator_table(document))
    else:
        _table(book.create_sheet(_("Key points")), *key_point_table(document), wide=(4, 8))
    header, rows, total = rate_table(document)
    _table(book.create_sheet(_("Compliance")), header, rows, total=total)
    _table(book.create_sheet(_("Changes")), *change_table(document))
    book.properties.title = f"{document.title}: {document.cycle_title}"
    book.properties.created = book.properties.modified = document.prepared_at.replace(tzinfo=None)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _summary(sheet, document):
    facts = [
        (_("Document"), document.title),
        (_("Work plan"), document.plan_title),
        (_("Reporting cycle"), document.cycle_title),
        (_("Period covered: from"), document.period_start),
        (_("Period covered: to"), document.period_end),
        (_("Consultation"), document.meeting.name if document.meeting else ""),
        (_("Prepared at"), document.prepared_at.replace(tzinfo=None)),
        (_("Reports counted"), counted_note(document)),
    ]
    if document.is_sample:
        facts.insert(0, (_("SAMPLE DATA"), sample_warning()))
    # A write-only sheet takes its panes and column widths before its first row.
    first = len(facts) + 2
    sheet.freeze_panes = f"A{first + 1}"
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = WIDE
    for label, value in facts:
        sheet.append([_cell(sheet, label, bold=True), _cell(sheet, value)])
    sheet.append([])
    header, rows, total = area_table(document)
    _write(sheet, first, header, rows)
    sheet.append([])
    _put(sheet, total)


def _table(sheet, header, rows, *, total=None, wide=()):
    sheet.freeze_panes = "A2"
    for column in range(1, len(header) + 1):
        width = WIDE if column in wide else 16
        sheet.column_dimensions[get_column_letter(column)].width = width
    _write(sheet, 1, header, rows)
    if total:
        sheet.append([])
        _put(sheet, total)


def _write(sheet, first, header, rows):
    """A table with a bold, filtered header row at row ``first``, the sheet's next row."""
    _put(sheet, header, bold=True)
    row = first + 1
    for values in rows:
        _put(sheet, values)
        row += 1
    last = get_column_letter(len(header))
    sheet.auto_filter.ref = f"A{first}:{last}{max(row - 1, first + 1)}"


def _put(sheet, values, *, bold=False):
    sheet.append([_cell(sheet, value, bold=bold) for value in values])


def _cell(sheet, value, *, bold=False):
    """The value, or a styled cell holding it when it is bold or a date."""
    number_format = FORMATS.get(type(value))
    value = _value(value)
    if not (bold or number_format):
        return value
    cell = WriteOnlyCell(sheet, value)
    if number_format:
        cell.number_format = number_format
    if bold:
        cell.font = BOLD
    return cell


def _value(value):
    if isinstance(value, str):
        return spreadsheet_cell(xml_safe(value))
    return value


def _sheet_name(area):
    # Excel: at most 31 characters, none of []:*?/\
    name = f"{area.status.number} {area.status.title}"
    return "".join(c for c in name if c not in "[]:*?/\\")[:31]
