"""The CSV of the activity rows, read back with the csv module."""

import csv
import io

from reports.exports import render
from tests.reports.conftest import FORMULA


def read(document):
    data = render(document, "csv")
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_one_row_per_report_and_per_missing_report(document_of, django_assert_num_queries):
    document = document_of("technical", include_pending=True)
    with django_assert_num_queries(0):
        header, *rows = read(document)
    assert header[:3] == ["Priority area", "Code", "Activity"]
    party, report = header.index("Party"), header.index("Report")
    assert [(row[1], row[party], row[report]) for row in rows] == [
        ("1.1", "Indonesia", "accepted"),
        ("1.1", "Japan (pending review)", "pending review"),
        ("2.1", "Japan", "no report"),
        ("3.1", "Japan", "accepted"),
        ("3.1", "Indonesia", "no report"),
        ("3.1", "Thailand", "no report"),
        ("4.1", "Thailand", "no report"),
        ("5.1", "Japan", "accepted"),
    ]
    values = header.index("Indicator values")
    assert rows[0][values] == "Indicator 1 (people): 25"


def test_typed_formulas_are_neutralised(document_of):
    header, *rows = read(document_of("technical"))
    first = dict(zip(header, rows[0], strict=True))
    assert first["Challenges"] == "'" + FORMULA
    assert first["Next steps"] == "'@SUM(1+1)"
    assert first["Percent complete"] == "40"


def test_the_summarys_csv_gives_the_areas(document_of):
    header, *rows = read(document_of("strategic"))
    assert header[:6] == [
        "Priority area",
        "Title",
        "Activities",
        "Activities without a report",
        "Reports",
        "Average percent complete",
    ]
    assert [row[:5] for row in rows] == [
        ["1", "Terrorism", "1", "0", "1"],
        ["2", "Cybercrime", "1", "1", "0"],
        ["3", "Illicit drug trafficking", "1", "0", "1"],
        ["4", "Piracy and armed robbery at sea", "1", "1", "0"],
        ["5", "Trafficking in persons", "1", "0", "1"],
        ["", "All priority areas", "5", "2", "3"],
    ]
