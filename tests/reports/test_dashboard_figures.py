"""The figures of the dashboard, the compliance screen and the admin index, on a cycle with a
report in every state (tests.factories.make_every_state), counted here by hand."""

import pytest
from django.contrib.auth.models import AnonymousUser

from ammtc_tracker.models import User
from priorities.models import Party
from reports import figures
from tests.factories import make_activity, make_every_state


@pytest.fixture
def cycles(plan, official_id, official_jp, official_th, secretariat):
    return make_every_state(plan, official_id, official_jp, official_th, secretariat)


def states(counts):
    return (counts.expected, counts.by_state, counts.late)


def by_state(accepted=0, submitted=0, returned=0, draft=0, missing=0):
    return {
        "accepted": accepted,
        "submitted": submitted,
        "returned": returned,
        "draft": draft,
        "missing": missing,
    }


def test_compliance_totals_per_party_area_and_cycle_as_the_secretariat(cycles, secretariat):
    totals = figures.compliance_totals(cycles[1], secretariat)
    parties = {row.key: row for row in totals.by_party}
    assert [row.label for row in totals.by_party] == ["Indonesia", "Japan", "Thailand"]
    assert states(parties["ID"]) == (3, by_state(accepted=1, draft=1, missing=1), 0)
    assert states(parties["JP"]) == (3, by_state(accepted=1, submitted=1, returned=1), 1)
    assert states(parties["TH"]) == (2, by_state(submitted=1, missing=1), 1)
    areas = {row.key: row for row in totals.by_area}
    assert list(areas) == ["1", "2", "3"]
    assert states(areas["1"]) == (2, by_state(accepted=1, submitted=1), 0)
    assert states(areas["2"]) == (1, by_state(returned=1), 0)
    assert states(areas["3"]) == (5, by_state(accepted=1, submitted=1, draft=1, missing=2), 2)
    overall = totals.overall
    assert states(overall) == (8, by_state(2, 2, 1, 1, 2), 2)
    assert (overall.received, overall.on_time) == (4, 2)
    assert (overall.reporting_rate, overall.on_time_rate) == (50.0, 25.0)
    assert (parties["JP"].reporting_rate, parties["JP"].on_time_rate) == (66.7, 33.3)


def test_compliance_totals_agree_with_the_matrix_and_the_reporting_rate(cycles, secretariat):
    matrix = figures.compliance(cycles[1], secretariat)
    overall = figures.compliance_totals(cycles[1], secretariat).overall
    assert overall.expected == matrix.summary["expected"]
    assert all(overall.by_state[state] == matrix.summary[state] for state in figures.STATES)
    rates = {rate.code: rate for rate in figures.reporting_rate(cycles[1], secretariat)}
    for party in figures.compliance_totals(cycles[1], secretariat).by_party:
        rate = rates[party.key]
        assert (party.expected, party.received, party.on_time) == (
            rate.expected,
            rate.received,
            rate.on_time,
        )


def test_compliance_totals_narrowed_to_a_party_or_an_area(cycles, secretariat, plan):
    thailand = Party.objects.get(code="TH")
    totals = figures.compliance_totals(cycles[1], secretariat, party=thailand)
    assert [row.key for row in totals.by_party] == ["TH"]
    assert states(totals.overall) == (2, by_state(submitted=1, missing=1), 1)
    area = plan.priority_areas.get(number=1)
    totals = figures.compliance_totals(cycles[1], secretariat, area=area)
    assert [row.key for row in totals.by_area] == ["1"]
    assert states(totals.overall) == (2, by_state(accepted=1, submitted=1), 0)


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        # Indonesia sees its own draft, and Japan's accepted report; the rest is missing.
        ("official_id", by_state(accepted=2, draft=1, missing=5)),
        # Japan sees its own three, and Indonesia's accepted report.
        ("official_jp", by_state(accepted=2, submitted=1, returned=1, missing=4)),
        ("reader", by_state(accepted=2, missing=6)),
    ],
)
def test_compliance_totals_never_count_what_the_viewer_may_not_see(
    cycles, viewer, expected, request
):
    user = request.getfixturevalue(viewer)
    assert figures.compliance_totals(cycles[1], user).overall.by_state == expected


def test_compliance_totals_for_an_anonymous_visitor_are_all_missing(cycles):
    overall = figures.compliance_totals(cycles[1], AnonymousUser()).overall
    assert overall.by_state == by_state(missing=8)


def test_the_compliance_matrix_rows_and_cells(cycles, secretariat):
    matrix = figures.compliance_matrix(cycles[1], secretariat)
    assert [party.code for party in matrix.parties] == ["ID", "JP", "TH"]
    assert matrix.activity_count == 4
    codes = {party.id: party.code for party in matrix.parties}
    grid = {
        row.code: {codes[p]: (c.role, c.state, c.is_late) for p, c in row.cells.items()}
        for row in matrix.rows
    }
    assert grid == {
        "1.1": {"ID": ("lead", "accepted", False), "JP": ("participant", "submitted", False)},
        "2.1": {"JP": ("lead", "returned", False)},
        "3.1": {
            "ID": ("lead", "draft", False),
            "JP": ("participant", "accepted", True),
            "TH": ("participant", "missing", False),
        },
        "3.2": {"TH": ("lead", "submitted", True), "ID": ("participant", "missing", False)},
    }
    assert [row.code for row in matrix.rows] == ["1.1", "2.1", "3.1", "3.2"]
    first = matrix.rows[0]
    assert (first.title, first.area_number, first.is_sample) == ("Activity 1.1", 1, True)
    assert all(cell.report_id for row in matrix.rows for cell in row.cells.values() if cell.status)


def test_the_compliance_matrix_a_page_at_a_time_and_filtered(cycles, secretariat, plan):
    page = figures.compliance_matrix(cycles[1], secretariat, offset=2, limit=1)
    assert ([row.code for row in page.rows], page.activity_count) == (["3.1"], 4)
    thailand = Party.objects.get(code="TH")
    matrix = figures.compliance_matrix(cycles[1], secretariat, party=thailand)
    assert [party.code for party in matrix.parties] == ["TH"]
    assert [(row.code, list(row.cells)) for row in matrix.rows] == [
        ("3.1", [thailand.pk]),
        ("3.2", [thailand.pk]),
    ]
    matrix = figures.compliance_matrix(
        cycles[1], secretariat, area=plan.priority_areas.get(number=2)
    )
    assert ([row.code for row in matrix.rows], [p.code for p in matrix.parties]) == (
        ["2.1"],
        ["JP"],
    )


def test_the_compliance_matrix_hides_another_partys_unaccepted_reports(cycles, official_id):
    matrix = figures.compliance_matrix(cycles[1], official_id)
    japan = Party.objects.get(code="JP")
    cells = {row.code: row.cells.get(japan.pk) for row in matrix.rows}
    assert (cells["1.1"].state, cells["1.1"].report_id) == ("missing", None)
    assert (cells["2.1"].state, cells["2.1"].report_id) == ("missing", None)
    assert cells["3.1"].state == "accepted"


def test_the_trend_over_cycles(cycles, secretariat):
    points = figures.trend(cycles[1], secretariat)
    assert [point.title for point in points] == ["Last year", "This year"]
    last, this = points
    assert (last.reports, last.average_percent, last.expected, last.received, last.on_time) == (
        2,
        5.0,
        8,
        2,
        2,
    )
    assert (this.reports, this.average_percent, this.received, this.on_time) == (2, 70.0, 4, 2)
    assert this.by_implementation["completed"] == 1
    assert this.by_implementation["delayed"] == 0  # returned, so not counted
    assert (this.reporting_rate, this.on_time_rate) == (50.0, 25.0)


def test_the_trend_stops_at_the_chosen_cycle_and_agrees_with_status_by_area(cycles, secretariat):
    before, now = cycles
    assert [point.title for point in figures.trend(before, secretariat)] == ["Last year"]
    areas = figures.status_by_area(now, secretariat)
    point = figures.trend(now, secretariat)[-1]
    assert point.reports == sum(area.reports for area in areas)
    for status, count in point.by_implementation.items():
        assert count == sum(area.by_implementation[status] for area in areas)


def test_the_trend_as_an_official_counts_only_their_own_unaccepted_reports(
    cycles, official_jp, reader
):
    # Japan sees its own submitted 1.1; the reader does not.
    japan, reading = figures.trend(cycles[1], official_jp)[-1], figures.trend(cycles[1], reader)[-1]
    assert (japan.reports, japan.received, japan.on_time) == (2, 3, 2)
    assert (reading.reports, reading.received, reading.on_time) == (2, 2, 1)


def test_an_officials_own_party_picture_includes_unaccepted_reports(cycles, official_id):
    indonesia = Party.objects.get(code="ID")
    areas = {
        area.number: area for area in figures.party_progress(cycles[1], official_id, indonesia)
    }
    assert list(areas) == [1, 2, 3, 4, 5]
    assert states(areas[1].counts) == (1, by_state(accepted=1), 0)
    assert (areas[1].average_percent, areas[1].by_implementation["in_progress"]) == (40.0, 1)
    assert states(areas[3].counts) == (2, by_state(draft=1, missing=1), 0)
    assert (areas[3].average_percent, areas[3].by_implementation["in_progress"]) == (50.0, 1)
    assert states(areas[2].counts) == (0, by_state(), 0)


def test_another_partys_picture_shows_only_its_accepted_reports(cycles, official_jp, reader):
    indonesia = Party.objects.get(code="ID")
    for viewer in (official_jp, reader):
        areas = {area.number: area for area in figures.party_progress(cycles[1], viewer, indonesia)}
        assert states(areas[3].counts) == (2, by_state(missing=2), 0)
        assert (areas[3].average_percent, sum(areas[3].by_implementation.values())) == (None, 0)
        assert states(areas[1].counts) == (1, by_state(accepted=1), 0)


def test_the_review_queue(cycles, secretariat, official_id):
    queue = figures.review_queue(secretariat)
    assert (queue.waiting, queue.late) == (2, 1)
    assert queue.oldest_submitted_at is not None
    assert figures.review_queue(official_id).waiting == 0


def test_the_new_figures_take_a_fixed_number_of_queries(
    cycles, secretariat, plan, django_assert_num_queries
):
    now = cycles[1]
    indonesia = Party.objects.get(code="ID")

    def queries():
        # Each figure is asked for by a freshly read user (the role is a column: no query).
        user = User.objects.get(pk=secretariat.pk)
        # the plan's figures version (the plan changed: not cached), the expected pairs per
        # party and area (leads, participants), the reports on them per party, area, state and
        # lateness
        with django_assert_num_queries(4):
            figures.compliance_totals(now, user)
        user = User.objects.get(pk=secretariat.pk)
        # the activities counted, a page of them, the parties (columns), the reports, the lead
        # and the participant pairs of the page
        with django_assert_num_queries(6):
            figures.compliance_matrix(now, user, limit=50)
        user = User.objects.get(pk=secretariat.pk)
        # the figures version, the cycles, the counts per cycle, the expected pairs (leads,
        # participants)
        with django_assert_num_queries(5):
            figures.trend(now, user)
        user = User.objects.get(pk=secretariat.pk)
        # the figures version, the totals (the figures version, leads, participants, reports),
        # the counts per area, the plan's areas
        with django_assert_num_queries(7):
            figures.party_progress(now, user, indonesia)
        user = User.objects.get(pk=secretariat.pk)
        # the counts
        with django_assert_num_queries(1):
            figures.review_queue(user)

    queries()
    for number in range(2, 22):
        make_activity(plan, f"4.{number}", leads=["ID"], participants=["JP", "TH"])
    queries()
