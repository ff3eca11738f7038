"""No API list issues a query per row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from priorities.models import Consultation, Party
from tests.factories import make_activity, make_cycle, make_report

LISTS = [
    "/api/v1/parties/",
    "/api/v1/work-plans/",
    "/api/v1/priority-areas/",
    "/api/v1/activities/",
    "/api/v1/indicators/",
    "/api/v1/consultations/",
    "/api/v1/cycles/",
    "/api/v1/reports/",
    "/api/v1/status/",
    "COMPLIANCE",
]


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


@pytest.mark.parametrize("url", LISTS)
def test_list_query_count_does_not_grow_with_rows(api, official_id, secretariat, plan, url):
    cycle = make_cycle(plan, title="Main")
    url = url.replace("COMPLIANCE", f"/api/v1/cycles/{cycle.pk}/compliance/")
    client = api(secretariat)
    add_rows(plan, cycle, official_id, secretariat, 1, 4)
    client.get(url)  # warm the throttle and caches

    def count():
        with CaptureQueriesContext(connection) as context:
            assert client.get(url, {"page_size": 200}).status_code == 200
        return len(context)

    few = count()
    add_rows(plan, cycle, official_id, secretariat, 5, 16)
    assert count() == few
