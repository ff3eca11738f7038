"""The offline workbook in a real Chromium: an official downloads the workbook from My reporting,
fills it in offline (openpyxl stands in for Excel), uploads it, reads the preview and saves."""

import io

import openpyxl
import pytest
from playwright.sync_api import expect

from reports.models import ProgressReport
from tests.browser.test_reporting_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_official_fills_the_workbook_offline_and_uploads_it(
    new_page, official_id, activity, cycle, tmp_path
):
    page = new_page()
    log_in(page, "official.id")
    page.get_by_role("link", name="My reporting").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the workbook (XLSX)").click()
    book = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    sheet = book.worksheets[0]
    assert sheet["A2"].value == "2.1"
    sheet["D2"], sheet["E2"], sheet["F2"] = "in progress", 35, "Trained 12 prosecutors."
    sheet["J2"] = 12
    filled = tmp_path / "reports-filled.xlsx"
    book.save(filled)

    page.set_input_files("#id_workbook", str(filled))
    page.get_by_role("button", name="Upload and preview").click()
    row = page.locator("#workbook-rows tr[data-activity='2.1']")
    expect(row).to_contain_text("starts a draft")
    expect(row).to_contain_text("Trained 12 prosecutors.")
    assert not ProgressReport.objects.exists()  # the preview saved nothing

    page.get_by_role("button", name="Save 1 report as a draft").click()
    expect(page.locator(".messages")).to_contain_text("1 report saved as a draft")
    expect(page.locator("tr[data-activity='2.1']")).to_contain_text("draft")

    report = ProgressReport.objects.get()
    assert (report.status, report.percent_complete) == ("draft", 35)
    assert report.achievements == "Trained 12 prosecutors."
    assert report.indicator_values.get().value == 12
