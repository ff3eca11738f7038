"""Lists count their results exactly up to a limit and estimate above it (ammtc_tracker.paging);
paging itself stays exact: next, the last page, and a page past the last."""

import re

import pytest
from django.db import connection

from ammtc_tracker.paging import EstimatingPaginator
from tests.factories import make_activity, make_cycle, make_report

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the estimate is PostgreSQL's; others count"
)


@pytest.fixture
def five_reports(plan, official_id, secretariat):
    cycle = make_cycle(plan, title="Main")
    for number in range(1, 6):
        activity = make_activity(plan, f"1.{number}", leads=["ID"])
        make_report(official_id, activity, cycle, "accepted", secretariat)


@pytest.fixture
def limit_of_three(monkeypatch):
    monkeypatch.setattr(EstimatingPaginator, "count_limit", 3)


def test_api_count_is_exact_up_to_the_limit(api, secretariat, five_reports):
    body = api(secretariat).get("/api/v1/reports/", {"page_size": 2}).json()

    assert (body["count"], body["count_is_exact"]) == (5, True)
    assert list(body) == ["count", "count_is_exact", "next", "previous", "results"]


def test_api_count_above_the_limit_is_an_estimate_and_paging_stays_exact(
    api, secretariat, five_reports, limit_of_three
):
    client = api(secretariat)

    pages = [client.get("/api/v1/reports/", {"page_size": 2, "page": n}) for n in (1, 2, 3, 4)]

    first, second, last, past = pages
    assert first.json()["count_is_exact"] is False
    assert first.json()["count"] >= 4  # at least what was counted before stopping
    assert [len(page.json()["results"]) for page in (first, second, last)] == [2, 2, 1]
    assert first.json()["next"].endswith("page=2&page_size=2")
    assert second.json()["next"].endswith("page=3&page_size=2")
    assert last.json()["next"] is None
    assert last.json()["previous"].endswith("page=2&page_size=2")
    assert past.status_code == 404
    ids = [row["id"] for page in (first, second, last) for row in page.json()["results"]]
    assert len(set(ids)) == 5


def test_web_list_says_about_above_the_limit_and_keeps_its_pages(
    client, official_id, five_reports, limit_of_three, monkeypatch
):
    monkeypatch.setattr("reports.views.REPORT_LIST_PAGE", 2)
    client.force_login(official_id)

    first = " ".join(client.get("/reports/").content.decode().split())
    past = " ".join(client.get("/reports/", {"page": 9}).content.decode().split())

    assert re.search(r"about \d+ reports", first)
    assert re.search(r"Page 1 of about \d+", first)
    assert 'rel="next"' in first
    # A page past the last shows the last page, counted exactly then.
    assert 'rel="next"' not in past
    assert "Page 3 of 3" in past
