"""XLSX (openpyxl): a summary sheet, a sheet per priority area (technical level) or the key
points (strategic level), indicator values, a compliance sheet and what changed. Numbers are
stored as numbers and dates as dates; every sheet's header row is frozen and filtered; every
text cell is neutralised against formula injection.

openpyxl writes the workbook; the rows of the long tables (a sheet per area, the indicators,
the changes) are written as SpreadsheetML text in the same form openpyxl gives them, into the
saved file where a marker row stands: openpyxl's per-cell objects took two thirds of the time of
a cycle's workbook at 10x (issue 14)."""

import io
import re
from datetime import date, datetime
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

from ammtc_tracker.spreadsheets import spreadsheet_cell
from reports.exports.ooxml import rewritten
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
    bulk = _Bulk()
    _summary(book.create_sheet(_("Summary")), document)
    if document.is_technical:
        for area in document.areas:
            header, rows = activity_table(document, [area])
            sheet = book.create_sheet(_sheet_name(area))
            _table(sheet, header, rows, wide=(3, 11, 12, 13, 16), bulk=bulk)
        _table(book.create_sheet(_("Indicators")), *indicator_table(document), bulk=bulk)
    else:
        _table(book.create_sheet(_("Key points")), *key_point_table(document), wide=(4, 8))
    header, rows, total = rate_table(document)
    _table(book.create_sheet(_("Compliance")), header, rows, total=total)
    _table(book.create_sheet(_("Changes")), *change_table(document), bulk=bulk)
    book.properties.title = f"{document.title}: {document.cycle_title}"
    book.properties.created = book.properties.modified = document.prepared_at.replace(tzinfo=None)
    buffer = io.BytesIO()
    book.save(buffer)
    return bulk.spliced(buffer.getvalue())


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


def _table(sheet, header, rows, *, total=None, wide=(), bulk=None):
    """A sheet holding one table; with ``bulk``, its rows are written as text (a table that
    is the last thing on its sheet, so that no row after it needs renumbering)."""
    sheet.freeze_panes = "A2"
    for column in range(1, len(header) + 1):
        width = WIDE if column in wide else 16
        sheet.column_dimensions[get_column_letter(column)].width = width
    if bulk and not total:
        _put(sheet, header, bold=True)
        bulk.add(sheet, rows)
        last = get_column_letter(len(header))
        sheet.auto_filter.ref = f"A1:{last}{max(len(rows) + 1, 2)}"
        return
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


class _Bulk:
    """Rows written into the saved file as text where a marker row stands. The marker row also
    holds a date-and-time and a date cell, so that openpyxl defines their styles; the rows take
    the style numbers openpyxl gave them."""

    def __init__(self):
        self.rows = {}

    def add(self, sheet, rows):
        marker = f"ammtc-bulk-{len(self.rows)}"
        moment = datetime(2000, 1, 1)
        sheet.append([marker, _cell(sheet, moment), _cell(sheet, moment.date())])
        self.rows[marker] = rows

    def spliced(self, content):
        if not self.rows:
            return content
        return rewritten(content, _has_marker_row, self._write)

    def _write(self, stream, xml):
        end = 0
        for found in _MARKER_ROW.finditer(xml):
            stream.write(xml[end : found.start()])
            row = found.group(0)
            styles = {
                datetime: _style_of(row, "B"),
                date: _style_of(row, "C"),
            }
            rows = self.rows[found.group("marker").decode()]
            first = int(found.group("row"))
            for start in range(0, len(rows), 1000):
                chunk = rows[start : start + 1000]
                text = "".join(
                    _row_xml(first + start + number, values, styles)
                    for number, values in enumerate(chunk)
                )
                stream.write(text.encode())
            end = found.end()
        stream.write(xml[end:])


def _has_marker_row(name, xml):
    return name.startswith("xl/worksheets/") and b">ammtc-bulk-" in xml


_MARKER_ROW = re.compile(
    rb'<row r="(?P<row>\d+)"[^>]*>(?:(?!</row>).)*?<t>(?P<marker>ammtc-bulk-\d+)</t>.*?</row>',
    re.DOTALL,
)
_COLUMNS = [get_column_letter(number) for number in range(1, 101)]


def _style_of(row, column):
    return re.search(rb'<c r="' + column.encode() + rb'\d+" s="(\d+)"', row).group(1).decode()


def _row_xml(number, values, styles):
    """One row as openpyxl's write-only sheets write it: text inline, numbers and dates as
    numbers (dates in their style), booleans as such; None writes no cell."""
    cells = []
    for column, value in zip(_COLUMNS, values, strict=False):
        ref = f"{column}{number}"
        if value is None:
            continue
        if value == "":
            cells.append(f'<c r="{ref}" t="inlineStr"/>')
            continue
        if isinstance(value, str):
            value = _value(value)
            space = ' xml:space="preserve"' if value != value.strip() else ""
            text = escape(value, _ENTITIES)
            cells.append(f'<c r="{ref}" t="inlineStr"><is><t{space}>{text}</t></is></c>')
        elif isinstance(value, bool):
            cells.append(f'<c r="{ref}" t="b"><v>{int(value)}</v></c>')
        elif isinstance(value, (int, float, Decimal)):
            cells.append(f'<c r="{ref}" t="n"><v>{value:.16g}</v></c>')
        else:
            style = styles[datetime if isinstance(value, datetime) else date]
            cells.append(f'<c r="{ref}" s="{style}" t="n"><v>{to_excel(value):.16g}</v></c>')
    return f'<row r="{number}">{"".join(cells)}</row>'


# A carriage return in text would be read back as a line feed unless written as a reference.
_ENTITIES = {"\r": "&#13;"}


def _sheet_name(area):
    # Excel: at most 31 characters, none of []:*?/\
    name = f"{area.status.number} {area.status.title}"
    return "".join(c for c in name if c not in "[]:*?/\\")[:31]
