"""The secretariat's admin pages and a reader's pages in a real Chromium at 1280 px: every page
passes axe (no critical or serious violation), and the changelists fit the screen."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import expect

from priorities.models import Consultation
from reports.services import save_report
from tests.browser.axe import assert_accessible
from tests.factories import make_activity, make_cycle, make_report

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DESKTOP = 1280
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def fits(page):
    return page.evaluate("document.documentElement.scrollWidth") <= DESKTOP


def a_cycle_of_reports(plan, official_id, official_jp, secretariat, activity, cycle):
    """A past cycle with an accepted report, and this cycle's reports in several states: one
    returned and resubmitted with changes, one accepted, one submitted."""
    today = timezone.localdate()
    past = make_cycle(
        plan,
        title="Last year",
        period_start=today.replace(year=today.year - 2),
        period_end=today.replace(year=today.year - 1) - datetime.timedelta(days=1),
    )
    make_report(official_id, activity, past, "accepted", secretariat)
    report = make_report(official_id, activity, cycle, "returned", secretariat)
    report = save_report(
        report=report,
        user=official_id,
        content={"achievements": "Two workshops held for 40 investigators."},
        expected_version=report.version,
        files=[SimpleUploadedFile("attendance.pdf", PDF)],
    )
    report.transition("submit", by=official_id)
    make_report(official_jp, activity, cycle, "accepted", secretariat)
    make_report(official_id, make_activity(plan, "4.1", leads=["ID"]), cycle, "submitted")
    return report


def test_the_secretariats_and_readers_pages_are_accessible(
    new_page, log_in, plan, official_id, official_jp, secretariat, reader, activity, cycle
):
    report = a_cycle_of_reports(plan, official_id, official_jp, secretariat, activity, cycle)
    desk = new_page(width=DESKTOP)
    log_in(desk, "secretariat")
    desk.goto("/admin/")
    assert_accessible(desk, "admin index")
    desk.goto("/admin/reports/submittedreport/")
    assert_accessible(desk, "review queue")
    assert fits(desk), "the review queue is wider than 1280 px"
    desk.get_by_role("link", name="2.1").click()
    expect(desk.locator("#changes ins").first).to_contain_text("for 40 investigators")
    assert_accessible(desk, "review page")
    desk.get_by_role("link", name="History").click()
    expect(desk.locator("#audit-trail")).to_contain_text("returned the report")
    assert_accessible(desk, "history")
    desk.goto("/admin/reports/progressreport/")
    assert_accessible(desk, "reports")
    assert fits(desk), "the report list is wider than 1280 px"
    desk.goto("/admin/reports/reportingcycle/")
    assert_accessible(desk, "cycles")
    assert fits(desk), "the cycle list is wider than 1280 px"
    desk.goto(f"/admin/reports/reportingcycle/{cycle.pk}/change/")
    assert_accessible(desk, "a cycle")
    desk.goto(f"/admin/reports/reportingcycle/{cycle.pk}/compliance/")
    expect(desk.get_by_role("heading", level=1)).to_contain_text(cycle.title)
    assert_accessible(desk, "compliance")
    assert fits(desk), "the compliance screen is wider than 1280 px"
    desk.goto("/admin/priorities/consultation/")
    assert_accessible(desk, "consultations")
    desk.goto(f"/admin/priorities/consultation/{Consultation.objects.first().pk}/change/")
    assert_accessible(desk, "a consultation")

    desk.goto(f"/admin/reports/progressreport/{report.pk}/change/")
    desk.get_by_role("button", name="Accept").click()
    expect(desk.locator(".messagelist")).to_contain_text("is now accepted")

    visitor = new_page(width=DESKTOP)
    log_in(visitor, "reader")
    visitor.goto("/reports/")
    assert_accessible(visitor, "report list")
    visitor.get_by_role("link", name="2.1 Activity 2.1").first.click()
    expect(visitor.locator("#achievements")).to_be_visible()
    assert_accessible(visitor, "report page (reader)")
