"""The figures every page, document and API response shows, on a cycle counted here by hand."""

import datetime

import pytest
from django.utils import timezone

from ammtc_tracker.models import Role, User
from priorities.models import Party
from reports import figures
from tests.factories import file_report, make_activity, make_cycle, make_user


@pytest.fixture
def thai(reference):
    return make_user("official.th", Role.OFFICIAL, "TH")


@pytest.fixture
def cycles(plan, official_id, official_jp, thai, secretariat):
    """Three activities, six expected reports, one in each state, one late, one missing; and the
    cycle before, with two accepted reports."""
    a = make_activity(plan, "1.1", leads=["ID"], participants=["JP"])
    b = make_activity(plan, "2.1", leads=["JP"])
    c = make_activity(plan, "3.1", leads=["ID"], participants=["JP", "TH"])
    today = timezone.localdate()
    before = make_cycle(
        plan,
        title="Last year",
        period_start=datetime.date(today.year - 2, 7, 1),
        period_end=datetime.date(today.year - 1, 6, 30),
    )
    file_report(official_id, a, before, "accepted", secretariat, status="in_progress", percent=10)
    file_report(official_jp, b, before, "accepted", secretariat, status="not_started", percent=0)
    now = make_cycle(plan, title="This year")
    file_report(official_id, a, now, "accepted", secretariat, status="in_progress", percent=40)
    file_report(official_jp, a, now, "submitted", status="in_progress", percent=20)
    file_report(official_jp, b, now, "returned", secretariat, status="delayed", percent=5)
    file_report(official_id, c, now, "draft", status="in_progress", percent=50)
    file_report(
        official_jp, c, now, "accepted", secretariat, late=True, status="completed", percent=100
    )
    return before, now


def by_number(areas):
    return {area.number: area for area in areas}


def test_status_by_area_counts_accepted_reports(cycles, secretariat):
    areas = by_number(figures.status_by_area(cycles[1], secretariat))
    assert [a.number for a in areas.values()] == [1, 2, 3, 4, 5]
    assert (areas[1].reports, areas[1].average_percent) == (1, 40.0)
    assert areas[1].by_implementation["in_progress"] == 1
    assert (areas[2].reports, areas[2].average_percent) == (0, None)
    assert (areas[3].reports, areas[3].average_percent) == (1, 100.0)
    assert areas[3].by_implementation == {
        "not_started": 0,
        "in_progress": 0,
        "completed": 1,
        "delayed": 0,
        "suspended": 0,
        "cancelled": 0,
    }


def test_status_by_area_adds_pending_reports_when_asked(cycles, secretariat):
    areas = by_number(figures.status_by_area(cycles[1], secretariat, include_pending=True))
    assert (areas[1].reports, areas[1].average_percent) == (2, 30.0)


def test_status_by_area_of_one_party(cycles, secretariat):
    japan = Party.objects.get(code="JP")
    areas = by_number(figures.status_by_area(cycles[1], secretariat, party=japan))
    assert [areas[n].reports for n in (1, 2, 3)] == [0, 0, 1]


def test_pending_figures_never_show_another_partys_submitted_report(cycles, official_id):
    """Indonesia's official asks for pending reports: Japan's submitted one is not among them."""
    areas = by_number(figures.status_by_area(cycles[1], official_id, include_pending=True))
    assert areas[1].reports == 1


def test_the_compliance_matrix_as_the_secretariat(cycles, secretariat):
    matrix = figures.compliance(cycles[1], secretariat)
    assert [(r.activity_code, r.party_code, r.role, r.state, r.is_late) for r in matrix.rows] == [
        ("1.1", "ID", "lead", "accepted", False),
        ("1.1", "JP", "participant", "submitted", False),
        ("2.1", "JP", "lead", "returned", False),
        ("3.1", "ID", "lead", "draft", False),
        ("3.1", "JP", "participant", "accepted", True),
        ("3.1", "TH", "participant", "missing", False),
    ]
    assert matrix.summary == {
        "expected": 6,
        "missing": 1,
        "draft": 1,
        "submitted": 1,
        "returned": 1,
        "accepted": 2,
    }


def test_the_compliance_matrix_shows_what_a_reader_may_not_see_as_missing(cycles, reader):
    matrix = figures.compliance(cycles[1], reader)
    assert matrix.summary == {
        "expected": 6,
        "missing": 4,
        "draft": 0,
        "submitted": 0,
        "returned": 0,
        "accepted": 2,
    }
    assert all(row.report_id is None for row in matrix.rows if row.state == "missing")


def test_the_reporting_rate_per_party(cycles, secretariat):
    rates = {rate.code: rate for rate in figures.reporting_rate(cycles[1], secretariat)}
    assert set(rates) == {"ID", "JP", "TH"}
    indonesia, japan, thailand = rates["ID"], rates["JP"], rates["TH"]
    assert (indonesia.expected, indonesia.received, indonesia.on_time, indonesia.accepted) == (
        2,
        1,
        1,
        1,
    )
    assert (japan.expected, japan.received, japan.on_time, japan.accepted) == (3, 2, 1, 1)
    assert (thailand.expected, thailand.received, thailand.reporting_rate) == (1, 0, 0.0)
    assert japan.name == "Japan"
    assert (japan.reporting_rate, japan.on_time_rate) == (66.7, 33.3)


def test_the_reporting_rate_agrees_with_the_compliance_matrix(cycles, secretariat):
    matrix = figures.compliance(cycles[1], secretariat)
    rates = figures.reporting_rate(cycles[1], secretariat)
    assert sum(rate.expected for rate in rates) == matrix.summary["expected"]
    received = matrix.summary["submitted"] + matrix.summary["accepted"]
    assert sum(rate.received for rate in rates) == received


def test_a_party_that_leads_and_takes_part_is_expected_once_as_lead_in_every_figure(
    cycles, secretariat, plan
):
    # Indonesia leads 4.1 and takes part in it: one more expected report, not two.
    make_activity(plan, "4.1", leads=["ID"], participants=["ID", "TH"])
    now = cycles[1]
    matrix = figures.compliance(now, secretariat)
    assert [(r.party_code, r.role) for r in matrix.rows if r.activity_code == "4.1"] == [
        ("ID", "lead"),
        ("TH", "participant"),
    ]
    assert matrix.summary == figures.compliance_summary(now, secretariat)
    assert matrix.summary["expected"] == 8
    rates = {rate.code: rate.expected for rate in figures.reporting_rate(now, secretariat)}
    assert rates == {"ID": 3, "JP": 3, "TH": 2}
    assert figures.plan_totals(now, secretariat).expected == 8
    assert figures.trend(now, secretariat)[-1].expected == 8


def test_what_changed_since_the_cycle_before(cycles, secretariat):
    before, now = cycles
    assert now.previous() == before
    changes = figures.changes_between(now, before, secretariat)
    assert [(c.activity_code, c.party_code, c.kind) for c in changes] == [
        ("1.1", "ID", "changed"),
        ("2.1", "JP", "stopped"),
        ("3.1", "JP", "new"),
    ]
    indonesia = changes[0]
    assert (indonesia.percent_before, indonesia.percent_now, indonesia.percent_change) == (
        10,
        40,
        30,
    )
    assert (changes[1].status_before, changes[1].status_now) == ("not_started", None)
    assert (changes[2].status_before, changes[2].status_now) == (None, "completed")


def test_figures_take_a_fixed_number_of_queries(
    cycles, secretariat, plan, django_assert_num_queries
):
    before, now = cycles

    def queries():
        # Each figure is asked for by a freshly read user (the role is a column: no query).
        user = User.objects.get(pk=secretariat.pk)
        # the plan's figures version (the plan changed: not cached), the counts per area, the
        # plan's areas
        with django_assert_num_queries(3):
            figures.status_by_area(now, user)
        user = User.objects.get(pk=secretariat.pk)
        # the reports, the expected pairs (ExpectedPairs: leads and participants in one)
        with django_assert_num_queries(2):
            figures.compliance(now, user)
        user = User.objects.get(pk=secretariat.pk)
        # the figures version, lead and participating parties per party, the reports per party
        with django_assert_num_queries(4):
            figures.reporting_rate(now, user)
        user = User.objects.get(pk=secretariat.pk)
        # the figures version (not cached), the counted reports of each cycle
        with django_assert_num_queries(3):
            figures.changes_between(now, before, user)

    queries()
    for number in range(2, 12):
        make_activity(plan, f"4.{number}", leads=["ID"], participants=["JP", "TH"])
    queries()
