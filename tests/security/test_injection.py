"""Injection: a report's text is shown as text in every page and the admin, and opens as text,
never as a formula, in a spreadsheet (CSV and XLSX)."""

import csv
import io

import openpyxl
import pytest

from ammtc_tracker.spreadsheets import spreadsheet_cell
from reports.services import save_report

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'
FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def write(report, **content):
    return save_report(
        report=report, user=report.created_by, content=content, expected_version=report.version
    )


def test_script_in_a_report_is_shown_as_text_in_pages_and_the_admin(client, secretariat, world):
    report = write(world["reports"]["id_draft"], achievements=SCRIPT, challenges=SCRIPT)
    client.force_login(secretariat)
    for url in (
        f"/reports/{report.pk}/",
        f"/admin/reports/progressreport/{report.pk}/change/",
        f"/admin/reports/progressreport/{report.pk}/history/",
        "/admin/reports/progressreport/?q=%3Cscript%3E",
    ):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html, url
    assert (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
        in client.get(f"/reports/{report.pk}/").content.decode()
    )


@pytest.mark.parametrize("text", FORMULAS)
def test_csv_cells_that_would_run_as_formulas_are_neutralised(api_as, secretariat, world, text):
    report = write(world["reports"]["id_draft"], achievements=text, percent_complete=40)
    response = api_as(secretariat).get("/api/v1/reports/", {"format": "csv"})
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = {row["Report"]: row for row in csv.DictReader(io.StringIO(content))}
    row = rows[str(report.pk)]
    assert row["Achievements"] == "'" + text
    assert row["Percent complete"] == "40"


def test_numbers_stay_numbers_and_plain_text_is_unchanged():
    assert [spreadsheet_cell(v) for v in (-5, 3.5, "-5.00", "+12", "-.5", "1e-3")] == [
        -5,
        3.5,
        "-5.00",
        "+12",
        "-.5",
        "1e-3",
    ]
    assert spreadsheet_cell("Two workshops held.") == "Two workshops held."
    assert spreadsheet_cell(None) is None


def test_neutralised_cells_are_text_in_an_xlsx_file():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([spreadsheet_cell(text) for text in FORMULAS] + [spreadsheet_cell(-5)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active
    cells = [sheet.cell(row=1, column=n) for n in range(1, len(FORMULAS) + 2)]
    assert [cell.data_type for cell in cells] == ["s"] * len(FORMULAS) + ["n"]
    assert cells[0].value == "'" + FORMULAS[0]
