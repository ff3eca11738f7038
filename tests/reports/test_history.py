"""What the historical rows say for people: the word diff, the changes since a report was
returned (review page) and the audit trail (history page)."""

import datetime
from decimal import Decimal

import lxml.html
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from reports.history import Segment, changes_since_return, word_diff
from reports.models import ProgressReport
from reports.services import discard_draft, save_report
from tests.factories import make_report

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_word_diff_marks_added_and_removed_words():
    assert word_diff("Trained 25 investigators.", "Trained 25 investigators in 3 sessions.") == [
        Segment("same", "Trained 25 investigators"),
        Segment("added", " in 3 sessions"),
        Segment("same", "."),
    ]
    assert word_diff("Two workshops held.", "Three workshops held.") == [
        Segment("removed", "Two"),
        Segment("added", "Three"),
        Segment("same", " workshops held."),
    ]


def test_word_diff_of_identical_or_empty_texts():
    assert word_diff("Same text.", "Same text.") == [Segment("same", "Same text.")]
    assert word_diff("", "New") == [Segment("added", "New")]
    assert word_diff("Old", "") == [Segment("removed", "Old")]
    assert word_diff("", "") == []


def resubmit_with(report, official, content, values):
    report = save_report(
        report=report,
        user=official,
        content=content,
        indicator_values=values,
        expected_version=report.version,
        files=[SimpleUploadedFile("attendance.pdf", PDF)],
    )
    report.transition("submit", by=official)
    return report


def test_changes_since_return_lists_each_changed_text_and_indicator(
    official_id, secretariat, activity, cycle
):
    report = make_report(official_id, activity, cycle, "returned", secretariat)
    indicator = activity.indicators.get()
    report = resubmit_with(
        report,
        official_id,
        {"achievements": "Two workshops held for 40 people.", "challenges": "Budget."},
        {indicator.pk: (Decimal(7), "")},
    )
    changes = changes_since_return(report)
    assert [(c.label, c.before, c.after) for c in changes] == [
        ("Achievements", "Two workshops held.", "Two workshops held for 40 people."),
        ("Challenges", "", "Budget."),
        ("Indicator 1", "4", "7"),
        ("Evidence files", "", "attendance.pdf"),
    ]
    assert changes[0].segments == [
        Segment("same", "Two workshops held"),
        Segment("added", " for 40 people"),
        Segment("same", "."),
    ]


def test_a_report_never_returned_has_no_changes_to_show(official_id, activity, cycle):
    assert changes_since_return(make_report(official_id, activity, cycle, "submitted")) == []


def test_the_review_page_shows_what_changed_since_the_return(
    client, official_id, secretariat, activity, cycle
):
    report = make_report(official_id, activity, cycle, "returned", secretariat)
    resubmit_with(report, official_id, {"achievements": "Three workshops held."}, {})
    client.force_login(secretariat)
    page = lxml.html.fromstring(
        client.get(f"/admin/reports/progressreport/{report.pk}/change/").content.decode()
    )
    section = page.get_element_by_id("changes")
    assert [d.text_content() for d in section.cssselect("del")] == ["[removed:]Two"]
    assert [i.text_content() for i in section.cssselect("ins")] == [
        "[added:]Three",
        "[added:]attendance.pdf",
    ]


def history_page(client, report_id):
    response = client.get(f"/admin/reports/progressreport/{report_id}/history/")
    assert response.status_code == 200
    return response, lxml.html.fromstring(response.content.decode())


def test_the_history_page_is_an_audit_trail_in_full(
    client, official_id, secretariat, activity, cycle
):
    official_id.first_name, official_id.last_name = "Sari", "Wulandari"
    official_id.save()
    long_text = "Trained investigators from five provinces. " * 6
    moment = timezone.localtime().replace(hour=9, minute=30, second=12, microsecond=345678)
    with time_machine.travel(moment):
        report = make_report(official_id, activity, cycle, files=[SimpleUploadedFile("a.pdf", PDF)])
        evidence = report.evidence_files.get()
        save_report(
            report=report,
            user=official_id,
            content={"achievements": long_text},
            expected_version=report.version,
            removed_files=[evidence.pk],
        )
    client.force_login(secretariat)
    response, page = history_page(client, report.pk)
    html = response.content.decode()
    headings = [" ".join(h.text_content().split()) for h in page.cssselect("#audit-trail h2")]
    when = f"{moment:%-d %b %Y}, 09:30 WIB"
    assert headings == [
        f"{when} · Sari Wulandari: started the report",
        f"{when} · Sari Wulandari: reported an indicator",
        f"{when} · Sari Wulandari: attached a file",
        f"{when} · Sari Wulandari: changed the report",
        f"{when} · Sari Wulandari: removed a file",
        f"{when} · Sari Wulandari: changed the report",
    ]
    assert long_text.strip() in html  # the full text, not "[258 chars]"
    assert "chars]" not in html and "Deleted user" not in html and "345678" not in html
    assert f"a.pdf (45\xa0bytes, SHA-256 {evidence.sha256})" in html
    indicator_row = page.cssselect("#audit-trail li")[1].cssselect("tbody tr")[0]
    assert [c.text_content() for c in indicator_row] == ["Indicator 1", "-", "4"]


def test_a_discarded_draft_keeps_its_history_for_the_secretariat(
    client, official_id, official_jp, secretariat, activity, cycle
):
    report = make_report(official_id, activity, cycle)
    report_id = report.pk
    discard_draft(report=report, user=official_id)
    client.force_login(secretariat)
    response, page = history_page(client, report_id)
    assert "This draft was discarded by its party" in response.content.decode()
    last = " ".join(page.cssselect("#audit-trail h2")[-1].text_content().split())
    assert last.endswith("official.id: discarded the draft")
    assert not ProgressReport.objects.filter(pk=report_id).exists()


def test_the_history_page_is_read_only_and_pinned_in_queries(
    client, official_id, secretariat, activity, cycle, django_assert_num_queries
):
    report = make_report(official_id, activity, cycle, "returned", secretariat)
    client.force_login(secretariat)
    url = f"/admin/reports/progressreport/{report.pk}/history/"
    client.get(url)
    # session, user, the report (with its activity, party and cycle), user's and groups'
    # permissions (2), the report's history rows, its transitions, its indicator values'
    # history rows, the indicators' names, its files' history rows
    with django_assert_num_queries(10):
        client.get(url)
    for _round in range(3):
        with time_machine.travel(timezone.now() + datetime.timedelta(minutes=5)):
            report = ProgressReport.objects.get(pk=report.pk)
            report = resubmit_with(report, official_id, {"achievements": "More."}, {})
            report.transition("return", by=secretariat, comment="Again.")
    with django_assert_num_queries(10):
        client.get(url)
