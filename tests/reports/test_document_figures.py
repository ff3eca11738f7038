"""The figures the consultation documents are made of, on the cycle of tests/reports/conftest.py
counted here by hand."""

from decimal import Decimal

from ammtc_tracker.models import User
from reports import figures
from tests.factories import file_report, make_activity


def rows_by_code(rows):
    return {row.code: row for row in rows}


def test_every_activity_is_listed_in_the_plans_order_with_its_counted_reports(meeting, secretariat):
    rows = figures.activity_rows(meeting.cycle, secretariat)
    assert [row.code for row in rows] == ["1.1", "2.1", "3.1", "4.1", "5.1"]
    by_code = rows_by_code(rows)
    first = by_code["1.1"]
    assert (first.leads, first.participants) == (("Indonesia",), ("Japan",))
    assert [(r.party_code, r.status, r.percent_complete) for r in first.reports] == [
        ("ID", "accepted", 40)
    ]
    assert first.not_reported_by == ("Japan",)  # Japan's report is only submitted
    report = first.reports[0]
    assert report.implementation_label == "in progress"
    assert report.achievements.startswith("Trained 25 investigators.")
    reading = report.readings[0]
    assert (reading.name, reading.unit, reading.value, reading.target) == (
        "Indicator 1",
        "people",
        Decimal(25),
        Decimal(10),
    )


def test_activities_without_a_counted_report_are_kept_as_no_report(meeting, secretariat):
    by_code = rows_by_code(figures.activity_rows(meeting.cycle, secretariat))
    # 2.1: Japan's report was returned; 4.1: nobody wrote one.
    assert (by_code["2.1"].has_report, by_code["2.1"].not_reported_by) == (False, ("Japan",))
    assert (by_code["4.1"].has_report, by_code["4.1"].not_reported_by) == (False, ("Thailand",))
    assert [indicator.name for indicator in by_code["4.1"].indicators] == [
        "Indicator 1",
        "Indicator 2",
    ]
    # 3.1: Japan's late report counts; Indonesia's draft does not.
    assert [r.party_code for r in by_code["3.1"].reports] == ["JP"]
    assert by_code["3.1"].reports[0].is_late is True
    assert by_code["3.1"].not_reported_by == ("Indonesia", "Thailand")


def test_pending_reports_are_added_and_marked_when_asked(meeting, secretariat):
    rows = figures.activity_rows(meeting.cycle, secretariat, include_pending=True)
    first = rows_by_code(rows)["1.1"]
    assert [(r.party_code, r.is_pending) for r in first.reports] == [
        ("ID", False),
        ("JP", True),
    ]
    assert first.not_reported_by == ()


def test_a_party_that_leads_and_takes_part_is_one_report_missing_named_once(
    meeting, secretariat, official_jp, plan
):
    both = make_activity(plan, "5.2", leads=["ID"], participants=["ID", "JP"])
    file_report(official_jp, both, meeting.cycle, "accepted", secretariat)
    row = rows_by_code(figures.activity_rows(meeting.cycle, secretariat))["5.2"]
    assert row.not_reported_by == ("Indonesia",)
    assert figures.plan_totals(meeting.cycle, secretariat).expected == 8 + 2


def test_plan_totals_add_up_the_areas_and_the_parties(meeting, secretariat):
    for pending in (False, True):
        totals = figures.plan_totals(meeting.cycle, secretariat, include_pending=pending)
        areas = figures.status_by_area(meeting.cycle, secretariat, include_pending=pending)
        assert totals.reports == sum(area.reports for area in areas)
        assert totals.activities == sum(area.activities for area in areas) == 5
        assert totals.activities_reported == sum(area.activities_reported for area in areas)
        for status in figures.Implementation.values:
            assert totals.by_implementation[status] == sum(
                area.by_implementation[status] for area in areas
            )
    totals = figures.plan_totals(meeting.cycle, secretariat)
    # Accepted: ID 1.1 (40), JP 3.1 (100), JP 5.1 (15).
    assert (totals.reports, totals.pending, totals.average_percent) == (3, 0, 51.7)
    assert (totals.activities_reported, totals.activities_without_report) == (3, 2)
    rates = figures.reporting_rate(meeting.cycle, secretariat)
    assert totals.expected == sum(rate.expected for rate in rates) == 8
    assert (totals.received, totals.on_time) == (4, 3)
    assert (totals.reporting_rate, totals.on_time_rate) == (50.0, 37.5)
    pending = figures.plan_totals(meeting.cycle, secretariat, include_pending=True)
    assert (pending.reports, pending.pending, pending.average_percent) == (4, 1, 43.8)


def test_key_points_default_to_the_most_progress_and_the_delayed(meeting, secretariat):
    points = figures.key_points(meeting.cycle, secretariat)
    assert [(p.activity_code, p.party_name) for p in points.achievements] == [
        ("1.1", "Indonesia"),
        ("3.1", "Japan"),
        ("5.1", "Japan"),
    ]
    assert [(p.activity_code, p.challenges) for p in points.challenges] == [
        ("5.1", "Funding arrived late.")
    ]
    assert len(figures.key_point_candidates(meeting.cycle, secretariat)) == 3
    assert points.achievements_of(3)[0].achievements == "Handbook published."


def test_key_points_chosen_by_the_secretariat_replace_the_defaults(meeting, secretariat):
    default = figures.key_points(meeting.cycle, secretariat)
    handbook = default.achievements_of(3)[0].report_id
    points = figures.key_points(
        meeting.cycle, secretariat, achievements=[handbook, 999999], challenges=[]
    )
    assert [p.report_id for p in points.achievements] == [handbook]
    assert points.challenges == []


def test_what_changed_carries_the_area_and_counts_each_kind(meeting, secretariat):
    changes = figures.changes_between(meeting.cycle, meeting.previous, secretariat)
    assert [(c.area_number, c.activity_code, c.party_code, c.kind) for c in changes] == [
        (1, "1.1", "ID", "changed"),
        (2, "2.1", "JP", "stopped"),
        (3, "3.1", "JP", "new"),
        (5, "5.1", "JP", "new"),
    ]
    assert figures.change_counts(changes) == {"new": 2, "stopped": 1, "changed": 1, "unchanged": 0}
    pending = figures.changes_between(
        meeting.cycle, meeting.previous, secretariat, include_pending=True
    )
    japan = [c for c in pending if (c.activity_code, c.party_code) == ("1.1", "JP")]
    assert [(c.kind, c.is_pending) for c in japan] == [("new", True)]


def test_document_figures_take_a_fixed_number_of_queries(
    meeting, secretariat, plan, official_id, django_assert_num_queries
):
    def count():
        user = User.objects.get(pk=secretariat.pk)
        assert user.is_secretariat  # the role is read before counting
        cycle = meeting.cycle
        # lead parties, participating parties, indicators, indicator values, reports,
        # activities
        with django_assert_num_queries(6):
            figures.activity_rows(cycle, user, include_pending=True)
        # the plan's figures version (not cached yet), counted reports, received reports, lead
        # pairs, participant pairs, activities
        with django_assert_num_queries(6):
            figures.plan_totals(cycle, user)
        # the plan's figures version (not cached yet), the most progress, the behind
        with django_assert_num_queries(3):
            figures.key_points(cycle, user)

    count()
    for number in range(2, 40):
        activity = make_activity(plan, f"4.{number}", leads=["ID"], participants=["JP", "TH"])
        if number % 3 == 0:
            file_report(official_id, activity, meeting.cycle, "submitted")
    count()
