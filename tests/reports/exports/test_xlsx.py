"""The Excel workbooks, read back with openpyxl."""

import datetime
import io

from openpyxl import load_workbook

from reports.exports import render
from reports.figures import reporting_rate, status_by_area
from reports.models import ProgressReport
from tests.reports.conftest import FORMULA


def read(document):
    return load_workbook(io.BytesIO(render(document, "xlsx")))


def rows(sheet, first=1):
    return [list(row) for row in sheet.iter_rows(min_row=first, values_only=True)]


def test_the_somtc_workbook_has_a_summary_a_sheet_per_area_and_compliance(
    document_of, django_assert_num_queries
):
    document = document_of("technical")
    with django_assert_num_queries(0):
        book = read(document)
    assert book.sheetnames == [
        "Summary",
        "1 Terrorism",
        "2 Cybercrime",
        "3 Illicit drug trafficking",
        "4 Piracy and armed robbery at s",
        "5 Trafficking in persons",
        "Indicators",
        "Compliance",
        "Changes",
    ]


def test_the_summary_counts_are_numbers_equal_to_the_figures(document_of, meeting, secretariat):
    sheet = read(document_of("technical"))["Summary"]
    facts = {row[0]: row[1] for row in rows(sheet) if row[0] and row[1] is not None}
    assert facts["Reporting cycle"] == "This year"
    assert facts["Period covered: from"] == datetime.datetime.combine(
        meeting.cycle.period_start, datetime.time()
    )
    assert sheet["B5"].is_date and sheet["B5"].number_format == "yyyy-mm-dd"
    header_row = next(i for i, row in enumerate(rows(sheet), 1) if row[0] == "Priority area")
    assert sheet.freeze_panes == f"A{header_row + 1}"
    assert sheet.auto_filter.ref == f"A{header_row}:L{header_row + 5}"
    areas = rows(sheet, header_row + 1)[:5]
    figures = status_by_area(meeting.cycle, secretariat)
    assert [row[:6] for row in areas] == [
        [
            area.number,
            area.title,
            area.activities,
            area.activities_without_report,
            area.reports,
            area.average_percent,
        ]
        for area in figures
    ]
    assert all(isinstance(row[4], int) for row in areas)


def test_an_area_sheet_lists_every_report_and_every_missing_one(document_of):
    book = read(document_of("technical", include_pending=True))
    sheet = book["1 Terrorism"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:P3"
    header, *data = rows(sheet)
    assert header[:10] == [
        "Priority area",
        "Code",
        "Activity",
        "Sample data",
        "Lead parties",
        "Participating parties",
        "Party",
        "Report",
        "Implementation status",
        "Percent complete",
    ]
    assert [(row[1], row[6], row[7], row[9]) for row in data] == [
        ("1.1", "Indonesia", "accepted", 40),
        ("1.1", "Japan (pending review)", "pending review", 20),
    ]
    assert isinstance(data[0][13], datetime.datetime)  # submitted at, a date cell
    nobody = rows(book["4 Piracy and armed robbery at s"])[1:]
    assert [(row[1], row[6], row[7], row[9]) for row in nobody] == [
        ("4.1", "Thailand", "no report", None)
    ]


def test_a_typed_formula_stays_text(document_of):
    sheet = read(document_of("technical"))["1 Terrorism"]
    challenges = sheet["L2"]
    assert challenges.value == "'" + FORMULA
    assert challenges.data_type == "s"
    assert sheet["M2"].value == "'@SUM(1+1)"


def test_indicator_values_and_compliance_are_numbers(document_of, meeting, secretariat):
    book = read(document_of("technical"))
    indicators = rows(book["Indicators"])
    assert indicators[0][4:9] == ["Baseline", "Target", "Party", "Report", "Value"]
    first = indicators[1]
    assert (first[0], first[6], first[5], first[8]) == ("1.1", "Indonesia", 10, 25)
    compliance = book["Compliance"]
    assert compliance.freeze_panes == "A2"
    data = rows(compliance)[1:4]
    assert [row[:6] for row in data] == [
        [r.code, r.name, r.expected, r.received, r.on_time, r.accepted]
        for r in reporting_rate(meeting.cycle, secretariat)
    ]
    assert data[1][6] == 75.0


def test_the_ministers_workbook_has_the_key_points(document_of):
    book = read(document_of("strategic"))
    assert book.sheetnames == ["Summary", "Key points", "Compliance", "Changes"]
    points = rows(book["Key points"])[1:]
    assert [(row[0], row[1], row[2], row[7]) for row in points] == [
        (1, "key achievement", "1.1", "Trained 25 investigators. <script>alert('x')</script>"),
        (3, "key achievement", "3.1", "Handbook published."),
        (5, "key achievement", "5.1", "Venue booked."),
        (5, "key challenge", "5.1", "Funding arrived late."),
    ]


def test_a_reports_text_reads_back_as_written(document_of):
    """The area sheets' rows are written as text, not through openpyxl's cells: line breaks, a
    carriage return, tabs, markup, ampersands, surrounding spaces and a control character an
    Office file cannot hold all come back as the official wrote them (less the latter)."""
    ProgressReport.objects.filter(achievements="Venue booked.").update(
        achievements=" Venue booked.\r\nDates:\t1-2 May & <after> the rains\x07 "
    )
    book = read(document_of("technical"))
    data = rows(book["5 Trafficking in persons"])[1:]
    assert data[0][10] == " Venue booked.\r\nDates:\t1-2 May & <after> the rains "
    assert book["5 Trafficking in persons"]["N2"].number_format == "yyyy-mm-dd hh:mm"
    assert data[0][14] in ("yes", "no")
