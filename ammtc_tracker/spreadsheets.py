"""Cells for files opened in a spreadsheet (CSV, XLSX): every export writes its cells through
``spreadsheet_cell``."""

import re

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
