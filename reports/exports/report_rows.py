"""The list of progress reports as a spreadsheet: CSV (streamed) and XLSX (typed cells).

Long format: one row per indicator value, the report's columns repeated on each, and one row
with empty indicator columns for a report without values. Each activity has its own
indicators, so a column pair per indicator would leave most cells empty and change the columns
with every plan or filter; long rows keep one fixed header that a pivot table or a filter
turns into any layout. The ``Report`` column groups the rows of one report.

Both functions take an iterable of reports with ``cycle``, ``activity__priority_area`` and
``party`` loaded and ``indicator_values`` prefetched with their ``indicator`` (see
``reports.downloads``); they never query. Every text cell is neutralised against formula
injection.
"""

import csv
import io
from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from ammtc_tracker.spreadsheets import spreadsheet_cell
from reports.exports.text import xml_safe

# Rows per chunk of the streamed CSV: big enough that the response is not thousands of tiny
# writes, small enough that memory stays flat.
CSV_ROWS_PER_CHUNK = 200


def header():
    return [
        _("Report"),
        _("Cycle"),
        _("Activity code"),
        _("Activity"),
        _("Priority area"),
        _("Party"),
        _("Workflow state"),
        _("Implementation status"),
        _("Percent complete"),
        _("Late"),
        _("Submitted at"),
        _("Reviewed at"),
        _("Last changed at"),
        _("Achievements"),
        _("Challenges"),
        _("Next steps"),
        _("Indicator"),
        _("Unit"),
        _("Value"),
        _("Note"),
    ]


def rows(reports):
    """Lists of typed values (str, int, Decimal, bool, datetime, None), one per indicator value."""
    for report in reports:
        common = _report_values(report)
        values = list(report.indicator_values.all())
        if not values:
            yield [*common, None, None, None, None]
        for item in values:
            indicator = item.indicator
            yield [*common, indicator.name, indicator.unit, item.value, item.note]


def _report_values(report):
    area = report.activity.priority_area
    return [
        report.pk,
        report.cycle.title,
        report.activity.code,
        report.activity.title,
        f"{area.number}. {area.title}",
        report.party.name,
        report.get_status_display(),
        report.get_implementation_status_display() if report.implementation_status else None,
        report.percent_complete,
        report.is_late,
        _local(report.submitted_at),
        _local(report.reviewed_at),
        _local(report.updated_at),
        report.achievements,
        report.challenges,
        report.next_steps,
    ]


def _local(moment):
    """The time in the site's zone, without the zone: spreadsheets have no zoned times."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def csv_chunks(reports):
    """The CSV as a stream of bytes: UTF-8 with a byte-order mark (spreadsheets then read the
    accents right), a header row, then the rows, a chunk at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header())
    yield ("\ufeff" + _drain(buffer)).encode("utf-8")
    for number, row in enumerate(rows(reports), start=1):
        writer.writerow([csv_cell(value) for value in row])
        if number % CSV_ROWS_PER_CHUNK == 0:
            yield _drain(buffer).encode("utf-8")
    yield _drain(buffer).encode("utf-8")


def _drain(buffer):
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def csv_cell(value):
    """A value as CSV text: empty for None, yes/no, times to the minute, decimals as written."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        moment = _local(value) if timezone.is_aware(value) else value
        return moment.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return spreadsheet_cell(value)


def xlsx_bytes(reports):
    """The XLSX file: one sheet, bold frozen header; numbers, booleans and times typed.

    openpyxl's write-only mode keeps a row at a time in memory, not the whole sheet.
    """
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Reports"))
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([_bold(sheet, title, bold) for title in header()])
    for row in rows(reports):
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _bold(sheet, title, font):
    cell = WriteOnlyCell(sheet, value=title)
    cell.font = font
    return cell


def _xlsx_cell(sheet, value):
    if isinstance(value, str):
        return spreadsheet_cell(xml_safe(value))
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd hh:mm"
        return cell
    return value
