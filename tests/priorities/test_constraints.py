"""Each rule the database enforces refuses bad data there, and gives the user a clear message."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from priorities.models import Activity, PriorityArea
from reports.models import ProgressReport, ReportingCycle
from tests.factories import make_cycle, make_report


def test_a_second_report_for_the_same_activity_cycle_and_party_is_refused(
    official_id, activity, cycle
):
    report = make_report(official_id, activity, cycle)
    duplicate = ProgressReport(
        cycle=cycle, activity=activity, party=report.party, created_by=official_id
    )
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert error.value.messages == [
        "This party already has a report on this activity in this cycle."
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_percent_complete_of_101_is_refused(official_id, activity, cycle):
    report = make_report(official_id, activity, cycle)
    report.percent_complete = 101
    with pytest.raises(ValidationError) as error:
        report.full_clean()
    assert error.value.message_dict == {
        "percent_complete": ["Ensure this value is less than or equal to 100."]
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressReport.objects.filter(pk=report.pk).update(percent_complete=101)


def test_an_activity_that_ends_before_it_starts_is_refused(plan):
    activity = Activity(
        priority_area=plan.priority_areas.get(number=1),
        code="1.9",
        title="Backwards",
        planned_start=datetime.date(2025, 1, 1),
        planned_end=datetime.date(2024, 1, 1),
    )
    with pytest.raises(ValidationError) as error:
        activity.full_clean()
    assert error.value.messages == ["The planned end cannot be before the planned start."]
    with pytest.raises(IntegrityError), transaction.atomic():
        activity.save()


def test_a_cycle_whose_deadline_is_before_its_opening_is_refused(plan):
    cycle = ReportingCycle(
        work_plan=plan,
        title="Backwards",
        period_start=datetime.date(2025, 7, 1),
        period_end=datetime.date(2026, 6, 30),
        opens_on=datetime.date(2026, 7, 1),
        deadline=datetime.date(2026, 6, 1),
    )
    with pytest.raises(ValidationError) as error:
        cycle.full_clean()
    assert error.value.messages == ["The deadline cannot be before the cycle opens."]
    with pytest.raises(IntegrityError), transaction.atomic():
        cycle.save()


def test_a_cycle_period_that_ends_before_it_starts_is_refused(plan):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_cycle(
            plan, period_start=datetime.date(2026, 1, 1), period_end=datetime.date(2025, 1, 1)
        )


def test_priority_area_numbers_are_unique_in_a_plan(plan):
    area = PriorityArea(work_plan=plan, number=2, title="Another")
    with pytest.raises(ValidationError) as error:
        area.full_clean()
    assert error.value.messages == ["This work plan already has a priority area with this number."]
    with pytest.raises(IntegrityError), transaction.atomic():
        area.save()


def test_activity_codes_are_unique_in_a_plan(plan, activity):
    twin = Activity(priority_area=activity.priority_area, code=activity.code, title="Twin")
    with pytest.raises(ValidationError) as error:
        twin.full_clean()
    assert error.value.messages == ["This work plan already has an activity with this code."]
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


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
