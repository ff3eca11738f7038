"""The public description of the plan: the anonymous home page and /plan/."""

import pytest

from tests.factories import make_activity
from tests.html_tables import links


@pytest.mark.parametrize("url", ["/", "/plan/"])
def test_the_plan_page_lists_the_five_priority_areas(client, plan, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    for title in (
        "Terrorism",
        "Cybercrime",
        "Illicit drug trafficking",
        "Piracy and armed robbery at sea",
        "Trafficking in persons",
    ):
        assert title in html
    assert "Agreed at the 19th SOMTC+Japan (Yogyakarta, June 2023)." in html


def test_the_plan_page_counts_activities_and_links_to_them_instead_of_listing_them(client, plan):
    for code in ("2.1", "2.2", "2.3"):
        make_activity(plan, code, leads=["ID"])
    response = client.get("/plan/")
    areas = links(response, "//ol[@class='areas']")
    assert ("3 activities", "/plan/activities/?area=2") in areas
    assert ("0 activities", "/plan/activities/?area=1") in areas
    assert "Activity 2.1" not in response.content.decode()


def test_the_plan_page_query_count_does_not_grow_with_activities(
    client, plan, django_assert_num_queries
):
    for number in range(1, 6):
        make_activity(plan, f"{number}.1", leads=["ID", "JP"])
    # The plan with the consultations that agreed and adopted it (1), priority areas with
    # their activity counts (1), consultations with hosts (1).
    with django_assert_num_queries(3):
        client.get("/")
    for number in range(1, 6):
        for extra in range(2, 6):
            make_activity(plan, f"{number}.{extra}", leads=["ID", "JP"])
    with django_assert_num_queries(3):
        client.get("/")
