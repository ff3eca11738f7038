"""The figures are cached under the plan's figures version: what a user sees after an accept, a
return, a reopen or an edit, made through the real URLs, is the new figure at once, and the
cache never shows one reader what only another may see."""

import threading

import pytest
from django.db import connection, transaction

from priorities.models import Activity, Consultation, PriorityArea, WorkPlan
from tests.factories import make_activity, make_report


def accepted_in_area(api, user, cycle, number=2):
    data = api(user).get("/api/v1/status/", {"cycle": cycle.pk}).json()
    (area,) = [area for area in data["priority_areas"] if area["number"] == number]
    return area["reports"]


def summary(api, user, cycle):
    return api(user).get(f"/api/v1/cycles/{cycle.pk}/compliance/").json()["summary"]


def test_status_counts_an_accept_a_reopen_and_a_return_at_once(
    api, official_id, secretariat, reader, activity, cycle
):
    report = make_report(official_id, activity, cycle, "submitted")
    url = f"/api/v1/reports/{report.pk}"
    assert accepted_in_area(api, reader, cycle) == 0
    assert accepted_in_area(api, reader, cycle) == 0  # now from the cache

    assert api(secretariat).post(f"{url}/accept/").status_code == 200
    assert accepted_in_area(api, reader, cycle) == 1

    reason = {"comment": "A figure is wrong."}
    assert api(secretariat).post(f"{url}/reopen/", reason).status_code == 200
    assert accepted_in_area(api, reader, cycle) == 0
    assert summary(api, secretariat, cycle)["returned"] == 1

    assert api(official_id).post(f"{url}/submit/").status_code == 200
    assert summary(api, secretariat, cycle)["submitted"] == 1
    assert summary(api, secretariat, cycle)["returned"] == 0

    assert api(secretariat).post(f"{url}/return/", reason).status_code == 200
    assert summary(api, secretariat, cycle)["returned"] == 1
    assert accepted_in_area(api, reader, cycle) == 0


def test_an_edit_of_a_draft_shows_at_once_in_its_partys_own_picture(
    client, api, official_id, activity, cycle
):
    report = make_report(official_id, activity, cycle)
    client.force_login(official_id)

    def own_average():
        html = client.get("/", {"cycle": cycle.pk}).content.decode()
        return html.count("55.0%"), html.count("40.0%")

    before = own_average()
    assert before[1] >= 1  # the draft says 40 percent
    change = {"version": report.version, "percent_complete": 55}
    response = api(official_id).patch(f"/api/v1/reports/{report.pk}/", change, format="json")
    assert response.status_code == 200
    after = own_average()
    assert after[0] >= 1 and after[1] < before[1]


def test_a_reader_never_gets_the_figures_cached_for_an_official(
    api, official_id, official_jp, reader, secretariat, activity, cycle
):
    make_report(official_id, activity, cycle, "submitted")
    # Indonesia's official fills the cache first, with Indonesia's submitted report in it.
    assert summary(api, official_id, cycle)["submitted"] == 1
    assert summary(api, official_jp, cycle)["submitted"] == 0
    assert summary(api, reader, cycle)["submitted"] == 0
    assert summary(api, secretariat, cycle)["submitted"] == 1
    assert summary(api, official_id, cycle)["submitted"] == 1


def test_a_change_to_the_plan_shows_at_once(api, official_id, secretariat, activity, cycle):
    make_report(official_id, activity, cycle, "accepted", secretariat)
    assert summary(api, secretariat, cycle)["expected"] == 2
    make_activity(cycle.work_plan, "2.2", leads=["ID"], participants=["JP", "TH"])
    assert summary(api, secretariat, cycle)["expected"] == 5
    Activity.objects.get(code="2.2").participating_parties.clear()
    assert summary(api, secretariat, cycle)["expected"] == 3
    area = PriorityArea.objects.get(work_plan=cycle.work_plan, number=2)
    area.title = "A renamed area"
    area.save()
    titles = [a["title"] for a in api(secretariat).get("/api/v1/status/").json()["priority_areas"]]
    assert "A renamed area" in titles


def test_every_change_to_a_report_renews_its_plans_figures_version(
    api, official_id, secretariat, activity, cycle
):
    def version():
        return WorkPlan.objects.get(pk=cycle.work_plan_id).figures_version

    seen = {version()}
    report = make_report(official_id, activity, cycle)
    seen.add(version())
    for action in ("submit", "accept"):
        user = official_id if action == "submit" else secretariat
        assert api(user).post(f"/api/v1/reports/{report.pk}/{action}/").status_code == 200
        assert version() not in seen
        seen.add(version())


def test_the_cycles_consultations_in_the_status_answer_change_at_once(
    api, official_id, secretariat, reader, activity, cycle
):
    make_report(official_id, activity, cycle, "accepted", secretariat)

    def consultations():
        return (
            api(reader).get("/api/v1/status/", {"cycle": cycle.pk}).json()["cycle"]["consultations"]
        )

    before = consultations()
    consultation = Consultation.objects.create(
        series="somtc_japan", ordinal=99, date="2030-06-01", host_id=official_id.party_id
    )
    cycle.consultations.add(consultation)
    assert consultations() == [*before, consultation.pk]
    consultation.reporting_cycles.remove(cycle)
    assert consultations() == before
    cycle.consultations.add(consultation)
    assert consultation.pk in consultations()
    consultation.delete()
    assert consultations() == before


def test_a_party_filtered_status_answer_is_not_served_for_another_party(
    api, official_id, official_jp, secretariat, reader, activity, cycle
):
    make_report(official_id, activity, cycle, "accepted", secretariat)

    def reports(party):
        query = {"cycle": cycle.pk, "party": party}
        areas = api(reader).get("/api/v1/status/", query).json()["priority_areas"]
        return sum(area["reports"] for area in areas)

    assert (reports("ID"), reports("JP"), reports("id"), reports("JP")) == (1, 0, 1, 0)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite locks the table for the other connection"
)
@pytest.mark.django_db(transaction=True)
def test_an_answer_made_while_an_accept_is_being_committed_is_not_served_after_it(
    api, official_id, secretariat, reader, activity, cycle
):
    """The status answer skips the figures version (``figures.answer``): another request may
    make it from the data before an accept commits, after the accept renewed the generation.
    The renewal at the commit must make that answer stale."""
    report = make_report(official_id, activity, cycle, "submitted")
    assert accepted_in_area(api, reader, cycle) == 0

    def read_elsewhere(results):
        # Another request, on its own connection: it sees the data as committed.
        try:
            results.append(accepted_in_area(api, reader, cycle))
        finally:
            connection.close()

    results = []
    with transaction.atomic():
        report.transition("accept", by=secretariat)
        other = threading.Thread(target=read_elsewhere, args=(results,))
        other.start()
        other.join()
    assert results == [0]
    assert accepted_in_area(api, reader, cycle) == 1
