"""The web list of reports: filters, text search, pages and downloads, for each role."""

import csv
import io

import pytest
from openpyxl import load_workbook

from reports.models import ProgressReport
from reports.services import save_report
from tests.factories import make_activity, make_cycle, make_report


@pytest.fixture
def reports(plan, cycle, official_id, official_jp, secretariat):
    """Indonesia: a draft on 2.1 (text mentions 'coastguard'), an accepted report on 3.1.
    Japan: a submitted report on 2.1, an accepted report on 3.1 in an older cycle."""
    older = make_cycle(plan, title="2025 cycle")
    cyber = make_activity(plan, "2.1", leads=["ID"], participants=["JP"])
    drugs = make_activity(plan, "3.1", leads=["ID", "JP"])
    draft = make_report(official_id, cyber, cycle)
    draft = save_report(
        report=draft,
        user=official_id,
        content={"challenges": "The Coastguard joined late.", "implementation_status": "delayed"},
        indicator_values={},
        expected_version=draft.version,
    )
    return {
        "id_draft": draft,
        "id_accepted": make_report(official_id, drugs, cycle, "accepted", secretariat),
        "jp_submitted": make_report(official_jp, cyber, cycle, "submitted"),
        "jp_older": make_report(official_jp, drugs, older, "accepted", secretariat),
        "older": older,
    }


def listed(client, user, query=""):
    client.force_login(user)
    response = client.get(f"/reports/{query}")
    assert response.status_code == 200
    return {report.pk for report in response.context["page"]}


def downloaded(client, query):
    csv_response = client.get(f"/reports/?{query}&format=csv")
    content = b"".join(csv_response.streaming_content).decode("utf-8-sig")
    from_csv = {int(row["Report"]) for row in csv.DictReader(io.StringIO(content))}
    xlsx = load_workbook(io.BytesIO(client.get(f"/reports/?{query}&format=xlsx").content))
    from_xlsx = {row[0] for row in xlsx.active.iter_rows(min_row=2, values_only=True)}
    assert from_csv == from_xlsx
    return from_csv


def test_each_filter_narrows_the_list(client, secretariat, reports, cycle, plan):
    ids = {key: r.pk for key, r in reports.items() if key != "older"}
    area = plan.priority_areas.get(number=3)
    japan = reports["jp_submitted"].party
    assert listed(client, secretariat) == set(ids.values())
    assert listed(client, secretariat, f"?cycle={reports['older'].pk}") == {ids["jp_older"]}
    assert listed(client, secretariat, f"?party={japan.pk}") == {
        ids["jp_submitted"],
        ids["jp_older"],
    }
    assert listed(client, secretariat, f"?priority_area={area.pk}") == {
        ids["id_accepted"],
        ids["jp_older"],
    }
    assert listed(client, secretariat, "?implementation_status=delayed") == {ids["id_draft"]}
    assert listed(client, secretariat, "?status=submitted") == {ids["jp_submitted"]}
    assert listed(client, secretariat, f"?cycle={cycle.pk}&status=accepted") == {ids["id_accepted"]}


def test_the_search_looks_in_the_report_text_and_the_activity(client, secretariat, reports):
    assert listed(client, secretariat, "?q=coastguard") == {reports["id_draft"].pk}
    assert listed(client, secretariat, "?q=joined+COASTGUARD") == {reports["id_draft"].pk}
    assert listed(client, secretariat, "?q=Activity+3.1") == {
        reports["id_accepted"].pk,
        reports["jp_older"].pk,
    }
    assert listed(client, secretariat, "?q=nowhere") == set()


def test_an_official_never_gets_another_partys_unaccepted_report(client, official_id, reports):
    japan = reports["jp_submitted"].party
    mine = {reports["id_draft"].pk, reports["id_accepted"].pk, reports["jp_older"].pk}
    assert listed(client, official_id) == mine
    for query in ("", f"party={japan.pk}&status=submitted", "q=Activity+2.1"):
        assert reports["jp_submitted"].pk not in listed(client, official_id, f"?{query}")
        assert reports["jp_submitted"].pk not in downloaded(client, query)
    assert downloaded(client, "") == mine


def test_a_reader_sees_and_downloads_accepted_reports_and_is_offered_only_that_state(
    client, reader, reports
):
    accepted = {reports["id_accepted"].pk, reports["jp_older"].pk}
    assert listed(client, reader) == accepted
    assert downloaded(client, "") == accepted
    form = client.get("/reports/").context["filters"].form
    assert [value for value, _label in form.fields["status"].choices] == ["", "accepted"]
    response = client.get("/reports/?status=draft")
    assert "Select a valid choice" in response.content.decode()
    assert list(response.context["page"]) == []


def test_officials_and_the_secretariat_are_offered_every_state(client, official_id, secretariat):
    for user in (official_id, secretariat):
        client.force_login(user)
        form = client.get("/reports/").context["filters"].form
        offered = [value for value, _label in form.fields["status"].choices][1:]
        assert offered == ProgressReport.Status.values


def test_the_download_links_carry_the_filters(client, secretariat, reports, cycle):
    client.force_login(secretariat)
    html = client.get(f"/reports/?cycle={cycle.pk}&status=accepted&page=1").content.decode()
    assert f'href="?cycle={cycle.pk}&amp;status=accepted&amp;format=csv"' in html
    assert f'href="?cycle={cycle.pk}&amp;status=accepted&amp;format=xlsx"' in html
    assert downloaded(client, f"cycle={cycle.pk}&status=accepted") == {reports["id_accepted"].pk}


def test_an_unknown_choice_is_named_and_lists_nothing(client, secretariat, reports):
    client.force_login(secretariat)
    response = client.get("/reports/?cycle=999999")
    assert list(response.context["page"]) == []
    assert response.context["filters"].form.errors["cycle"]


def test_pages_keep_the_filters(client, secretariat, official_id, plan, cycle):
    for number in range(1, 53):
        make_report(official_id, make_activity(plan, f"1.{number}", leads=["ID"]), cycle)
    client.force_login(secretariat)
    response = client.get("/reports/?status=draft")
    assert len(response.context["page"]) == 50
    assert 'href="?status=draft&amp;page=2"' in response.content.decode()
    assert len(client.get("/reports/?status=draft&page=2").context["page"]) == 2


def test_download_queries_do_not_grow_with_rows(
    client, secretariat, official_id, plan, cycle, django_assert_num_queries
):
    def add(numbers):
        for number in numbers:
            make_report(official_id, make_activity(plan, f"1.{number}", leads=["ID"]), cycle)

    def download():
        return b"".join(client.get("/reports/?format=csv&status=draft").streaming_content)

    add(range(1, 4))
    client.force_login(secretariat)
    download()
    # session (1), user (1), the reports with cycle, activity, area and party (1), their
    # indicator values with indicators (1)
    with django_assert_num_queries(4):
        assert download().count(b"Activity 1.") == 3
    add(range(4, 30))
    with django_assert_num_queries(4):
        assert download().count(b"Activity 1.") == 29
