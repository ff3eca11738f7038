"""Activities in the plan's order, 1.2 before 1.10, wherever a user reads them: the API, the
work-plan page, My reporting, the offline workbook, the admin, the consultation document and the
compliance matrix, the reminders. As text, "1.10" sorts before "1.2"."""

import io

import lxml.html
import openpyxl
import pytest

from priorities.models import Activity, code_sort_key
from reports.documents import build_document
from reports.exports import render
from reports.reminders import outstanding_by_party
from tests.factories import make_activity

# Added to the meeting's 1.1, 2.1, 3.1, 4.1, 5.1, in an order that is neither text nor number.
ADDED = ["1.10", "1.2", "1.9", "1.2.1", "1.2.10", "1.2.9"]
AREA_1 = ["1.1", "1.2", "1.2.1", "1.2.9", "1.2.10", "1.9", "1.10"]
IN_ORDER = [*AREA_1, "2.1", "3.1", "4.1", "5.1"]


@pytest.fixture
def plan_order(meeting, plan):
    for code in ADDED:
        make_activity(plan, code, leads=["ID"], participants=["JP"])
    return meeting


def data_activities(response, table):
    assert response.status_code == 200
    page = lxml.html.fromstring(response.content.decode())
    return page.xpath(f"//table[@id='{table}']//tr/@data-activity")


def test_code_sort_key_compares_the_numbers():
    codes = ["1.10", "1.2", "10.1", "2.1", "1.2.1", "1.02.3", "1.18446744073709551615"]
    assert sorted(codes, key=code_sort_key) == [
        "1.2",
        "1.2.1",
        "1.02.3",
        "1.10",
        "1.18446744073709551615",
        "2.1",
        "10.1",
    ]


def test_every_way_of_writing_an_activity_stores_its_key(plan_order, plan):
    activity = Activity.objects.get(code="1.10")
    assert activity.sort_key == "000000000000000001.000000000000000010"
    activity.code = "1.11"
    activity.save(update_fields=["code"])
    activity.refresh_from_db()
    assert activity.sort_key == code_sort_key("1.11")
    area = plan.priority_areas.get(number=1)
    (created,) = Activity.objects.bulk_create(
        [Activity(work_plan=plan, priority_area=area, code="1.20", title="Bulk")]
    )
    assert Activity.objects.get(pk=created.pk).sort_key == code_sort_key("1.20")


def test_the_activities_api_lists_1_2_before_1_10(plan_order, api, reader):
    def codes(query=""):
        response = api(reader).get(f"/api/v1/activities/?page_size=100{query}")
        assert response.status_code == 200
        return [row["code"] for row in response.json()["results"]]

    assert codes() == IN_ORDER
    assert codes("&ordering=code") == IN_ORDER
    assert codes("&ordering=-code") == IN_ORDER[::-1]
    assert codes("&priority_area=" + str(plan_order.activities["1.1"].priority_area_id)) == AREA_1


def test_the_work_plan_page_lists_1_2_before_1_10(plan_order, client):
    assert data_activities(client.get("/plan/activities/"), "activities") == IN_ORDER
    assert data_activities(client.get("/plan/activities/?area=1"), "activities") == AREA_1


def test_my_reporting_and_the_workbook_list_1_2_before_1_10(plan_order, client, official_id):
    client.force_login(official_id)
    cycle = plan_order.cycle
    mine = ["1.1", *AREA_1[1:], "3.1"]  # Indonesia leads or takes part in these
    response = client.get(f"/my-reporting/?cycle={cycle.pk}")
    assert data_activities(response, "my-activities") == mine
    download = client.get(f"/my-reporting/workbook/?cycle={cycle.pk}")
    sheet = openpyxl.load_workbook(io.BytesIO(download.content)).worksheets[0]
    assert [sheet.cell(row, 1).value for row in range(2, sheet.max_row + 1)] == mine


def test_the_admin_lists_and_sorts_codes_in_the_plans_order(plan_order, client, superuser):
    client.force_login(superuser)
    url = "/admin/priorities/activity/"

    def codes(query=""):
        response = client.get(url + query)
        assert response.status_code == 200
        page = lxml.html.fromstring(response.content.decode())
        return [cell.text_content() for cell in page.cssselect("#result_list tbody th")]

    assert codes() == IN_ORDER
    assert codes("?o=-1") == IN_ORDER[::-1]  # the code column, descending


def test_the_somtc_document_and_its_workbook_list_1_2_before_1_10(plan_order, secretariat):
    document = build_document(
        cycle=plan_order.cycle,
        user=secretariat,
        level="technical",
        include_pending=True,
        consultation=plan_order.somtc,
    )
    page = lxml.html.fromstring(render(document, "html"))
    ids = page.xpath("//article[@class='activity']/@id")
    assert ids == [f"activity-{code}" for code in IN_ORDER]
    sheet = openpyxl.load_workbook(io.BytesIO(render(document, "xlsx")))["1 Terrorism"]
    codes = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert list(dict.fromkeys(codes)) == AREA_1


def test_the_compliance_matrix_lists_1_2_before_1_10(plan_order, api, secretariat):
    url = f"/api/v1/cycles/{plan_order.cycle.pk}/compliance/?page_size=100"
    rows = api(secretariat).get(url).json()["rows"]
    assert list(dict.fromkeys(row["activity_code"] for row in rows)) == IN_ORDER


def test_reminders_list_outstanding_activities_in_the_plans_order(plan_order, official_id):
    outstanding = outstanding_by_party(plan_order.cycle)[official_id.party_id]
    codes = [item.code for item in outstanding]
    assert codes == [*AREA_1[1:], "3.1"]  # Indonesia's report on 1.1 is accepted
