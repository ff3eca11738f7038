"""The secretariat's compliance screen in the admin, on a cycle with a report in every state
(tests.factories.make_every_state), counted by hand; its XLSX read back with openpyxl; and the
admin index's overview."""

import io

import openpyxl
import pytest
from django.utils import timezone

from priorities.models import Activity, Party
from reports import admin_compliance
from reports.models import ReportingCycle
from tests.factories import make_activity, make_every_state, make_report
from tests.html_tables import links, page, rows


@pytest.fixture
def cycles(plan, official_id, official_jp, official_th, secretariat):
    return make_every_state(plan, official_id, official_jp, official_th, secretariat)


@pytest.fixture
def screen(cycles):
    return f"/admin/reports/reportingcycle/{cycles[1].pk}/compliance/"


def party_id(code):
    return Party.objects.get(code=code).pk


def test_the_matrix_shows_every_expected_report_in_its_state(client, screen, secretariat):
    client.force_login(secretariat)
    response = client.get(screen)
    assert response.status_code == 200
    assert rows(response, "//table[@id='matrix']") == [
        ["Activity", "ID", "JP", "TH"],
        ["1.1 Activity 1.1", "accepted lead", "submitted", ""],
        ["2.1 Activity 2.1", "", "returned lead", ""],
        ["3.1 Activity 3.1", "draft lead", "accepted, late", "missing"],
        ["3.2 Activity 3.2", "missing", "", "submitted, late lead"],
    ]


def test_the_totals_per_party_and_per_area(client, screen, secretariat):
    client.force_login(secretariat)
    response = client.get(screen)
    header = [
        "Expected",
        "Accepted",
        "Submitted",
        "Returned",
        "Draft",
        "Missing",
        "Late",
        "Reporting rate",
        "On-time rate",
    ]
    assert rows(response, "//table[@id='by-party']") == [
        ["Party", *header],
        ["Indonesia", "3", "1", "0", "0", "1", "1", "0", "33.3%", "33.3%"],
        ["Japan", "3", "1", "1", "1", "0", "0", "1", "66.7%", "33.3%"],
        ["Thailand", "2", "0", "1", "0", "0", "1", "1", "50.0%", "0.0%"],
        ["All", "8", "2", "2", "1", "1", "2", "2", "50.0%", "25.0%"],
    ]
    assert rows(response, "//table[@id='by-area']")[1:] == [
        ["1. Terrorism", "2", "1", "1", "0", "0", "0", "0", "100.0%", "100.0%"],
        ["2. Cybercrime", "1", "0", "0", "1", "0", "0", "0", "0.0%", "0.0%"],
        ["3. Illicit drug trafficking", "5", "1", "1", "0", "1", "2", "2", "40.0%", "0.0%"],
        ["All", "8", "2", "2", "1", "1", "2", "2", "50.0%", "25.0%"],
    ]


def test_each_cell_links_to_the_report_or_to_the_partys_officials(
    client, cycles, screen, secretariat
):
    client.force_login(secretariat)
    response = client.get(screen)
    draft = cycles[1].reports.get(activity__code="3.1", party__code="ID")
    assert links(response, "//tr[@data-activity='3.1']") == [
        ("draft", f"/admin/reports/progressreport/{draft.pk}/change/"),
        (
            "accepted, late",
            f"/admin/reports/progressreport/"
            f"{cycles[1].reports.get(activity__code='3.1', party__code='JP').pk}/change/",
        ),
        (
            "missing",
            f"/admin/ammtc_tracker/user/?party__id__exact={party_id('TH')}&role__exact=Official",
        ),
    ]
    assert client.get(f"/admin/reports/progressreport/{draft.pk}/change/").status_code == 200
    officials = client.get(
        f"/admin/ammtc_tracker/user/?party__id__exact={party_id('TH')}&role__exact=Official"
    )
    assert [u.username for u in officials.context["cl"].result_list] == ["official.th"]


def test_the_matrix_filtered_by_party_and_by_area(client, screen, secretariat, plan):
    client.force_login(secretariat)
    by_party = client.get(screen, {"party": party_id("TH")})
    assert rows(by_party, "//table[@id='matrix']") == [
        ["Activity", "TH"],
        ["3.1 Activity 3.1", "missing"],
        ["3.2 Activity 3.2", "submitted, late lead"],
    ]
    assert [r[0] for r in rows(by_party, "//table[@id='by-party']")] == ["Party", "Thailand", "All"]
    area = plan.priority_areas.get(number=1)
    by_area = client.get(screen, {"area": area.pk})
    assert rows(by_area, "//table[@id='matrix']")[1:] == [
        ["1.1 Activity 1.1", "accepted lead", "submitted"]
    ]
    xlsx = page(by_area).xpath("//a[@id='compliance-xlsx']/@href")
    assert xlsx == [f"{screen[:-1]}.xlsx?area={area.pk}"]


def test_the_matrix_a_page_of_activities_at_a_time(client, screen, secretariat, monkeypatch):
    monkeypatch.setattr(admin_compliance, "ACTIVITIES_PER_PAGE", 3)
    client.force_login(secretariat)
    first = client.get(screen)
    assert page(first).xpath("//table[@id='matrix']//tr/@data-activity") == ["1.1", "2.1", "3.1"]
    assert "Page 1 of 2" in first.content.decode()
    second = client.get(screen, {"page": 2})
    assert page(second).xpath("//table[@id='matrix']//tr/@data-activity") == ["3.2"]
    # The totals are the whole cycle's on every page.
    assert rows(second, "//table[@id='by-party']")[-1][1] == "8"
    # A page past the end (say, after narrowing the filters) shows the last one.
    past = client.get(screen, {"page": 9})
    assert page(past).xpath("//table[@id='matrix']//tr/@data-activity") == ["3.2"]


def test_the_xlsx_download(client, cycles, screen, secretariat):
    Activity.objects.filter(code="2.1").update(title='=HYPERLINK("http://evil.example")')
    client.force_login(secretariat)
    response = client.get(f"{screen[:-1]}.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"] == 'attachment; filename="compliance-this-year.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Matrix", "By party", "By priority area"]
    matrix = [list(row) for row in book["Matrix"].iter_rows(values_only=True)]
    assert matrix == [
        ["Code", "Activity", "Priority area", "Indonesia", "Japan", "Thailand"],
        ["1.1", "Activity 1.1", "1. Terrorism", "accepted", "submitted", None],
        ["2.1", '\'=HYPERLINK("http://evil.example")', "2. Cybercrime", None, "returned", None],
        [
            "3.1",
            "Activity 3.1",
            "3. Illicit drug trafficking",
            "draft",
            "accepted, late",
            "missing",
        ],
        ["3.2", "Activity 3.2", "3. Illicit drug trafficking", "missing", None, "submitted, late"],
    ]
    assert book["Matrix"].freeze_panes == "D2"
    assert book["Matrix"].auto_filter.ref == "A1:F5"
    parties = book["By party"]
    assert [c.value for c in parties[1]] == [
        "Party",
        "Expected",
        "Accepted",
        "Submitted",
        "Returned",
        "Draft",
        "Missing",
        "Received late",
        "Reporting rate",
        "On-time rate",
    ]
    japan = [c.value for c in parties[3]]
    assert japan == ["Japan", 3, 1, 1, 1, 0, 0, 1, 0.667, 0.333]
    assert parties["I3"].number_format == "0.0%"
    assert [c.value for c in parties[5]][:2] == ["All", 8]
    areas = [[c.value for c in row] for row in book["By priority area"].iter_rows(min_row=2)]
    assert areas[2][:3] == ["3. Illicit drug trafficking", 5, 1]


def test_the_xlsx_follows_the_filters(client, screen, secretariat):
    client.force_login(secretariat)
    response = client.get(f"{screen[:-1]}.xlsx", {"party": party_id("JP")})
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [list(r) for r in book["Matrix"].iter_rows(values_only=True)] == [
        ["Code", "Activity", "Priority area", "Japan"],
        ["1.1", "Activity 1.1", "1. Terrorism", "submitted"],
        ["2.1", "Activity 2.1", "2. Cybercrime", "returned"],
        ["3.1", "Activity 3.1", "3. Illicit drug trafficking", "accepted, late"],
    ]


@pytest.mark.parametrize("viewer", ["official_id", "reader", None])
def test_only_the_secretariat_opens_the_compliance_screen(client, screen, viewer, request):
    if viewer:
        client.force_login(request.getfixturevalue(viewer))
    for url in (screen, f"{screen[:-1]}.xlsx"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/"), url


def test_the_cycle_list_and_page_link_to_the_compliance_screen(client, cycles, screen, secretariat):
    client.force_login(secretariat)
    listing = client.get("/admin/reports/reportingcycle/").content.decode()
    assert f'<a href="{screen}">who has reported</a>' in listing
    change = client.get(f"/admin/reports/reportingcycle/{cycles[1].pk}/change/")
    assert f'<a href="{screen}">Compliance</a>' in change.content.decode()


def test_the_screens_query_count_does_not_grow_with_activities(
    client, cycles, screen, plan, official_id, secretariat, django_assert_num_queries
):
    client.force_login(secretariat)
    client.get(screen)  # the first request after a login renews the session

    def visit(count):
        with django_assert_num_queries(count):
            assert client.get(screen).status_code == 200

    # The session and the user (2), the cycle with its plan (1); the
    # totals: the plan's figures version (1; the counts are in the cache since the previous
    # request); the matrix: the activities
    # counted, a page of them, the parties, the reports, the leads and participants of the
    # page (6); the parties and areas to filter by (2); the admin's permission checks for its
    # menu (2).
    visit(14)
    for number in range(3, 40):
        activity = make_activity(plan, f"4.{number}", leads=["ID"], participants=["JP", "TH"])
        make_report(official_id, activity, cycles[1], "submitted")
    client.get(screen)  # the figures of the changed plan are counted again, then cached
    visit(14)


def test_the_admin_index_opens_with_the_review_queue_and_the_open_cycle(
    client, cycles, secretariat
):
    client.force_login(secretariat)
    response = client.get("/admin/")
    html = response.content.decode()
    assert html.index('id="secretariat-overview"') < html.index('id="content-main"')
    overview = " ".join(page(response).xpath("//p[@id='queue-count']")[0].text_content().split())
    assert overview.startswith("2 reports wait for review · 1 came in late · the oldest since")
    assert page(response).xpath("//p[@id='open-cycle']//a/@href") == [
        f"/admin/reports/reportingcycle/{cycles[1].pk}/compliance/"
    ]
    assert rows(response, "//table[@id='open-cycle-summary']") == [
        ["Expected", "8"],
        ["Accepted", "2"],
        ["Submitted, waiting for review", "2"],
        ["Returned to the party", "1"],
        ["Draft", "1"],
        ["Missing", "2"],
        ["Reporting rate", "50.0%"],
        ["On-time rate", "25.0%"],
    ]
    # Django's own list of apps is still there, below.
    assert 'id="content-main"' in html and "Reporting cycles" in html


def test_the_admin_index_without_an_open_cycle(client, cycles, secretariat):
    ReportingCycle.objects.update(closed_at=timezone.now())
    client.force_login(secretariat)
    response = client.get("/admin/")
    assert "No cycle is open." in response.content.decode()


def test_the_admin_index_query_count_does_not_grow_with_reports(
    client, cycles, plan, official_id, secretariat, django_assert_num_queries
):
    client.force_login(secretariat)
    client.get("/admin/")  # the first request after a login renews the session

    def visit():
        # The session and the user (2), the admin's permission checks (2), the open cycle (1),
        # the review queue (1), the open cycle's totals: the plan's figures version (1: the
        # counts are in the cache since the previous request), the recent actions (1).
        client.get("/admin/")  # after a change, the figures are counted again, then cached
        with django_assert_num_queries(8):
            assert client.get("/admin/").status_code == 200

    visit()
    for number in range(3, 30):
        activity = make_activity(plan, f"4.{number}", leads=["ID"], participants=["JP"])
        make_report(official_id, activity, cycles[1], "submitted")
    visit()
