"""The plans PostgreSQL chooses for a page of each report and activity list and of the compliance
matrix, at a generated scale.

A page of a list must not read the whole reports table, nor sort every activity or expected
pair: with an index that matches the list's filter and order, the plan stops after the page's
rows. Run alone with ``pytest -m explain``.
"""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ammtc_tracker.models import User
from priorities.models import Activity
from reports.models import ReportingCycle

SCALE = "1"  # about 5,000 reports: enough for an index to beat a scan for a page of 100
ACTIVITIES_SCALE = "5"  # 1,000 activities, for the same reason
REPORTS_TABLE = "reports_progressreport"
ACTIVITIES_TABLE = "priorities_activity"
LEADS_TABLE = "priorities_activity_lead_parties"

pytestmark = [
    pytest.mark.explain,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN plans of PostgreSQL"),
]


# Nodes that read all of their input before giving a row: a Limit above them stops nothing below.
BLOCKING = {"Sort", "Incremental Sort", "Hash", "Aggregate", "Materialize", "Unique", "WindowAgg"}


def scans_of_reports(plan, *, bounded=False):
    """The sequential scans of the reports table in an EXPLAIN (FORMAT JSON) plan that read
    the whole table. A scan straight under a Limit stops after the limit's rows (the capped
    count of a list, ammtc_tracker/paging.py: the planner reads 10,001 rows of a small table
    in order rather than through an index), so it is not one."""
    kind = plan.get("Node Type")
    bounded = kind == "Limit" or (bounded and kind not in BLOCKING)
    found = []
    if kind == "Seq Scan" and plan.get("Relation Name") == REPORTS_TABLE and not bounded:
        found.append(plan)
    for child in plan.get("Plans", []):
        found += scans_of_reports(child, bounded=bounded)
    return found


def page_queries(client, url, table=REPORTS_TABLE):
    """The statements that read a page of ``table``'s rows (a LIMIT on it)."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200, url
    return [
        query["sql"]
        for query in queries
        if f'FROM "{table}"' in query["sql"] and " LIMIT " in query["sql"]
    ]


def sorts(plan):
    """The Sort nodes of a plan: each reads all of its input before giving the first row."""
    return nodes(plan, {"Sort", "Incremental Sort"})


def nodes(plan, kinds):
    """The nodes of a plan of the given types."""
    found = [plan] if plan.get("Node Type") in kinds else []
    for child in plan.get("Plans", []):
        found += nodes(child, kinds)
    return found


def explain(sql, *, analyze=False):
    """The plan of ``sql``; with ``analyze``, run, with the rows each node gave."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN ({'ANALYZE, ' if analyze else ''}FORMAT JSON) {sql}")
        document = cursor.fetchone()[0]
    return (json.loads(document) if isinstance(document, str) else document)[0]["Plan"]


def generate(scale):
    """The latest cycle of data generated at ``scale``, with fresh statistics for the planner."""
    call_command("generate_load_data", "--scale", scale, stdout=StringIO(), stderr=StringIO())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return ReportingCycle.objects.filter(title__endswith="(load data)").latest("opens_on")


@pytest.fixture
def generated(db):
    return generate(SCALE)


@pytest.fixture
def generated_activities(db):
    """1,000 activities: at 1x (200), half of them in a page of 100 is sorted more cheaply."""
    return generate(ACTIVITIES_SCALE)


def scanning(lists):
    """{list: its sequential scans of the reports table} for (who, client, url) triples."""
    found = {}
    for who, as_user, url in lists:
        queries = page_queries(as_user, url)
        assert queries, f"no page query found for {url}"
        for sql in queries:
            for scan in scans_of_reports(explain(sql)):
                found.setdefault(f"{url} as {who}", []).append(
                    f"Seq Scan on {REPORTS_TABLE} ({scan['Plan Rows']} rows"
                    + (f", filter {scan['Filter']})" if "Filter" in scan else ")")
                )
    return found


def test_no_page_of_a_report_list_scans_the_reports_table(
    generated, api, client, official_id, secretariat
):
    cycle = generated
    client.force_login(secretariat)
    lists = [
        ("secretariat", api(secretariat), "/api/v1/reports/?page_size=100"),
        ("secretariat", api(secretariat), f"/api/v1/reports/?cycle={cycle.pk}&page_size=100"),
        ("official", api(official_id), "/api/v1/reports/?page_size=100"),
        ("secretariat", client, "/admin/reports/progressreport/"),
        ("secretariat", client, f"/admin/reports/progressreport/?cycle__id__exact={cycle.pk}"),
        ("secretariat", client, "/admin/reports/submittedreport/"),
    ]
    found = scanning(lists)
    assert not found, json.dumps(found, indent=1)


def test_no_page_of_the_web_report_list_scans_the_reports_table(generated, client, official_id):
    client.force_login(official_id)
    found = scanning([("official", client, "/reports/")])
    assert not found, json.dumps(found, indent=1)


def test_a_page_of_the_activity_lists_reads_them_in_the_plans_order_from_an_index(
    generated_activities, api, client, reader
):
    """The activities API, the work-plan page and My reporting read a page in the order of
    their sort key's index and stop after it, rather than sorting every activity (issue 14)."""
    official = User.objects.get(username="load.jp.1")  # Japan takes part in most activities
    client.force_login(official)
    cycle = generated_activities
    lists = [
        (api(reader), "/api/v1/activities/?page_size=100"),
        (api(reader), "/api/v1/activities/?page_size=100&page=2"),
        (client, "/plan/activities/"),
        (client, f"/my-reporting/?cycle={cycle.pk}"),
    ]
    found = {}
    for as_user, url in lists:
        pages = [sql for sql in page_queries(as_user, url, ACTIVITIES_TABLE) if "ORDER BY" in sql]
        assert pages, f"no page query found for {url}"
        for sql in pages:
            for node in sorts(explain(sql)):
                found.setdefault(url, []).append(f"{node['Node Type']} by {node['Sort Key']}")
    assert not found, json.dumps(found, indent=1)


def test_a_page_of_the_compliance_matrix_stops_after_its_activities(
    generated_activities, api, secretariat
):
    """A page of the compliance rows reads the plan's activities in the order of their index
    and stops once the page is full: no sort of every expected pair, only of each activity's
    few (Incremental Sort), and a fraction of the activities read (issue 14)."""
    cycle = generated_activities
    activities = Activity.objects.filter(work_plan_id=cycle.work_plan_id).count()
    client = api(secretariat)
    # The summary is counted once (every pair; kept in the cache), not per page.
    assert client.get(f"/api/v1/cycles/{cycle.pk}/compliance/").status_code == 200
    found = {}
    for page in (1, 3):
        url = f"/api/v1/cycles/{cycle.pk}/compliance/?page_size=100&page={page}"
        (sql,) = page_queries(client, url, LEADS_TABLE)
        plan = explain(sql, analyze=True)
        for node in nodes(plan, {"Sort"}):
            found.setdefault(url, []).append(f"Sort by {node['Sort Key']}")
        read = [
            scan["Actual Rows"]
            for scan in nodes(plan, {"Index Scan"})
            if scan["Index Name"] == "activity_plan_order_idx"
        ]
        if len(read) != 1 or read[0] > activities / 10:
            found.setdefault(url, []).append(f"read {read} of {activities} activities in order")
    assert not found, json.dumps(found, indent=1)
