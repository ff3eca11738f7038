"""The list of progress reports as a spreadsheet: CSV (streamed) and XLSX (typed cells).

Long format: one row per indicator value, the report's columns repeated on each, and one row
with empty indicator columns for a report without values. Each activity has its own
indicators, so a column pair per indicator would leave most cells empty and change the columns
with every plan or filter; long rows keep one fixed header that a pivot table or a filter
turns into any layout. The ``Report`` column groups the rows of one report.

Both functions take an iterable of ``(report, values)`` pairs: ``report`` a tuple of the
``REPORT_FIELDS`` of one report (as ``values_list`` gives them), ``values`` the tuples of the
``VALUE_FIELDS`` of its indicator values (``reports.downloads`` reads both, a chunk at a time);
they never query. Plain tuples, not model instances: building a model instance and its related
objects per row was most of a long export's time. Every text cell is neutralised against formula
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
from reports.models import ProgressReport

# What a row is made of, as ``values_list`` names the fields of a report and of an indicator
# value (the latter without its ``report_id``, which ``reports.downloads`` groups by).
REPORT_FIELDS = (
    "id",
    "cycle__title",
    "activity__code",
    "activity__title",
    "activity__priority_area__number",
    "activity__priority_area__title",
    "party__name",
    "status",
    "implementation_status",
    "percent_complete",
    "is_late",
    "submitted_at",
    "reviewed_at",
    "updated_at",
    "achievements",
    "challenges",
    "next_steps",
)
VALUE_FIELDS = ("indicator__name", "indicator__unit", "value", "note")
NO_VALUE = (None, None, None, None)

# Reports per chunk of the streamed CSV: big enough that the response is not thousands of tiny
# writes, small enough that memory stays flat.
CSV_REPORTS_PER_CHUNK = 200


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


def rows(records):
    """Lists of typed values (str, int, Decimal, bool, datetime, None), one per indicator value."""
    for common, values in _typed(records):
        for value in values or (NO_VALUE,):
            yield [*common, *value]


def _typed(records):
    """Each report's own cells as typed values (computed once per report, whatever the number
    of its indicator values), with its indicator values."""
    statuses = {value: str(label) for value, label in ProgressReport.Status.choices}
    implementations = {value: str(label) for value, label in ProgressReport.Implementation.choices}
    zone = timezone.get_current_timezone()

    def local(moment):
        return moment.astimezone(zone).replace(tzinfo=None) if moment else None

    for report, values in records:
        pk, cycle, code, title, area_number, area_title, party, status, *rest = report
        implementation, percent, is_late, submitted, reviewed, updated, *texts = rest
        common = [
            pk,
            cycle,
            code,
            title,
            f"{area_number}. {area_title}",
            party,
            statuses[status],
            implementations.get(implementation),
            percent,
            is_late,
            local(submitted),
            local(reviewed),
            local(updated),
            *texts,
        ]
        yield common, values


def _local(moment):
    """The time in the site's zone, without the zone: spreadsheets have no zoned times."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def csv_chunks(records):
    """The CSV as a stream of bytes: UTF-8 with a byte-order mark (spreadsheets then read the
    accents right), a header row, then the rows, a chunk at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header())
    yield ("\ufeff" + _drain(buffer)).encode("utf-8")
    empty = ["", "", "", ""]
    for number, (common, values) in enumerate(_typed(records), start=1):
        common = [csv_cell(value) for value in common]
        if not values:
            writer.writerow(common + empty)
        for value in values:
            writer.writerow(common + [csv_cell(cell) for cell in value])
        if number % CSV_REPORTS_PER_CHUNK == 0:
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


def xlsx_bytes(records):
    """The XLSX file: one sheet, bold frozen header; numbers, booleans and times typed.

    openpyxl's write-only mode keeps a row at a time in memory, not the whole sheet.
    """
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Reports"))
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([_bold(sheet, title, bold) for title in header()])
    for row in rows(records):
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
