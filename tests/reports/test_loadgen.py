"""generate_load_data: counts, a realistic mix of states, and only states the workflow reaches."""

import re
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from priorities.models import Activity, code_sort_key
from reports.models import ProgressReport, ReportingCycle, ReportTransition
from tests.factories import make_report

Status = ProgressReport.Status
SCALE = "0.05"  # 10 activities, about 260 reports


@pytest.fixture
def generated(db):
    out = StringIO()
    call_command("generate_load_data", "--scale", SCALE, stdout=out, stderr=StringIO())
    return out.getvalue()


def load_cycles():
    return list(ReportingCycle.objects.filter(title__endswith="(load data)").order_by("opens_on"))


def test_generates_the_scaled_counts_all_sample(generated):
    activities = Activity.objects.prefetch_related("lead_parties", "participating_parties")
    assert len(activities) == 10
    assert all(activity.is_sample for activity in activities)
    assert len(load_cycles()) == 5
    expected = sum(
        len(a.lead_parties.all()) + len(a.participating_parties.all()) for a in activities
    )
    assert ProgressReport.objects.count() == expected * 5
    assert re.search(rf"reports +{expected * 5:,}\n", generated)


def test_every_expected_report_exists_in_every_cycle(generated, api, secretariat):
    client = api(secretariat)
    for cycle in load_cycles():
        response = client.get(f"/api/v1/cycles/{cycle.pk}/compliance/")
        assert response.status_code == 200
        assert response.json()["summary"]["missing"] == 0


def test_closed_cycles_are_mostly_accepted_and_the_open_one_is_mixed(generated):
    *closed, current = load_cycles()
    assert all(cycle.is_closed for cycle in closed)
    assert not current.is_closed
    for cycle in closed:
        states = Counter(cycle.reports.values_list("status", flat=True))
        assert states[Status.ACCEPTED] > 0.75 * sum(states.values())
    states = Counter(current.reports.values_list("status", flat=True))
    assert set(states) == set(Status.values)
    assert states[Status.ACCEPTED] < 0.5 * sum(states.values())
    assert ProgressReport.objects.filter(cycle__in=closed, is_late=True).exists()


def test_each_report_has_the_timeline_and_history_its_state_needs(generated):
    reports = ProgressReport.objects.select_related("cycle", "activity").prefetch_related(
        "transitions", "indicator_values", "activity__indicators"
    )
    histories = {}
    for row in ProgressReport.history.order_by("history_date", "history_id"):
        histories.setdefault(row.id, []).append(row)
    for report in reports:
        steps = list(report.transitions.all())
        actions = [step.action for step in steps]
        assert actions[0] == "create"
        assert steps[-1].to_status == report.status
        history = histories[report.pk]
        assert history[0].history_type == "+"
        assert len(history) == report.version
        assert (history[-1].status, history[-1].version) == (report.status, report.version)
        if report.status == Status.ACCEPTED:
            assert {"submit", "accept"} <= set(actions)
        if report.submitted_at:
            assert report.submitted_by_id and "submit" in actions
            deadline = report.cycle.deadline
            assert report.is_late == (timezone.localdate(report.submitted_at) > deadline)
            report.check_complete()  # a submitted report was complete
        if report.status in (Status.ACCEPTED, Status.RETURNED):
            assert report.reviewed_by_id and report.reviewed_at >= report.submitted_at
        assert report.created_at <= report.updated_at <= timezone.now()


def test_a_generated_report_goes_on_through_the_workflow(generated):
    report = ProgressReport.objects.filter(
        status=Status.SUBMITTED, cycle__closed_at__isnull=True
    ).first()
    reviewer = ReportTransition.objects.filter(action="accept").first().actor
    report.transition(ProgressReport.Action.ACCEPT, by=reviewer)
    report.refresh_from_db()
    assert report.status == Status.ACCEPTED
    assert report.history.count() == report.version


def test_refused_on_a_database_with_real_reports(official_id, secretariat, activity, cycle):
    Activity.objects.filter(pk=activity.pk).update(is_sample=False)
    activity.refresh_from_db()
    make_report(official_id, activity, cycle)
    with pytest.raises(CommandError, match="holds real \\(non-sample\\) progress reports"):
        call_command("generate_load_data", "--scale", SCALE, stderr=StringIO())
    assert Activity.objects.count() == 1
    assert not load_cycles()
    assert ReportTransition.objects.count() == 1


def test_refused_when_load_data_is_there_already(generated):
    reports = ProgressReport.objects.count()
    with pytest.raises(CommandError, match="already holds generated load data"):
        call_command("generate_load_data", "--scale", SCALE, stderr=StringIO())
    assert ProgressReport.objects.count() == reports


def test_generated_activities_sort_in_the_plans_order(generated):
    """bulk_create stores each activity's sort key, so the lists put 1.1.2 before 1.1.10."""
    activities = list(Activity.objects.values_list("code", "sort_key"))
    assert all(key == code_sort_key(code) for code, key in activities)
    codes = list(Activity.objects.values_list("code", flat=True))
    assert codes == sorted(codes, key=lambda code: [int(n) for n in code.split(".")])
