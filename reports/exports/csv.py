"""CSV: the technical report's activity rows (one per report, and one per missing report), or
the summary's rows per priority area. UTF-8 with a byte-order mark, so spreadsheets read the
accents right; every text cell is neutralised against formula injection."""

import csv
import io

from ammtc_tracker.spreadsheets import spreadsheet_cell
from reports.exports.tables import activity_table, area_table


def render(document):
    if document.is_technical:
        header, rows = activity_table(document)
    else:
        header, rows, total = area_table(document)
        rows = [*rows, total]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([_cell(value) for value in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _cell(value):
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ", timespec="minutes")
    return spreadsheet_cell(value)
