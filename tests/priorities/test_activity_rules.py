"""Rules on activities that the database cannot hold, and how the admin shows them (the named
database constraints are all in tests/test_constraints.py)."""

import pytest
from django.core.exceptions import ValidationError

from priorities.models import Activity, Party


def test_an_activity_code_must_start_with_its_area_number(plan):
    activity = Activity(priority_area=plan.priority_areas.get(number=3), code="2.1", title="X")
    with pytest.raises(ValidationError) as error:
        activity.full_clean()
    assert error.value.message_dict["code"] == [
        "The code must start with the priority area's number (3.)."
    ]


def test_the_admin_shows_the_date_order_error_and_keeps_the_input(client, superuser, plan):
    client.force_login(superuser)
    area = plan.priority_areas.get(number=1)
    response = client.post(
        "/admin/priorities/activity/add/",
        {
            "priority_area": area.pk,
            "code": "1.7",
            "title": "Typed by the secretariat",
            "planned_start": "2026-05-01",
            "planned_end": "2026-04-01",
            "indicators-TOTAL_FORMS": "0",
            "indicators-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "The planned end cannot be before the planned start." in response.content.decode()
    assert 'value="Typed by the secretariat"' in response.content.decode()
    assert not Activity.objects.filter(code="1.7").exists()


def test_a_change_of_lead_parties_is_in_the_activitys_history(client, secretariat, activity):
    """Who leads an activity decides who must report on it: the admin's history says who
    changed the leads, and from what to what."""
    client.force_login(secretariat)
    indicator = activity.indicators.get()
    parties = dict(Party.objects.values_list("code", "pk"))
    response = client.post(
        f"/admin/priorities/activity/{activity.pk}/change/",
        {
            "priority_area": activity.priority_area_id,
            "code": activity.code,
            "title": activity.title,
            "is_sample": "on",
            "lead_parties": [parties["ID"], parties["MY"]],
            "participating_parties": [parties["JP"]],
            "indicators-TOTAL_FORMS": "1",
            "indicators-INITIAL_FORMS": "1",
            "indicators-0-id": indicator.pk,
            "indicators-0-activity": activity.pk,
            "indicators-0-name": indicator.name,
            "indicators-0-unit": indicator.unit,
            "indicators-0-target": indicator.target,
        },
    )
    assert response.status_code == 302

    latest = activity.history.latest()
    assert latest.history_user == secretariat
    assert {row.party.code for row in latest.lead_parties.all()} == {"ID", "MY"}
    page = client.get(f"/admin/priorities/activity/{activity.pk}/history/").content.decode()
    assert "<strong>Lead parties:</strong>" in page
    assert "[Indonesia, Malaysia]" in page
