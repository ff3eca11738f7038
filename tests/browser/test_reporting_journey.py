"""The main journey, in a real Chromium on a phone-sized screen: an official files a report,
the secretariat returns it, the official fixes and resubmits it, the secretariat accepts it."""

import pytest
from playwright.sync_api import expect

from reports.models import ProgressReport
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def log_in(page, username):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def test_an_official_files_a_report_that_is_returned_fixed_and_accepted(
    new_page, official_id, secretariat, activity, cycle
):
    official = new_page()
    log_in(official, "official.id")
    official.get_by_role("link", name="My reporting").click()
    row = official.locator("tr[data-activity='2.1']")
    expect(row).to_contain_text("not started")
    row.get_by_role("button", name="Start").click()

    official.select_option("#id_implementation_status", "in_progress")
    official.fill("#id_percent_complete", "40")
    official.fill("#id_achievements", "Trained 25 investigators.")
    indicator = activity.indicators.get()
    official.fill(f"#id_indicator_{indicator.pk}_value", "25")
    official.set_input_files(
        "#id_files", {"name": "attendance.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    official.get_by_role("button", name="Save draft").click()
    expect(official.locator(".messages")).to_contain_text("Draft saved.")
    expect(official.locator("#attached-files")).to_contain_text("attendance.pdf")
    official.get_by_role("button", name="Submit to the secretariat").click()
    expect(official.locator(".lead")).to_contain_text("submitted")

    reviewer = new_page()
    log_in(reviewer, "secretariat")
    reviewer.goto("/admin/reports/submittedreport/")
    reviewer.get_by_role("link", name="2.1").click()
    reviewer.fill("#comment-return", "Please give the number of sessions held.")
    reviewer.click("input[name=review-return]")
    expect(reviewer.locator(".messagelist")).to_contain_text("is now returned")

    official.get_by_role("link", name="My reporting").click()
    expect(row).to_contain_text("Please give the number of sessions held.")
    row.get_by_role("link", name="Continue").click()
    official.fill("#id_achievements", "Trained 25 investigators in 3 sessions.")
    official.get_by_role("button", name="Submit to the secretariat").click()
    expect(official.locator(".messages")).to_contain_text("submitted to the secretariat")

    reviewer.goto("/admin/reports/submittedreport/")
    reviewer.get_by_role("link", name="2.1").click()
    reviewer.click("input[name=review-accept]")
    expect(reviewer.locator(".messagelist")).to_contain_text("is now accepted")

    official.reload()
    steps = official.locator("#timeline li")
    expect(steps).to_have_count(5)
    expect(steps.nth(1)).to_contain_text("draft → submitted")
    expect(steps.nth(2)).to_contain_text("submitted → returned")
    expect(steps.nth(2)).to_contain_text("Please give the number of sessions held.")
    expect(steps.nth(3)).to_contain_text("returned → submitted")
    expect(steps.nth(4)).to_contain_text("submitted → accepted")
    expect(official.locator("#achievements")).to_have_text(
        "Trained 25 investigators in 3 sessions."
    )

    report = ProgressReport.objects.get()
    assert (report.status, report.reviewed_by) == ("accepted", secretariat)
    assert report.evidence_files.get().original_name == "attendance.pdf"
