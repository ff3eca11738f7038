"""The secretariat's review page reads content first, then decides; the admin speaks the
reviewer's language and is branded."""

import datetime
from decimal import Decimal

import lxml.html
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from reports.services import save_report
from tests.factories import make_activity, make_cycle, make_report

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def review_page(client, report):
    response = client.get(f"/admin/reports/progressreport/{report.pk}/change/")
    assert response.status_code == 200
    return lxml.html.fromstring(response.content.decode())


def cells(row):
    return [" ".join(cell.text_content().split()) for cell in row]


def test_the_review_page_shows_the_report_first_and_the_decision_last(
    client, official_id, secretariat, activity, cycle
):
    report = make_report(official_id, activity, cycle, "submitted")
    client.force_login(secretariat)
    page = review_page(client, report)
    order = [section.get("aria-labelledby") for section in page.cssselect("#content-main section")]
    assert order == [
        "review-state",
        "review-content",
        "review-indicators",
        "review-evidence",
        "review-timeline",
        "review-decision",
    ]
    decision = page.get_element_by_id("review-panel")
    assert [i.get("value") for i in decision.cssselect("input[type=submit]")] == [
        "Accept",
        "Return",
    ]
    assert decision.cssselect("label[for=comment-return]")[0].text_content() == (
        "Reason (the official will see it)"
    )
    assert "Raised by every save" not in lxml.html.tostring(page, encoding=str)


def test_indicators_show_baseline_target_value_and_the_previous_cycles_accepted_value(
    client, official_id, secretariat, plan, activity
):
    today = timezone.localdate()
    last = make_cycle(
        plan,
        title="Last year",
        period_start=today.replace(year=today.year - 2),
        period_end=today.replace(year=today.year - 1) - datetime.timedelta(days=1),
    )
    make_report(official_id, activity, last, "accepted", secretariat)  # value 4
    current = make_cycle(plan, title="This year")
    report = make_report(official_id, activity, current, "submitted")
    indicator = activity.indicators.get()
    indicator.baseline = Decimal("1.5")
    indicator.save()
    client.force_login(secretariat)
    page = review_page(client, report)
    header = cells(page.cssselect("#indicators thead tr")[0])
    assert header == ["Indicator", "Baseline", "Target", "Reported", "Last year (accepted)", "Note"]
    assert cells(page.cssselect("#indicators tbody tr")[0]) == [
        "Indicator 1 (people)",
        "1.50",
        "10",
        "4",
        "4",
        "",
    ]


def test_the_previous_value_counts_only_an_accepted_report(
    client, official_id, secretariat, plan, activity
):
    today = timezone.localdate()
    last = make_cycle(
        plan,
        title="Last year",
        period_start=today.replace(year=today.year - 2),
        period_end=today.replace(year=today.year - 1) - datetime.timedelta(days=1),
    )
    make_report(official_id, activity, last, "returned", secretariat)
    report = make_report(official_id, activity, make_cycle(plan, title="Now"), "submitted")
    client.force_login(secretariat)
    assert cells(review_page(client, report).cssselect("#indicators tbody tr")[0])[4] == "-"


def test_lateness_is_said_in_words(client, official_id, secretariat, activity, plan):
    today = timezone.localdate()
    cycle = make_cycle(plan, opens_on=today - datetime.timedelta(days=30), deadline=today)
    report = make_report(official_id, activity, cycle)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=3)):
        report.transition("submit", by=official_id)
    on_time = make_report(official_id, make_activity(plan, "2.2", leads=["ID"]), cycle)
    on_time.transition("submit", by=official_id)
    client.force_login(secretariat)
    assert review_page(client, report).get_element_by_id("timeliness").text == "late by 3 days"
    assert review_page(client, on_time).get_element_by_id("timeliness").text == "on time"
    queue = lxml.html.fromstring(client.get("/admin/reports/submittedreport/").content.decode())
    assert queue.cssselect("h1")[0].text == "Reports awaiting review, the oldest first"
    assert [cells(r)[-1] for r in queue.cssselect("#result_list tbody tr")] == [
        "on time",
        "late by 3 days",
    ]


def test_evidence_shows_a_short_checksum_with_the_full_value_one_click_away(
    client, official_id, secretariat, activity, cycle
):
    report = make_report(
        official_id, activity, cycle, "submitted", files=[SimpleUploadedFile("a.pdf", PDF)]
    )
    evidence = report.evidence_files.get()
    client.force_login(secretariat)
    row = review_page(client, report).cssselect("#evidence tbody tr")[0]
    assert row.cssselect("summary")[0].text_content() == evidence.sha256[:12] + "…"
    assert row.cssselect("code.sha256")[0].text == evidence.sha256


def test_a_removed_file_is_listed_for_the_reviewer_as_removed(
    client, official_id, secretariat, activity, cycle
):
    report = make_report(official_id, activity, cycle, files=[SimpleUploadedFile("a.pdf", PDF)])
    report = save_report(
        report=report,
        user=official_id,
        content={},
        expected_version=report.version,
        removed_files=[report.evidence_files.get().pk],
    )
    report.transition("submit", by=official_id)
    client.force_login(secretariat)
    row = review_page(client, report).cssselect("#evidence tbody tr")[0]
    assert row.get("class") == "removed"
    assert "removed by official.id on" in cells(row)[0]


def test_the_review_page_query_count_does_not_grow_with_indicators_or_files(
    client, official_id, secretariat, plan, cycle, django_assert_num_queries
):
    few = make_activity(plan, "3.1", leads=["ID"], indicators=1)
    many = make_activity(plan, "3.2", leads=["ID"], indicators=8)
    small = make_report(official_id, few, cycle, "submitted")
    files = [SimpleUploadedFile(f"{n}.pdf", PDF) for n in range(6)]
    large = make_report(official_id, many, cycle, "submitted", files=files)
    client.force_login(secretariat)
    client.get(f"/admin/reports/progressreport/{small.pk}/change/")
    # session, user, the report with its relations, permissions (2), the previous cycle, the
    # indicators with their values and previous values, the last return (none here), the
    # files, the timeline
    with django_assert_num_queries(10):
        client.get(f"/admin/reports/progressreport/{small.pk}/change/")
    with django_assert_num_queries(10):
        client.get(f"/admin/reports/progressreport/{large.pk}/change/")


def test_the_admin_is_branded(client, secretariat):
    client.force_login(secretariat)
    page = lxml.html.fromstring(client.get("/admin/").content.decode())
    assert page.cssselect("#site-name a")[0].text_content() == "AMMTC Tracker · secretariat"
    assert page.cssselect("title")[0].text_content().endswith("| AMMTC Tracker")
    assert page.cssselect("link[rel=icon]")[0].get("href").endswith("favicon.svg")


def test_the_report_changelist_has_few_columns_in_a_reviewers_words(
    client, official_id, secretariat, activity, cycle
):
    make_report(official_id, activity, cycle, "submitted")
    client.force_login(secretariat)
    page = lxml.html.fromstring(client.get("/admin/reports/progressreport/").content.decode())
    header = [th.text_content().strip() for th in page.cssselect("#result_list thead .text")]
    assert header[1:] == [
        "Activity",
        "Party",
        "Cycle",
        "Workflow status",
        "Implementation",
        "Submitted",
    ]
    row = cells(page.cssselect("#result_list tbody tr")[0])
    assert row[1:5] == ["2.1 SAMPLE", "Indonesia", "2026 cycle", "submitted (on time)"]
    assert row[5] == "in progress, 40%"
