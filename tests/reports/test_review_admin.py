"""The secretariat's review console in the admin: the queue, accept, return, bulk accept."""

import datetime

import time_machine
from django.utils import timezone

from reports.models import ProgressReport
from tests.factories import make_activity, make_report

QUEUE = "/admin/reports/submittedreport/"


def test_the_queue_lists_submitted_reports_oldest_first(
    client, official_id, official_jp, secretariat, plan, cycle
):
    later = make_activity(plan, "1.1", leads=["ID", "JP"])
    earlier = make_activity(plan, "1.2", leads=["ID"])
    make_report(official_id, earlier, cycle, "submitted")
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=1)):
        make_report(official_jp, later, cycle, "submitted")
    make_report(official_id, later, cycle, "draft")
    client.force_login(secretariat)
    response = client.get(QUEUE)
    assert response.status_code == 200
    rows = [(r.activity.code, r.party.code) for r in response.context["cl"].result_list]
    assert rows == [("1.2", "ID"), ("1.1", "JP")]


def test_the_queue_filters_by_priority_area_party_and_lateness(
    client, official_id, secretariat, plan, cycle
):
    make_report(official_id, make_activity(plan, "1.1", leads=["ID"]), cycle, "submitted")
    make_report(official_id, make_activity(plan, "4.1", leads=["ID"]), cycle, "submitted")
    area = plan.priority_areas.get(number=4)
    client.force_login(secretariat)
    response = client.get(QUEUE, {"activity__priority_area__id__exact": area.pk})
    assert [r.activity.code for r in response.context["cl"].result_list] == ["4.1"]
    response = client.get(QUEUE, {"is_late__exact": "1"})
    assert list(response.context["cl"].result_list) == []
    response = client.get(QUEUE, {"party__id__exact": official_id.party_id})
    assert len(response.context["cl"].result_list) == 2


def test_the_review_page_accepts_a_report(client, official_id, secretariat, activity, cycle):
    report = make_report(official_id, activity, cycle, "submitted")
    client.force_login(secretariat)
    page = client.get(f"{QUEUE}{report.pk}/change/").content.decode()
    assert 'id="review-panel"' in page and 'name="review-accept"' in page
    response = client.post(f"/admin/reports/submittedreport/{report.pk}/review/accept/")
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.reviewed_by) == ("accepted", secretariat)


def test_returning_from_the_admin_needs_a_reason(client, official_id, secretariat, activity, cycle):
    report = make_report(official_id, activity, cycle, "submitted")
    client.force_login(secretariat)
    review = f"/admin/reports/progressreport/{report.pk}/review/return/"
    response = client.post(review, {"comment": ""}, follow=True)
    assert "Give a reason; the official will see it." in response.content.decode()
    report.refresh_from_db()
    assert report.status == "submitted"

    client.post(review, {"comment": "Add the attendance list."})
    report.refresh_from_db()
    assert report.status == "returned"
    assert report.transitions.last().comment == "Add the attendance list."


def test_bulk_accept_accepts_the_submitted_and_reports_the_rest(
    client, official_id, secretariat, plan, cycle
):
    submitted = [
        make_report(official_id, make_activity(plan, f"2.{n}", leads=["ID"]), cycle, "submitted")
        for n in (1, 2)
    ]
    draft = make_report(official_id, make_activity(plan, "2.3", leads=["ID"]), cycle, "draft")
    client.force_login(secretariat)
    response = client.post(
        "/admin/reports/progressreport/",
        {
            "action": "accept_selected",
            "_selected_action": [r.pk for r in [*submitted, draft]],
        },
        follow=True,
    )
    html = response.content.decode()
    assert "Accepted 2 reports." in html
    assert "Cannot accept a report that is draft." in html
    statuses = sorted(ProgressReport.objects.values_list("status", flat=True))
    assert statuses == ["accepted", "accepted", "draft"]


def test_the_admin_cannot_edit_report_content(
    client, official_id, secretariat, superuser, activity, cycle
):
    report = make_report(official_id, activity, cycle, "submitted")
    change_url = f"/admin/reports/progressreport/{report.pk}/change/"
    client.force_login(secretariat)
    response = client.post(change_url, {"achievements": "Rewritten"})
    assert response.status_code == 403
    page = client.get(change_url).content.decode()
    assert 'name="achievements"' not in page
    assert '<dd id="achievements">Two workshops held.</dd>' in page
    # Even with every permission the content fields are read-only: a POST changes nothing.
    client.force_login(superuser)
    assert 'name="achievements"' not in client.get(change_url).content.decode()
    client.post(change_url, {"achievements": "Rewritten", "_save": "Save"})
    report.refresh_from_db()
    assert report.achievements == "Two workshops held."
    assert report.version == 3


def test_officials_and_readers_cannot_use_the_review_console(
    client, official_id, reader, secretariat, activity, cycle
):
    report = make_report(official_id, activity, cycle, "submitted")
    for user in (official_id, reader):
        client.force_login(user)
        response = client.post(f"/admin/reports/progressreport/{report.pk}/review/accept/")
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    report.refresh_from_db()
    assert report.status == "submitted"


def test_the_review_page_links_to_the_evidence(client, official_id, secretariat, activity, cycle):
    from django.core.files.uploadedfile import SimpleUploadedFile

    pdf = b"%PDF-1.4\n%%EOF\n"
    upload = SimpleUploadedFile("minutes.pdf", pdf)
    report = make_report(official_id, activity, cycle, "submitted", files=[upload])
    evidence = report.evidence_files.get()
    client.force_login(secretariat)
    page = client.get(f"{QUEUE}{report.pk}/change/").content.decode()
    url = f"/reports/{report.pk}/files/{evidence.pk}/"
    assert f'<a href="{url}">minutes.pdf</a>' in page
    assert b"".join(client.get(url).streaming_content) == pdf


def test_the_secretariat_reads_a_reports_full_history_in_the_admin(
    client, official_id, secretariat, activity, cycle
):
    report = make_report(official_id, activity, cycle, "returned", secretariat)
    client.force_login(secretariat)
    response = client.get(f"/admin/reports/progressreport/{report.pk}/history/")
    assert response.status_code == 200
    # In the order they were recorded: the value is written before the report's new version.
    assert [entry.what for entry in response.context["entries"]] == [
        "started the report",
        "reported an indicator",
        "changed the report",
        "submitted the report (draft → submitted)",
        "returned the report (submitted → returned)",
    ]
