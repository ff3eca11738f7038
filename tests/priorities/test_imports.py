"""The secretariat imports a work plan's activities from a matrix in the admin: the template,
the preview, the all-or-nothing import, and importing the same file again."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from priorities.models import Activity, Indicator

GOOD_ROWS = [
    [
        2,
        "2.5",
        "Cybercrime investigators' course",
        "Two weeks, in Jakarta.",
        "",
        "ID",
        "JP, TH",
        datetime.date(2025, 1, 1),
        datetime.date(2025, 12, 31),
        "",
        "Investigators trained",
        "people",
        0,
        40,
        "Courses held",
        "",
        None,
        2,
    ],
    [
        3,
        "3.4",
        "Drug profiling network",
        "",
        "A shared database.",
        "TH",
        "",
        None,
        None,
        "",
        "Laboratories joined",
        "",
        None,
        5,
    ],
]


def matrix_xlsx(client, plan, rows):
    """The template downloaded from the admin, filled with ``rows`` as an official would."""
    response = client.get(f"/admin/priorities/workplan/{plan.pk}/import/template/")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    for number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            sheet.cell(number, column, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, plan, content, name="activities.xlsx"):
    return client.post(
        f"/admin/priorities/workplan/{plan.pk}/import/",
        {"matrix": SimpleUploadedFile(name, content)},
    )


def preview(client, response):
    assert response.status_code == 302, response.content.decode()[:3000]
    page = client.get(response["Location"])
    assert page.status_code == 200
    return page.content.decode(), response["Location"].split("upload=")[1]


def confirm(client, plan, token):
    return client.post(f"/admin/priorities/workplan/{plan.pk}/import/confirm/", {"upload": token})


def plan_rows(plan):
    activities = Activity.objects.filter(work_plan=plan).order_by("code")
    return [
        (
            a.code,
            a.title,
            a.priority_area.number,
            sorted(p.code for p in a.lead_parties.all()),
            sorted(p.code for p in a.participating_parties.all()),
            a.planned_start,
            a.is_sample,
            sorted((i.name, i.unit, i.baseline, i.target) for i in a.indicators.all()),
        )
        for a in activities
    ]


@pytest.fixture
def desk(client, secretariat):
    client.force_login(secretariat)
    return client


def test_a_good_file_imports_activities_with_indicators_and_parties(desk, plan, secretariat):
    html, token = preview(desk, upload(desk, plan, matrix_xlsx(desk, plan, GOOD_ROWS)))
    assert "2 new activities" in html
    assert not Activity.objects.filter(work_plan=plan).exists()  # the preview wrote nothing
    response = confirm(desk, plan, token)
    assert response.status_code == 302
    assert plan_rows(plan) == [
        (
            "2.5",
            "Cybercrime investigators' course",
            2,
            ["ID"],
            ["JP", "TH"],
            datetime.date(2025, 1, 1),
            False,  # real plan data: the file did not say sample
            [
                ("Courses held", "", None, Decimal("2.00")),
                ("Investigators trained", "people", Decimal("0.00"), Decimal("40.00")),
            ],
        ),
        (
            "3.4",
            "Drug profiling network",
            3,
            ["TH"],
            [],
            None,
            False,
            [("Laboratories joined", "", None, Decimal("5.00"))],
        ),
    ]
    activity = Activity.objects.get(code="2.5")
    # One row for the activity, one for each list of parties it was given; all the importer's.
    assert {row.history_user for row in activity.history.all()} == {secretariat}
    assert [row.party.code for row in activity.history.latest().lead_parties.all()] == ["ID"]
    assert Indicator.history.filter(history_user=secretariat).count() == 3
    followed = desk.get(response["Location"]).content.decode()
    assert "Imported: 2 new activities, 0 updated, 0 unchanged." in followed


def test_a_good_file_imported_twice_gives_the_same_rows(desk, plan):
    content = matrix_xlsx(desk, plan, GOOD_ROWS)
    _html, token = preview(desk, upload(desk, plan, content))
    confirm(desk, plan, token)
    rows = plan_rows(plan)
    history = (Activity.history.count(), Indicator.history.count())

    html, token = preview(desk, upload(desk, plan, content))
    assert "2 activities unchanged" in html
    assert "Nothing to import" in html and "import-confirm" not in html
    confirm(desk, plan, token)
    assert plan_rows(plan) == rows
    assert (Activity.history.count(), Indicator.history.count()) == history


def test_a_changed_file_updates_the_activities_it_names(desk, plan):
    _html, token = preview(desk, upload(desk, plan, matrix_xlsx(desk, plan, GOOD_ROWS)))
    confirm(desk, plan, token)
    changed = [list(row) for row in GOOD_ROWS]
    changed[0][2] = "Cybercrime investigators' course (advanced)"
    changed[0][5] = "ID, MY"
    changed[0][13] = 60  # the target of "Investigators trained"
    html, token = preview(desk, upload(desk, plan, matrix_xlsx(desk, plan, changed)))
    assert "1 activity updated" in html and "1 activity unchanged" in html
    assert "<del>ID</del> → <ins>ID, MY</ins>" in html
    assert (
        "<del>people, baseline 0, target 40</del> → <ins>people, baseline 0, target 60</ins>"
        in (html)
    )
    confirm(desk, plan, token)
    activity = Activity.objects.get(work_plan=plan, code="2.5")
    assert activity.title == "Cybercrime investigators' course (advanced)"
    assert sorted(p.code for p in activity.lead_parties.all()) == ["ID", "MY"]
    assert activity.indicators.get(name="Investigators trained").target == 60
    assert Activity.objects.filter(work_plan=plan).count() == 2


def test_a_file_with_one_bad_row_writes_nothing_and_names_the_row(desk, plan):
    rows = [GOOD_ROWS[0], [2, "2.6", "Forensics lab", "", "", "ID, XX"], GOOD_ROWS[1]]
    html, token = preview(desk, upload(desk, plan, matrix_xlsx(desk, plan, rows)))
    assert "Row 3, F (Lead parties): no party has the code XX." in html
    assert "import-confirm" not in html
    response = confirm(desk, plan, token)  # posted anyway
    assert response.status_code == 302
    assert "Nothing was imported" in desk.get(response["Location"]).content.decode()
    assert not Activity.objects.filter(work_plan=plan).exists()
    assert not Indicator.objects.exists()


def test_each_kind_of_bad_cell_is_named_by_row_and_column(desk, plan):
    rows = [
        [2, "3.1", "Code of another area"],
        [9, "9.1", "No such area"],
        ["two", "2.7", "Area not a number"],
        [
            2,
            "2.8",
            "Dates reversed",
            "",
            "",
            "ID",
            "",
            datetime.date(2025, 5, 1),
            datetime.date(2025, 1, 1),
        ],
        [2, "2.9", "Bad date and flag", "", "", "", "", "next spring", None, "maybe"],
        [2, "2.10", "", "", "", "", "", None, None, "", "", "people", "lots"],
        [2, "2.5", "Twice"],
        [2, "2.5", "Twice again"],
    ]
    html, _token = preview(desk, upload(desk, plan, matrix_xlsx(desk, plan, rows)))
    for expected in [
        "Row 2, B (Code): The code must start with the priority area&#x27;s number (2.).",
        "Row 3, A (Priority area): the work plan has no priority area 9.",
        "Row 4, A (Priority area): give the priority area&#x27;s number, e.g. 2.",
        "Row 5, the row: The planned end cannot be before the planned start.",
        "Row 6, H (Planned start): not a date; write it as 2025-03-31.",
        "Row 6, J (Sample data): write yes or no.",
        "Row 7, C (Title): This field cannot be blank.",
        "Row 7, M (Indicator 1 baseline): not a number with at most 2 decimals.",
        "Row 7, K (Indicator 1): indicator 1 has no name.",
        "Row 9, B (Code): activity 2.5 is also on row 8.",
    ]:
        assert expected in html, expected


def test_a_csv_file_with_semicolons_is_imported(desk, plan):
    content = (
        "Priority area;Code;Title;Lead parties;Indicator 1;Indicator 1 target\n"
        "2;2.5;Cybercrime course;ID JP;Investigators trained;40\n"
    ).encode("utf-8-sig")
    _html, token = preview(desk, upload(desk, plan, content, name="activities.csv"))
    confirm(desk, plan, token)
    activity = Activity.objects.get(work_plan=plan, code="2.5")
    assert sorted(p.code for p in activity.lead_parties.all()) == ["ID", "JP"]
    assert activity.indicators.get().target == 40


def test_an_unknown_or_missing_heading_is_named(desk, plan):
    content = b"Code,Name,Colour\n2.5,Course,blue\n"
    html, _token = preview(desk, upload(desk, plan, content, name="activities.csv"))
    assert "Row 1, B: unknown heading &quot;Name&quot;." in html
    assert "the column &quot;Priority area&quot; is missing." in html
    assert "the column &quot;Title&quot; is missing." in html


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("plan.pdf", b"%PDF-1.4\n\xe2\xe3\xcf\xd3\n%%EOF", "neither an Excel workbook"),
        ("plan.xlsx", b"PK\x03\x04broken", "not an Excel workbook"),
        ("plan.csv", b"", "The submitted file is empty."),
    ],
)
def test_a_file_that_is_not_a_matrix_is_refused(desk, plan, name, content, message):
    response = upload(desk, plan, content, name=name)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_only_the_secretariat_imports(client, plan, official_id, reader):
    base = f"/admin/priorities/workplan/{plan.pk}/import/"
    for user in (official_id, reader):
        client.force_login(user)
        assert client.get(base).status_code == 403
        assert client.get(f"{base}template/").status_code == 403
        assert upload(client, plan, b"Code\n").status_code == 403
    client.logout()
    response = client.get(base)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_the_work_plan_page_links_to_the_import(desk, plan):
    html = desk.get(f"/admin/priorities/workplan/{plan.pk}/change/").content.decode()
    assert f'href="/admin/priorities/workplan/{plan.pk}/import/"' in html


def test_the_template_lists_the_plans_areas_and_the_party_codes(desk, plan):
    response = desk.get(f"/admin/priorities/workplan/{plan.pk}/import/template/")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    headings = [cell.value for cell in book.worksheets[0][1]]
    assert headings[:4] == ["Priority area", "Code", "Title", "Description"]
    assert "Indicator 3 target" in headings
    instructions = [row[0] for row in book.worksheets[1].iter_rows(values_only=True)]
    assert "2. Cybercrime" in " ".join(str(line) for line in instructions)
    assert "ID: Indonesia" in instructions


@pytest.mark.parametrize("count", [2, 8])
def test_the_preview_takes_the_same_queries_for_any_number_of_rows(
    desk, plan, count, django_assert_num_queries
):
    rows = [
        [2, f"2.{n}", f"Activity {n}", "", "", "ID", "JP", None, None, "", "Trained"]
        for n in range(1, count + 1)
    ]
    _html, token = preview(desk, upload(desk, plan, matrix_xlsx(desk, plan, rows)))
    confirm(desk, plan, token)  # so that the preview compares with activities that exist
    response = upload(desk, plan, matrix_xlsx(desk, plan, rows))
    # session, user, the user's permissions (2); the plan, its areas, the parties; the plan's
    # activities with their lead parties, participating parties and indicators
    with django_assert_num_queries(11):
        html, _token = preview(desk, response)
    assert f"{count} activities unchanged" in html


def test_a_file_with_too_many_rows_is_refused(desk, plan, monkeypatch):
    monkeypatch.setattr("priorities.imports.MAX_ROWS", 2)
    content = b"Priority area,Code,Title\n" + b"2,2.1,A\n" * 3
    response = upload(desk, plan, content, name="activities.csv")
    assert response.status_code == 400
    assert "The file has more than 2 rows." in response.content.decode()
    assert not Activity.objects.filter(work_plan=plan).exists()
