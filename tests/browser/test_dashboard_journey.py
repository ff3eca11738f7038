"""In a real Chromium: the secretariat goes from the admin index to the compliance screen of the
open cycle, narrows it to one party, downloads it as XLSX and follows a cell to the party's
officials; an official reads the dashboard, whose charts the browser draws; a reader filters the
report list and downloads it."""

import io

import openpyxl
import pytest
from playwright.sync_api import expect

from ammtc_tracker.models import Role
from tests.browser.test_reporting_journey import log_in
from tests.factories import make_every_state, make_user

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cycles(plan, official_id, official_jp, secretariat):
    thai = make_user("official.th", Role.OFFICIAL, "TH")
    return make_every_state(plan, official_id, official_jp, thai, secretariat)


def test_the_secretariat_opens_the_compliance_screen_and_downloads_it(new_page, cycles):
    page = new_page()
    log_in(page, "secretariat")
    page.goto("/admin/")
    expect(page.locator("#queue-count")).to_contain_text("2 reports wait for review")
    page.locator("#open-cycle a").click()
    expect(page.locator("h1")).to_have_text("Compliance: This year")
    matrix = page.locator("#matrix")
    expect(matrix.locator("tr[data-activity]")).to_have_count(4)
    expect(matrix.locator("tr[data-activity='3.1']")).to_contain_text("accepted, late")

    page.select_option("#party", label="Thailand")
    page.get_by_role("button", name="Filter").click()
    expect(matrix.locator("thead th")).to_have_text(["Activity", "TH"])
    expect(page.locator("#by-party tbody tr")).to_have_count(1)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download XLSX").click()
    assert download.value.suggested_filename == "compliance-this-year.xlsx"
    with open(download.value.path(), "rb") as file:
        book = openpyxl.load_workbook(io.BytesIO(file.read()))
    assert [row[3] for row in book["Matrix"].iter_rows(values_only=True)] == [
        "Thailand",
        "missing",
        "submitted, late",
    ]

    matrix.locator("tr[data-activity='3.1'] a", has_text="missing").click()
    expect(page.locator("#result_list")).to_contain_text("official.th")


def test_an_official_reads_the_dashboard_and_its_charts(new_page, cycles, official_id):
    page = new_page()
    log_in(page, "official.id")
    page.goto("/")
    expect(page.locator("h1")).to_have_text("Where the plan stands: This year")
    expect(page.locator("#own-party tr[data-area='3']")).to_contain_text("50.0%")
    images = page.locator("figure img")
    expect(images).to_have_count(3)
    for index in range(3):
        # The page's content security policy lets the charts (data: URIs) draw.
        width = images.nth(index).evaluate("image => image.complete && image.naturalWidth")
        assert width > 100
    page.select_option("#cycle", label="Last year")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("h1")).to_have_text("Where the plan stands: Last year")


def test_a_reader_filters_the_report_list_and_downloads_it(new_page, cycles, reader):
    page = new_page(width=1280)
    log_in(page, "reader")
    page.goto("/reports/")
    rows = page.locator("table.table tbody tr")
    expect(rows).to_have_count(4)  # accepted reports only, of both cycles
    expect(page.locator("#id_status option")).to_have_text(["all", "accepted"])
    page.select_option("#id_cycle", label="This year")
    page.select_option("#id_implementation_status", label="completed")
    page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Japan")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download XLSX").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    with open(download.value.path(), "rb") as file:
        sheet = openpyxl.load_workbook(io.BytesIO(file.read())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [(row[1], row[2], row[5], row[7]) for row in rows[1:]] == [
        ("This year", "3.1", "Japan", "completed")
    ]
