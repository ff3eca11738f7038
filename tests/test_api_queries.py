"""No API list issues a query per row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from priorities.models import Consultation, Party
from tests.factories import make_activity, make_cycle, make_report

# Once in the cache, the token costs no query (ammtc_tracker.authentication) until something
# renews the tokens' generation, as a new party does.
TOKEN = "the token, with its user and party"
COUNT = "the page's total"
# Each API list: the queries it makes, one line each, the token being in the cache since the
# request before. The count must not grow with the rows.
LISTS = {
    "/api/v1/parties/": [COUNT, "the parties"],
    "/api/v1/work-plans/": [COUNT, "the plans"],
    "/api/v1/priority-areas/": [COUNT, "the areas"],
    "/api/v1/activities/": [
        COUNT,
        "the activities with their areas",
        "their lead parties",
        "their participating parties",
        "their indicators",
    ],
    "/api/v1/indicators/": [COUNT, "the indicators"],
    "/api/v1/consultations/": [COUNT, "the consultations with hosts", "their co-chairs"],
    "/api/v1/cycles/": [COUNT, "the cycles", "the consultations each feeds"],
    "/api/v1/reports/": [
        COUNT,
        "the reports with activity, party and people",
        "their indicator values",
        "their evidence files",
    ],
    # The whole answer is in the cache since the last request, under the figures generation.
    "/api/v1/status/": [],
    "COMPLIANCE": [
        "the cycle",
        # Their number is the summary's expected total, in the cache: no count.
        "a page of the pairs: the plan's activities in order, with their leads and participants",
        "the reports on the page's pairs",
        "the plan's figures version: the summary is in the cache since the last request",
        "the consultations the cycle feeds",
    ],
}
# The figures of status/ and of the compliance summary, counted again after a change: the
# queries that replace the cache's answer.
COUNTED_AGAIN = {
    "/api/v1/status/": [
        TOKEN,
        "the latest cycle with accepted reports",
        "the plan's figures version, read by the counts' own cache",
        "the counts per area, grouped in SQL",
        "the plan's areas",
        "the cycle's consultations, for the answer's cycle",
    ],
    "COMPLIANCE": [
        TOKEN,
        "the expected pairs per party and area",
        "the expected pairs per party and area (participants)",
        "the reports on expected pairs per party, area, state and lateness",
    ],
}


def add_rows(plan, cycle, official, secretariat, start, count):
    for number in range(start, start + count):
        activity = make_activity(plan, f"1.{number}", leads=["ID", "TH"], participants=["JP"])
        make_report(official, activity, cycle, "accepted", secretariat)
        make_cycle(plan, title=f"Cycle {number}")
        Party.objects.create(code=f"Z{number:02d}", name=f"Body {number}", kind="asean_body")
        consultation = Consultation.objects.create(
            series="somtc_japan", ordinal=100 + number, date="2030-06-01", host_id=official.party_id
        )
        consultation.co_chairs.set(Party.objects.filter(code__in=["ID", "JP"]))


@pytest.mark.parametrize(("url", "queries"), LISTS.items())
def test_list_query_count_is_pinned_and_does_not_grow_with_rows(
    api, official_id, secretariat, plan, url, queries
):
    cycle = make_cycle(plan, title="Main")
    url = url.replace("COMPLIANCE", f"/api/v1/cycles/{cycle.pk}/compliance/")
    client = api(secretariat)
    add_rows(plan, cycle, official_id, secretariat, 1, 4)

    def count():
        # Once a minute the token's last use is written, and the figures of a changed plan are
        # counted again (below): not in this count.
        client.get(url, {"page_size": 200})
        with CaptureQueriesContext(connection) as context:
            assert client.get(url, {"page_size": 200}).status_code == 200
        return len(context)

    assert count() == len(queries)
    add_rows(plan, cycle, official_id, secretariat, 5, 16)
    assert count() == len(queries)


@pytest.mark.parametrize(("url", "queries"), COUNTED_AGAIN.items())
def test_figures_counted_again_after_a_change_add_a_pinned_number_of_queries(
    api, official_id, secretariat, plan, url, queries
):
    cycle = make_cycle(plan, title="Main")
    url = url.replace("COMPLIANCE", f"/api/v1/cycles/{cycle.pk}/compliance/")
    client = api(secretariat)
    add_rows(plan, cycle, official_id, secretariat, 1, 4)
    client.get(url)
    with CaptureQueriesContext(connection) as warm:
        client.get(url)
    for rows_added in (5, 21):
        add_rows(plan, cycle, official_id, secretariat, rows_added, 16 if rows_added > 5 else 1)
        with CaptureQueriesContext(connection) as cold:
            assert client.get(url).status_code == 200
        assert len(cold) == len(warm) + len(queries)


def test_compliance_csv_query_count_is_pinned_and_does_not_grow_with_rows(
    api, official_id, secretariat, plan
):
    cycle = make_cycle(plan, title="Main")
    url = f"/api/v1/cycles/{cycle.pk}/compliance/?format=csv"
    client = api(secretariat)
    # The token is in the cache since the request before.
    queries = [
        "the cycle",
        "the consultations the cycle feeds",
        "every expected pair, in the plan's order (the query of the JSON pages, unbounded)",
        "the reports of the cycle",
    ]

    def count():
        client.get(url)
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context)

    add_rows(plan, cycle, official_id, secretariat, 1, 4)
    assert count() == len(queries)
    add_rows(plan, cycle, official_id, secretariat, 5, 16)
    assert count() == len(queries)
