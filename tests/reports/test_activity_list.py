"""The work plan's activities, a page at a time, each linking to its accepted reports."""

import pytest

from ammtc_tracker.models import Role
from tests.factories import make_activity, make_every_state, make_report, make_user
from tests.html_tables import links, page, rows

URL = "/plan/activities/"


@pytest.fixture
def cycles(plan, official_id, official_jp, secretariat):
    thai = make_user("official.th", Role.OFFICIAL, "TH")
    return make_every_state(plan, official_id, official_jp, thai, secretariat)


def report_links(response, code):
    return links(response, f"//tr[@data-activity='{code}']/td[3]")


@pytest.mark.parametrize("viewer", ["official_id", "official_jp", "reader", "secretariat"])
def test_activities_link_to_their_accepted_reports_only(client, cycles, viewer, request):
    """Japan's own submitted report on 1.1 is not linked, even for Japan: the list shows what
    was accepted; a party's own reports are on its reporting page."""
    before, now = cycles
    client.force_login(request.getfixturevalue(viewer))
    response = client.get(URL)
    assert response.status_code == 200
    indonesia = now.reports.get(activity__code="1.1", party__code="ID")
    japan = now.reports.get(activity__code="3.1", party__code="JP")
    assert report_links(response, "1.1") == [("Indonesia", f"/reports/{indonesia.pk}/")]
    assert report_links(response, "2.1") == []  # returned
    assert report_links(response, "3.1") == [("Japan", f"/reports/{japan.pk}/")]
    assert report_links(response, "3.2") == []  # submitted
    earlier = client.get(URL, {"cycle": before.pk})
    japan = before.reports.get(activity__code="2.1", party__code="JP")
    assert report_links(earlier, "2.1") == [("Japan", f"/reports/{japan.pk}/")]
    assert report_links(earlier, "3.1") == []


def test_an_anonymous_visitor_sees_the_activities_and_is_asked_to_log_in_for_reports(
    client, cycles
):
    response = client.get(URL)
    assert response.status_code == 200
    assert report_links(response, "1.1") == [
        ("Log in to see the reports", "/accounts/login/?next=/plan/activities/")
    ]


def test_the_list_shows_parties_and_the_sample_badge(client, cycles, reader):
    client.force_login(reader)
    response = client.get(URL)
    row = rows(response, "//table[@id='activities']")[1]
    assert row[0] == "1.1 Activity 1.1 SAMPLE Terrorism"
    assert row[1] == "Lead: Indonesia With: Japan"


def test_one_priority_area_at_a_time(client, cycles, reader):
    client.force_login(reader)
    response = client.get(URL, {"area": "3"})
    codes = page(response).xpath("//tr/@data-activity")
    assert codes == ["3.1", "3.2"]
    assert "<h1>3. Illicit drug trafficking</h1>" in response.content.decode()


def test_the_list_is_paginated(client, plan, reader):
    for number in range(1, 61):
        make_activity(plan, f"5.{number}", leads=["ID"])
    client.force_login(reader)
    first = client.get(URL)
    assert "Page 1 of 2" in first.content.decode()
    second = client.get(URL, {"page": 2})
    on_first, on_second = (page(r).xpath("//tr/@data-activity") for r in (first, second))
    assert (len(on_first), len(on_second)) == (50, 10)
    assert set(on_first) | set(on_second) == {f"5.{number}" for number in range(1, 61)}


def test_the_query_count_does_not_grow_with_activities_or_reports(
    client, cycles, plan, official_id, secretariat, django_assert_num_queries
):
    client.force_login(official_id)
    client.get(URL)  # the first request after a login renews the session

    def visit():
        # The session and the user (2), the plan (1), its areas and cycles (2), the latest
        # cycle with accepted reports (1), the count and the page of activities (2), their
        # lead and participating parties (2), the accepted reports with their parties (1).
        with django_assert_num_queries(11):
            assert client.get(URL).status_code == 200

    visit()
    for number in range(3, 30):
        activity = make_activity(plan, f"4.{number}", leads=["ID"], participants=["JP", "TH"])
        make_report(official_id, activity, cycles[1], "accepted", secretariat)
    visit()
