"""An official's pages in a real Chromium on a 390 px phone: every page passes axe (no critical
or serious violation), a refused submission moves focus to the error summary, "Save draft"
stays on the form, and the return reason is on the form the official is sent to."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from reports.models import ProgressReport
from tests.browser.axe import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = 390


def check(page, where):
    """No critical or serious axe violation, and nothing wider than the phone's screen."""
    assert_accessible(page, where)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE, f"{where} is {width} px wide on a {PHONE} px screen"


def test_an_officials_pages_are_accessible_and_the_return_loop_closes(
    new_page, log_in, official_id, secretariat, activity, cycle
):
    official_id.email = "official.id@example.org"
    official_id.save()
    visitor = new_page(width=PHONE)
    visitor.goto("/accounts/login/")
    check(visitor, "login")
    visitor.get_by_role("link", name="Forgot your password?").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Reset your password")
    check(visitor, "password reset")
    visitor.get_by_label("Email").fill("official.id@example.org")
    visitor.get_by_role("button", name="Send the link").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    check(visitor, "password reset sent")
    link = re.search(r"http://\S+/reset/\S+/", mail.outbox[-1].body).group(0)
    visitor.goto(link)
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Set your password")
    check(visitor, "set a new password")

    official = new_page(width=PHONE)
    log_in(official, "official.id")
    check(official, "home")
    official.get_by_role("link", name="My reporting").click()
    check(official, "my reporting")
    official.locator("tr[data-activity='2.1']").get_by_role("button", name="Start").click()

    # A refused submission: the error summary takes focus and leads to each field.
    official.get_by_role("button", name="Submit to the secretariat").click()
    summary = official.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_count(4)
    check(official, "report form with errors")
    summary.get_by_role("link").first.click()
    expect(official.locator("#id_implementation_status")).to_be_focused()
    indicator = activity.indicators.get()
    value = official.locator(f"#id_indicator_{indicator.pk}_value")
    expect(value).to_have_attribute("aria-invalid", "true")

    # "Save draft" stays on the form and says so.
    official.select_option("#id_implementation_status", "in_progress")
    official.fill("#id_percent_complete", "40")
    official.fill("#id_achievements", "Trained 25 investigators.")
    value.fill("25")
    official.get_by_role("button", name="Save draft").click()
    expect(official.locator(".messages")).to_have_text("Draft saved.")
    expect(official).to_have_url(re.compile(r"/reports/\d+/edit/$"))
    expect(official.locator("#id_achievements")).to_have_value("Trained 25 investigators.")
    official.get_by_role("button", name="Submit to the secretariat").click()
    expect(official.locator(".messages")).to_contain_text("submitted to the secretariat")
    check(official, "report page")

    report = ProgressReport.objects.get()
    report.transition("return", by=secretariat, comment="Give the number of sessions held.")

    # "Continue" opens the form, and the reason is at its top with who returned it and when.
    official.get_by_role("link", name="My reporting").click()
    official.locator("tr[data-activity='2.1']").get_by_role("link", name="Continue").click()
    reason = official.locator("#return-reason")
    expect(reason).to_contain_text("Returned by secretariat on")
    expect(reason).to_contain_text("Give the number of sessions held.")
    assert (
        reason.bounding_box()["y"]
        < official.locator("#id_implementation_status").bounding_box()["y"]
    )
    check(official, "returned report's form")

    official.goto("/accounts/profile/")
    check(official, "profile")
