"""Object-level access: every URL that takes a report id, probed by every role."""

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reports.services import attach_evidence
from tests.factories import make_report

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def japanese_draft(official_jp, activity, cycle):
    report = make_report(official_jp, activity, cycle)
    attach_evidence(report=report, user=official_jp, upload=SimpleUploadedFile("minutes.pdf", PDF))
    return report


def report_urls(report):
    evidence = report.evidence_files.get()
    return [
        ("get", f"/reports/{report.pk}/"),
        ("get", f"/reports/{report.pk}/edit/"),
        ("post", f"/reports/{report.pk}/edit/"),
        ("post", f"/reports/{report.pk}/submit/"),
        ("post", f"/reports/{report.pk}/accept/"),
        ("post", f"/reports/{report.pk}/return/"),
        ("post", f"/reports/{report.pk}/reopen/"),
        ("get", f"/reports/{report.pk}/files/{evidence.pk}/"),
    ]


@pytest.mark.parametrize("state", ["draft", "submitted", "returned"])
def test_another_partys_unaccepted_report_does_not_exist_for_an_official(
    client, official_id, official_jp, secretariat, activity, cycle, state
):
    upload = SimpleUploadedFile("a.pdf", PDF)
    report = make_report(official_jp, activity, cycle, state, secretariat, files=[upload])
    client.force_login(official_id)
    for method, url in report_urls(report):
        assert getattr(client, method)(url).status_code == 404, url


def test_a_reader_sees_no_unaccepted_report(client, reader, japanese_draft):
    client.force_login(reader)
    for method, url in report_urls(japanese_draft):
        assert getattr(client, method)(url).status_code == 404, url


def test_an_anonymous_visitor_is_sent_to_log_in(client, japanese_draft):
    for method, url in [
        *report_urls(japanese_draft),
        ("get", "/my-reporting/"),
        ("get", "/reports/"),
    ]:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next="), url


def test_accepted_reports_are_readable_by_all_but_changeable_by_none(
    client, official_id, official_jp, secretariat, reader, activity, cycle
):
    report = make_report(official_jp, activity, cycle, "accepted", secretariat)
    for user in (official_id, reader):
        client.force_login(user)
        assert client.get(f"/reports/{report.pk}/").status_code == 200
        assert client.get(f"/reports/{report.pk}/edit/").status_code == 403
        assert client.post(f"/reports/{report.pk}/reopen/", {"comment": "x"}).status_code == 403


def test_the_report_list_shows_each_role_what_it_may_see(
    client, official_id, official_jp, secretariat, reader, activity, cycle, plan
):
    from tests.factories import make_activity

    other = make_activity(plan, "3.1", leads=["JP", "ID"])
    make_report(official_jp, activity, cycle, "submitted")
    make_report(official_jp, other, cycle, "accepted", secretariat)
    make_report(official_id, other, cycle, "draft")

    def codes(user):
        client.force_login(user)
        page = client.get("/reports/").context["page"]
        return sorted((r.activity.code, r.party.code, r.status) for r in page)

    everything = [("2.1", "JP", "submitted"), ("3.1", "ID", "draft"), ("3.1", "JP", "accepted")]
    assert codes(secretariat) == everything
    assert codes(official_id) == [("3.1", "ID", "draft"), ("3.1", "JP", "accepted")]
    assert codes(official_jp) == [("2.1", "JP", "submitted"), ("3.1", "JP", "accepted")]
    assert codes(reader) == [("3.1", "JP", "accepted")]


def test_the_report_list_query_count_does_not_grow_with_rows(
    client, official_id, secretariat, plan, cycle, django_assert_num_queries
):
    from tests.factories import make_activity

    def add_reports(numbers):
        for number in numbers:
            make_report(official_id, make_activity(plan, f"1.{number}", leads=["ID"]), cycle)

    add_reports(range(1, 4))
    client.force_login(secretariat)
    client.get("/reports/")
    # session (1), user (1), count for the paginator (1), the page (1), the filter's choices
    # of cycle, party and priority area (3); the session is not written again (the idle
    # timeout renews it at most every 5 minutes)
    with django_assert_num_queries(7):
        client.get("/reports/")
    add_reports(range(4, 30))
    with django_assert_num_queries(7):
        client.get("/reports/?status=draft&q=Activity")


def test_my_reporting_is_only_for_officials(client, secretariat, reader):
    for user in (secretariat, reader):
        client.force_login(user)
        assert client.get("/my-reporting/").status_code == 403


def test_my_reporting_query_count_does_not_grow_with_rows(
    client, official_id, secretariat, plan, cycle, django_assert_num_queries
):
    from tests.factories import make_activity

    def add(numbers):
        for number in numbers:
            activity = make_activity(plan, f"5.{number}", leads=["ID"], participants=["JP"])
            state = ["draft", "submitted", "returned", "accepted"][number % 4]
            make_report(official_id, activity, cycle, state, secretariat)

    add(range(1, 5))
    client.force_login(official_id)
    client.get("/my-reporting/")  # the first request after a login renews the session
    # session, user, party, cycles, the paginator's count of activities, the page of
    # activities, their lead parties, the party's reports, the reasons of returned reports
    with django_assert_num_queries(9):
        response = client.get("/my-reporting/")
    assert len(response.context["rows"]) == 4
    add(range(5, 61))
    with django_assert_num_queries(9):
        response = client.get("/my-reporting/")
    assert len(response.context["rows"]) == 50


def test_my_reporting_shows_fifty_activities_a_page(client, official_id, secretariat, plan, cycle):
    from tests.factories import make_activity

    for number in range(10, 65):
        make_activity(plan, f"1.{number}", leads=["ID"])
    client.force_login(official_id)
    first = lxml.html.fromstring(client.get("/my-reporting/").content.decode())
    codes = [row.get("data-activity") for row in first.cssselect("#my-activities tbody tr")]
    assert (len(codes), codes[0], codes[-1]) == (50, "1.10", "1.59")
    pages = first.cssselect("p.pages")[0]
    assert " ".join(pages.text_content().split()) == "Page 1 of 2 Next"
    second_url = pages.cssselect("a[rel=next]")[0].get("href")
    assert second_url == f"?cycle={cycle.pk}&page=2"
    second = lxml.html.fromstring(client.get("/my-reporting/" + second_url).content.decode())
    codes = [row.get("data-activity") for row in second.cssselect("#my-activities tbody tr")]
    assert codes == [f"1.{number}" for number in range(60, 65)]


def test_my_reporting_lists_the_partys_activities_with_their_report_state(
    client, official_id, secretariat, plan, cycle
):
    from tests.factories import make_activity

    led = make_activity(plan, "1.1", leads=["ID"])
    taken_part = make_activity(plan, "1.2", leads=["JP"], participants=["ID"])
    make_activity(plan, "1.3", leads=["JP"])
    make_report(official_id, led, cycle, "returned", secretariat)
    client.force_login(official_id)
    response = client.get("/my-reporting/")
    rows = [(a.code, r.status if r else None) for a, r in response.context["rows"]]
    assert rows == [("1.1", "returned"), ("1.2", None)]
    html = response.content.decode()
    assert "days left" in html
    assert "Add numbers." in html
    assert taken_part.title in html
