"""Cells for files opened in a spreadsheet (CSV, XLSX): every export writes its cells through
``spreadsheet_cell``."""

import io
import re
import zipfile

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from openpyxl import load_workbook

# A cell starting with one of these is read as a formula (or a DDE call) by Excel, LibreOffice
# and Google Sheets: "=HYPERLINK(...)" in a report's text would run when the file is opened.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def spreadsheet_cell(value):
    """``value``, with text that a spreadsheet would run as a formula prefixed by ``'``.

    OWASP's advice for CSV injection. Numbers stay numbers: ``-5`` and ``"-5.00"`` (a decimal
    as the API writes it) are left alone.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(value):
        return "'" + value
    return value


def text_from_cell(value):
    """The text a user meant by a cell read back from a spreadsheet: ``spreadsheet_cell`` undone
    (a ``'`` it put before a formula start), surrounding spaces and Windows line ends dropped.

    A formula typed into a cell is read as its text (``=1+1``), never evaluated.
    """
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").strip()
    if text.startswith("'") and text[1:2] and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


class SpreadsheetRefused(ValueError):
    """An uploaded file that is not a spreadsheet this app reads, or too big to read safely."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# Bounds checked before openpyxl reads anything: an XLSX is a zip of XML files, and a small
# upload can declare gigabytes of XML (a zip bomb). zipfile never reads past a member's
# declared size, so checking the declared sizes bounds what is decompressed.
XLSX_MAX_MEMBERS = 200
XLSX_MAX_UNCOMPRESSED = 40 * 1024 * 1024


def read_upload(upload, *, max_bytes):
    """An uploaded file's bytes, refused unread when it is larger than ``max_bytes``."""
    if upload.size > max_bytes:
        raise SpreadsheetRefused(_too_large(upload.size, max_bytes))
    return upload.read()


def _too_large(size, limit):
    return _("The file is %(size)s; at most %(limit)s can be uploaded.") % {
        "size": filesizeformat(size),
        "limit": filesizeformat(limit),
    }


def open_xlsx(content, *, max_bytes):
    """``content`` (bytes) opened read-only with openpyxl, or SpreadsheetRefused saying why.

    openpyxl parses its XML with defusedxml (a dependency), so entity expansion is refused too.
    """
    if len(content) > max_bytes:
        raise SpreadsheetRefused(_too_large(len(content), max_bytes))
    not_xlsx = _("This file is not an Excel workbook (.xlsx). Save it as .xlsx and try again.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise SpreadsheetRefused(not_xlsx) from None
    if "xl/workbook.xml" not in {member.filename for member in members}:
        raise SpreadsheetRefused(not_xlsx)
    declared = sum(member.file_size for member in members)
    if len(members) > XLSX_MAX_MEMBERS or declared > XLSX_MAX_UNCOMPRESSED:
        raise SpreadsheetRefused(
            _("This workbook holds too much to read (%(size)s unpacked).")
            % {"size": filesizeformat(declared)}
        )
    try:
        return load_workbook(io.BytesIO(content), read_only=True, data_only=False, keep_links=False)
    except Exception:
        # openpyxl raises a wide range of errors (KeyError, ValueError, zip and XML errors,
        # defusedxml's refusals) for a damaged or hostile file: each means "cannot be read".
        raise SpreadsheetRefused(_damaged()) from None


def sheet_rows(sheet, **bounds):
    """``sheet.iter_rows(values_only=True, **bounds)`` of a read-only sheet, which parses its XML
    only while the rows are read: a damaged or hostile sheet is refused here, not with a 500."""
    rows = sheet.iter_rows(values_only=True, **bounds)
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except Exception:
            raise SpreadsheetRefused(_damaged()) from None
        yield row


def _damaged():
    return _("This workbook could not be read; it may be damaged. Save it again as .xlsx.")
