"""The DOCX and XLSX documents open in an office suite, not only in the libraries that wrote
them: LibreOffice converts each to text and the document's words are there.

The long tables of both are written as XML text (issue 14); python-docx and openpyxl read them
back in the other tests, and this checks that a program which did not write them reads them too.
"""

import csv
import io
import shutil
import subprocess

import pytest

from reports.exports import render
from tests.reports.conftest import FORMULA

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not shutil.which("soffice"), reason="needs LibreOffice (soffice)"),
]


def convert(tmp_path, name, content, target):
    """``content`` saved in ``tmp_path`` as ``name`` and converted there by LibreOffice."""
    (tmp_path / name).write_bytes(content)
    subprocess.run(
        ["soffice", "--headless", "--norestore", "--convert-to", target, name],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        timeout=180,
        # A profile of its own: a LibreOffice already running for the user would take the job.
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )


def test_libreoffice_reads_every_activity_of_the_somtc_docx(document_of, tmp_path):
    document = document_of("technical")
    convert(tmp_path, "report.docx", render(document, "docx"), "txt:Text (encoded):UTF8")
    text = (tmp_path / "report.txt").read_text(encoding="utf-8-sig")
    assert "Progress report on the implementation of the work plan" in text
    for row in document.activities:
        assert row.title in text
    assert "Trained 25 investigators. <script>alert('x')</script>" in text


def test_libreoffice_reads_every_activity_row_of_the_somtc_xlsx(document_of, tmp_path):
    document = document_of("technical")
    # Every sheet to a CSV file of its own ("report-<sheet>.csv"): the last option, -1.
    every_sheet = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
    convert(tmp_path, "report.xlsx", render(document, "xlsx"), every_sheet)
    sheets = {
        path.stem.removeprefix("report-"): list(csv.reader(io.StringIO(path.read_text("utf-8"))))
        for path in tmp_path.glob("report-*.csv")
    }
    assert "Summary" in sheets and "Compliance" in sheets
    rows = [row for name, rows in sheets.items() if name[0].isdigit() for row in rows[1:]]
    for activity in document.activities:
        assert any(row[1:3] == [activity.code, activity.title] for row in rows), activity.code
    # A text that would be a formula is kept as text (the leading apostrophe is not shown).
    assert any(FORMULA in cell for row in rows for cell in row)
