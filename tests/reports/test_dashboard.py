"""The home page: the dashboard for those signed in, the plan (and, when PUBLIC_DASHBOARD is on,
the accepted figures) for everyone else. Read as a person reads it: the tables under each chart."""

import base64
import io
import xml.etree.ElementTree as ET

import openpyxl
import pytest

from ammtc_tracker.models import User
from priorities.models import Party
from reports import figures
from reports.documents import build_document
from reports.exports import render
from tests.factories import make_activity, make_every_state, make_report
from tests.html_tables import page, rows

AREAS = "//section[@id='status-by-area']//table"
TREND = "//section[@id='trend']//table"
RATES = "//section[@id='reporting-rate']//table"
OWN = "//section[@id='own-party']//table"
PLAN_WIDE = "//section[@aria-labelledby='plan-wide-heading']"


@pytest.fixture
def cycles(plan, official_id, official_jp, official_th, secretariat):
    return make_every_state(plan, official_id, official_jp, official_th, secretariat)


NONE = "\u2013"  # what a page shows for a figure there is none of


def pct(value):
    return NONE if value is None else f"{value}%"


def area_rows(areas):
    return [
        [
            f"{a.number}. {a.title}",
            str(a.reports),
            pct(a.average_percent),
            *(str(a.by_implementation[s]) for s in figures.Implementation.values),
        ]
        for a in areas
    ]


def trend_rows(points):
    return [
        [
            p.title,
            str(p.reports),
            pct(p.average_percent),
            str(p.expected),
            str(p.received),
            str(p.on_time),
            pct(p.reporting_rate),
            pct(p.on_time_rate),
        ]
        for p in points
    ]


def rate_rows(rates):
    return [
        [
            r.name,
            str(r.expected),
            str(r.received),
            str(r.on_time),
            str(r.accepted),
            pct(r.reporting_rate),
            pct(r.on_time_rate),
        ]
        for r in rates
    ]


def test_the_dashboard_shows_the_figures_of_the_latest_cycle_with_accepted_reports(
    client, cycles, secretariat
):
    now = cycles[1]
    client.force_login(secretariat)
    response = client.get("/")
    assert response.status_code == 200
    assert "<h1>Where the plan stands: This year</h1>" in response.content.decode()
    assert rows(response, AREAS)[1:] == area_rows(figures.status_by_area(now, secretariat))
    assert rows(response, TREND)[1:] == trend_rows(figures.trend(now, secretariat))
    assert rows(response, RATES)[1:] == rate_rows(figures.reporting_rate(now, secretariat))
    # Counted by hand (tests.factories.make_every_state): accepted 1.1 (ID, 40%) and 3.1 (JP,
    # completed); Japan expected 3, received 2 (one late), accepted 1.
    table = rows(response, AREAS)
    assert table[1][:4] == ["1. Terrorism", "1", "40.0%", "0"]
    assert table[3][:3] == ["3. Illicit drug trafficking", "1", "100.0%"]
    assert rows(response, TREND)[1:] == [
        ["Last year", "2", "5.0%", "8", "2", "2", "25.0%", "25.0%"],
        ["This year", "2", "70.0%", "8", "4", "2", "50.0%", "25.0%"],
    ]
    assert ["Japan", "3", "2", "1", "1", "66.7%", "33.3%"] in rows(response, RATES)


def test_each_chart_is_an_svg_image_with_its_table(client, cycles, secretariat):
    client.force_login(secretariat)
    images = page(client.get("/")).xpath("//section//figure/img")
    assert len(images) == 3
    for image in images:
        source = image.get("src")
        assert source.startswith("data:image/svg+xml;base64,")
        assert ET.fromstring(base64.b64decode(source.split(",", 1)[1])).tag.endswith("svg")
        assert "the table below gives its numbers" in image.get("alt")


def test_another_cycle_can_be_chosen(client, cycles, secretariat):
    before = cycles[0]
    client.force_login(secretariat)
    response = client.get("/", {"cycle": before.pk})
    assert "<h1>Where the plan stands: Last year</h1>" in response.content.decode()
    assert rows(response, TREND)[1:] == [
        ["Last year", "2", "5.0%", "8", "2", "2", "25.0%", "25.0%"]
    ]


def test_an_official_sees_their_partys_whole_picture(client, cycles, official_id):
    client.force_login(official_id)
    response = client.get("/")
    assert rows(response, OWN)[1:] == [
        # area, expected, accepted, submitted, returned, draft, not started, late, average
        ["1. Terrorism", "1", "1", "0", "0", "0", "0", "0", "40.0%"],
        ["2. Cybercrime", "0", "0", "0", "0", "0", "0", "0", NONE],
        ["3. Illicit drug trafficking", "2", "0", "0", "0", "1", "1", "0", "50.0%"],
        ["4. Piracy and armed robbery at sea", "0", "0", "0", "0", "0", "0", "0", NONE],
        ["5. Trafficking in persons", "0", "0", "0", "0", "0", "0", "0", NONE],
    ]


def test_japans_official_sees_japans_unaccepted_reports_in_its_own_picture(
    client, cycles, official_jp
):
    client.force_login(official_jp)
    own = rows(client.get("/"), OWN)
    assert own[1] == ["1. Terrorism", "1", "0", "1", "0", "0", "0", "0", "20.0%"]
    assert own[2] == ["2. Cybercrime", "1", "0", "0", "1", "0", "0", "0", "5.0%"]


def test_the_plan_wide_figures_of_an_official_show_no_other_partys_unaccepted_report(
    client, cycles, official_id, official_jp, reader
):
    """Indonesia has nothing submitted, so its plan-wide figures are exactly a reader's: none of
    Japan's or Thailand's submitted or returned reports shows. Japan's own submission does."""
    seen = {}
    for user in (official_id, official_jp, reader):
        client.force_login(user)
        seen[user.username] = rows(client.get("/"), PLAN_WIDE)
    assert seen["official.id"] == seen["reader"]
    assert seen["official.jp"] != seen["reader"]
    client.force_login(official_id)
    response = client.get("/")
    assert ["Japan", "3", "1", "0", "1", "33.3%", "0.0%"] in rows(response, RATES)
    assert ["Thailand", "2", "0", "0", "0", "0.0%", "0.0%"] in rows(response, RATES)
    assert rows(response, AREAS)[1][:2] == ["1. Terrorism", "1"]


def test_a_reader_sees_accepted_figures_and_no_party_picture(client, cycles, reader):
    client.force_login(reader)
    response = client.get("/")
    assert page(response).xpath("//section[@id='own-party']") == []
    assert rows(response, AREAS)[1:] == area_rows(figures.status_by_area(cycles[1], reader))
    assert ["Japan", "3", "1", "0", "1", "33.3%", "0.0%"] in rows(response, RATES)


def test_the_secretariat_is_pointed_to_the_review_queue_and_compliance(client, cycles, secretariat):
    client.force_login(secretariat)
    html = client.get("/").content.decode()
    assert "2 reports wait for review." in html
    assert f'href="/admin/reports/reportingcycle/{cycles[1].pk}/compliance/"' in html


def test_the_anonymous_home_page_is_the_plan_without_figures(client, cycles):
    response = client.get("/")
    html = response.content.decode()
    assert "Agreed at the 19th SOMTC+Japan (Yogyakarta, June 2023)." in html
    assert 'id="public-figures"' not in html and "data:image" not in html


def test_a_public_dashboard_shows_anonymous_visitors_the_accepted_figures(
    client, cycles, reader, settings
):
    settings.PUBLIC_DASHBOARD = True
    response = client.get("/")
    assert "Agreed at the 19th SOMTC+Japan (Yogyakarta, June 2023)." in response.content.decode()
    assert rows(response, AREAS)[1:] == area_rows(figures.status_by_area(cycles[1], reader))
    assert rows(response, TREND)[1:] == trend_rows(figures.trend(cycles[1], reader))
    assert rows(response, RATES)[1:] == rate_rows(figures.reporting_rate(cycles[1], reader))
    assert page(response).xpath("//section[@id='own-party']") == []


def test_without_a_cycle_the_dashboard_says_so(client, reference, reader):
    client.force_login(reader)
    response = client.get("/")
    assert response.status_code == 200
    assert "No reporting cycle has been opened yet." in response.content.decode()


def test_the_dashboards_query_count_does_not_grow_with_activities(
    client, cycles, plan, official_id, secretariat, django_assert_num_queries
):
    def visit(user, count):
        client.force_login(user)
        client.get("/")  # the first request after a login renews the session
        with django_assert_num_queries(count):
            assert client.get("/").status_code == 200

    def visit_all():
        # The session and the user (2), the cycles to choose from with
        # their plans (1), the latest with accepted reports (1); the plan's figures version for
        # status by area, the trend and the reporting rate (3: their counts are in the cache
        # since the previous request); the consultations the cycle feeds (1).
        # The official adds the party (1) and the figures version of its own picture (1).
        visit(official_id, 10)
        # The secretariat adds the review queue (1).
        visit(secretariat, 9)

    visit_all()
    official_th = User.objects.get(username="official.th")
    for number in range(3, 23):
        activity = make_activity(plan, f"3.{number}", leads=["ID", "TH"], participants=["JP"])
        make_report(official_th, activity, cycles[1], "accepted", secretariat)
    visit_all()
    assert Party.objects.get(code="TH").reports.count() == 21


@pytest.mark.parametrize("viewer", ["secretariat", "reader", "official_id"])
def test_the_dashboard_agrees_with_the_somtc_document_of_the_same_cycle(
    client, cycles, viewer, request
):
    """The SOMTC+Japan progress report of the cycle, prepared for the same user and read back
    from its workbook: its status per area and its compliance table are the dashboard's."""

    def number(value):  # a workbook gives 40.0 back as 40
        return pct(None if value is None else float(value))

    user = request.getfixturevalue(viewer)
    document = build_document(cycle=cycles[1], user=user, level="technical")
    book = openpyxl.load_workbook(io.BytesIO(render(document, "xlsx")))
    summary = [list(row) for row in book["Summary"].iter_rows(values_only=True)]
    start = next(i for i, row in enumerate(summary) if row[0] == "Priority area") + 1
    # number, title, activities, without a report, reports, average, then one per status
    in_document = [
        [f"{row[0]}. {row[1]}", str(row[4]), number(row[5]), *(str(n) for n in row[6:12])]
        for row in summary[start : start + 5]
    ]
    compliance = [list(row) for row in book["Compliance"].iter_rows(min_row=2, values_only=True)]
    # code, name, expected, received, on time, accepted, reporting rate, on-time rate
    rates_in_document = [
        [row[1], *(str(n) for n in row[2:6]), number(row[6]), number(row[7])]
        for row in compliance
        if row[0] and row[1] and row[0] != "All"
    ]
    client.force_login(user)
    response = client.get("/")
    assert rows(response, AREAS)[1:] == in_document
    assert rows(response, RATES)[1:] == rates_in_document
