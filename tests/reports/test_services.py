"""The services refuse what the screens and the API never offer, with a message that says why."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ammtc_tracker.models import Role
from priorities.models import Activity, WorkPlan
from reports.exceptions import Conflict, NotPermitted
from reports.models import ProgressReport
from reports.services import save_report, start_report
from tests.factories import make_activity, make_cycle, make_report, make_user


def test_a_cycle_not_yet_open_refuses_new_reports(official_id, activity, plan):
    today = timezone.localdate()
    later = make_cycle(
        plan,
        title="Next",
        opens_on=today + datetime.timedelta(days=3),
        deadline=today + datetime.timedelta(days=40),
    )
    with pytest.raises(Conflict) as refusal:
        start_report(user=official_id, activity=activity, cycle=later)
    assert refusal.value.message.startswith(f"Next opens on {later.opens_on:%-d %b %Y}.")
    assert not ProgressReport.objects.filter(cycle=later).exists()


def test_an_activity_outside_the_cycles_plan_is_refused(official_id, plan, cycle):
    other_plan = WorkPlan.objects.create(title="Another plan", first_year=2018, last_year=2022)
    area = other_plan.priority_areas.create(number=1, title="Terrorism")
    elsewhere = Activity.objects.create(priority_area=area, code="1.1", title="Old activity")
    elsewhere.lead_parties.add(official_id.party)
    with pytest.raises(Conflict) as refusal:
        start_report(user=official_id, activity=elsewhere, cycle=cycle)
    assert refusal.value.message == "This activity is not part of the cycle's work plan."


def test_a_deactivated_official_cannot_start_a_report(activity, cycle):
    # (An official without a party cannot exist: the database refuses it.)
    stray = make_user("official.gone", Role.OFFICIAL, "ID", is_active=False)
    with pytest.raises(NotPermitted) as refusal:
        start_report(user=stray, activity=activity, cycle=cycle)
    assert refusal.value.message == "Only an official of a party can write a report."


def test_a_value_for_an_indicator_of_another_activity_is_refused(
    official_id, plan, activity, cycle
):
    report = make_report(official_id, activity, cycle)
    foreign = make_activity(plan, "3.4", leads=["ID"]).indicators.get()
    with pytest.raises(ValidationError) as error:
        save_report(
            report=report,
            user=official_id,
            content={},
            expected_version=report.version,
            indicator_values={foreign.pk: (5, "")},
        )
    assert error.value.message_dict == {
        "indicator_values": [f"Indicator {foreign.pk} is not one of this activity's."]
    }
    assert not report.indicator_values.filter(indicator=foreign).exists()


@pytest.mark.parametrize("field", ["status", "party", "reviewed_by", "is_late", "version"])
def test_save_report_refuses_a_workflow_field(official_id, activity, cycle, field):
    report = make_report(official_id, activity, cycle)
    with pytest.raises(ValidationError) as error:
        save_report(
            report=report,
            user=official_id,
            content={field: "accepted"},
            expected_version=report.version,
        )
    assert error.value.message_dict == {field: ["This field cannot be set."]}
    report.refresh_from_db()
    assert (report.status, report.version) == ("draft", 2)


@pytest.mark.parametrize("action", ["delete", "approve", "SUBMIT", "create"])
def test_an_unknown_action_url_is_not_found(client, official_id, activity, cycle, action):
    report = make_report(official_id, activity, cycle)
    client.force_login(official_id)
    assert client.post(f"/reports/{report.pk}/{action}/").status_code == 404


def test_an_unknown_review_action_reviews_nothing_in_the_admin(
    client, official_id, secretariat, activity, cycle
):
    report = make_report(official_id, activity, cycle, "submitted")
    client.force_login(secretariat)
    for action in ("submit", "delete", "create"):
        # Not a review URL: the admin's own catch-all URLs take it (a redirect to a change page
        # that does not exist, or the delete page it may not use), and nothing is reviewed.
        response = client.post(f"/admin/reports/progressreport/{report.pk}/review/{action}/")
        assert response.status_code in (302, 403), action
    report.refresh_from_db()
    assert report.status == "submitted"


def test_discarding_a_draft_deletes_it_and_the_history_records_who(official_id, activity, cycle):
    from reports.services import discard_draft

    report = make_report(official_id, activity, cycle)
    report_id = report.pk
    discard_draft(report=report, user=official_id)
    assert not ProgressReport.objects.filter(pk=report_id).exists()
    deletion = ProgressReport.history.filter(id=report_id).latest("history_date")
    assert (deletion.history_type, deletion.history_user) == ("-", official_id)
    assert deletion.achievements == "Two workshops held."  # the last version is kept


@pytest.mark.parametrize("state", ["submitted", "returned", "accepted"])
def test_only_a_draft_can_be_discarded(official_id, secretariat, activity, cycle, state):
    from reports.services import discard_draft

    report = make_report(official_id, activity, cycle, state, secretariat)
    with pytest.raises(Conflict):
        discard_draft(report=report, user=official_id)
    assert ProgressReport.objects.filter(pk=report.pk).exists()


def test_another_partys_official_cannot_discard_a_draft(official_id, official_jp, activity, cycle):
    from reports.services import discard_draft

    report = make_report(official_id, activity, cycle)
    with pytest.raises(NotPermitted):
        discard_draft(report=report, user=official_jp)
    assert ProgressReport.objects.filter(pk=report.pk).exists()
