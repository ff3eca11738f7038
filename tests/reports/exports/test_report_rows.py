"""The report list as CSV and XLSX, downloaded through the API and parsed back: one row per
indicator value with every column named, typed cells, formulas neutralised, nothing the user
may not see, and a query count that does not grow with the rows."""

import csv
import io
from datetime import datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from reports.services import save_report
from tests.factories import make_activity, make_report

HEADER = [
    "Report",
    "Cycle",
    "Activity code",
    "Activity",
    "Priority area",
    "Party",
    "Workflow state",
    "Implementation status",
    "Percent complete",
    "Late",
    "Submitted at",
    "Reviewed at",
    "Last changed at",
    "Achievements",
    "Challenges",
    "Next steps",
    "Indicator",
    "Unit",
    "Value",
    "Note",
]


def csv_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="progress-reports-')
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def xlsx_rows(response):
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def rewrite(report, **content):
    values = {v.indicator_id: (v.value, v.note) for v in report.indicator_values.all()}
    return save_report(
        report=report,
        user=report.created_by,
        content=content,
        indicator_values=values,
        expected_version=report.version,
    )


@pytest.fixture
def two_indicators(plan, official_id, official_jp, secretariat, cycle):
    """Indonesia's draft on an activity with two indicators, one measured and one with a note;
    Japan's accepted report; Japan's draft (which Indonesia may not see)."""
    activity = make_activity(plan, "1.4", leads=["ID", "JP"], indicators=2)
    mine = make_report(official_id, activity, cycle)
    first, second = activity.indicators.order_by("id")
    mine = save_report(
        report=mine,
        user=official_id,
        content={"achievements": '=HYPERLINK("http://evil.example","x")', "next_steps": "-2+3"},
        indicator_values={first.pk: (Decimal("12.5"), ""), second.pk: (None, "Not measured.")},
        expected_version=mine.version,
    )
    accepted = make_report(official_jp, activity, cycle, "accepted", secretariat)
    hidden = make_report(official_jp, make_activity(plan, "1.5", leads=["JP"]), cycle)
    return {"mine": mine, "accepted": accepted, "hidden": hidden, "activity": activity}


def test_csv_has_one_row_per_indicator_value_with_names_not_ids(
    api, official_id, two_indicators, cycle
):
    rows = csv_rows(api(official_id).get("/api/v1/reports/?format=csv"))
    assert rows[0] == HEADER
    mine = [r for r in rows[1:] if r[0] == str(two_indicators["mine"].pk)]
    area = two_indicators["activity"].priority_area
    assert [r[1:10] for r in mine] == [
        [
            cycle.title,
            "1.4",
            "Activity 1.4",
            f"1. {area.title}",
            "Indonesia",
            "draft",
            "in progress",
            "40",
            "no",
        ]
    ] * 2
    assert [r[16:] for r in mine] == [
        ["Indicator 1", "people", "12.5", ""],
        ["Indicator 2", "people", "", "Not measured."],
    ]


def test_csv_and_xlsx_neutralise_formulas(api, official_id, two_indicators):
    client = api(official_id)
    for rows in (
        csv_rows(client.get("/api/v1/reports/?format=csv")),
        xlsx_rows(client.get("/api/v1/reports/?format=xlsx")),
    ):
        mine = next(r for r in rows[1:] if str(r[0]) == str(two_indicators["mine"].pk))
        assert mine[13] == '\'=HYPERLINK("http://evil.example","x")'
        assert mine[15] == "'-2+3"


def test_xlsx_cells_are_typed(api, official_id, secretariat, two_indicators):
    rows = xlsx_rows(api(secretariat).get("/api/v1/reports/?format=xlsx"))
    assert rows[0] == HEADER
    accepted = next(r for r in rows[1:] if r[0] == two_indicators["accepted"].pk)
    assert accepted[5:10] == ["Japan", "accepted", "in progress", 40, False]
    assert isinstance(accepted[10], datetime) and isinstance(accepted[11], datetime)
    assert accepted[18] == 4


def test_a_report_without_indicator_values_is_one_row(api, secretariat, official_id, plan, cycle):
    report = make_report(official_id, make_activity(plan, "1.6", leads=["ID"], indicators=0), cycle)
    rows = csv_rows(api(secretariat).get("/api/v1/reports/?format=csv"))
    assert [r[16:] for r in rows[1:] if r[0] == str(report.pk)] == [["", "", "", ""]]


def test_downloads_hold_only_what_the_user_may_see(
    api, official_id, reader, secretariat, two_indicators
):
    ids = {key: report.pk for key, report in two_indicators.items() if key != "activity"}

    def seen(user, file_format):
        response = api(user).get(f"/api/v1/reports/?format={file_format}")
        rows = csv_rows(response) if file_format == "csv" else xlsx_rows(response)
        return {int(r[0]) for r in rows[1:]}

    for file_format in ("csv", "xlsx"):
        assert seen(official_id, file_format) == {ids["mine"], ids["accepted"]}
        assert seen(reader, file_format) == {ids["accepted"]}
        assert seen(secretariat, file_format) == set(ids.values())


def test_downloads_keep_the_filters(api, secretariat, two_indicators):
    rows = csv_rows(api(secretariat).get("/api/v1/reports/?format=csv&status=accepted"))
    assert {r[0] for r in rows[1:]} == {str(two_indicators["accepted"].pk)}


def test_download_queries_do_not_grow_with_rows(
    api, official_id, plan, cycle, django_assert_num_queries
):
    client = api(official_id)

    def add(numbers):
        for number in numbers:
            make_report(official_id, make_activity(plan, f"4.{number}", leads=["ID"]), cycle)

    def download(file_format):
        response = client.get(f"/api/v1/reports/?format={file_format}")
        if response.streaming:
            return b"".join(response.streaming_content)
        sheet = load_workbook(io.BytesIO(response.content)).active
        return "\n".join(str(row) for row in sheet.iter_rows(values_only=True)).encode()

    add(range(1, 4))
    # The token's first use is written and the token kept in the cache: no query from now on.
    client.get("/api/v1/parties/")
    for file_format in ("csv", "xlsx"):
        # the reports with cycle, activity, area and party (1; a server-side cursor on
        # PostgreSQL), their indicator values with indicators (1)
        with django_assert_num_queries(2):
            assert download(file_format).count(b"Activity 4.") >= 3
    add(range(4, 30))
    for file_format in ("csv", "xlsx"):
        with django_assert_num_queries(2):
            assert download(file_format).count(b"Activity 4.") >= 3
