"""Building a consultation document: a constant number of queries, whatever the plan's size."""

import pytest

from ammtc_tracker.models import User
from priorities.models import Activity
from reports.documents import build_document, default_level
from tests.factories import file_report, make_activity


@pytest.mark.parametrize(
    ("level", "queries"),
    [
        # the previous cycle, status by area (the plan's figures version, counts, areas), the
        # activity rows (6), key points (version, most progress, behind), what changed
        # (version, 2 cycles), sample activities, plan totals (version and 5), reporting rate
        # (version and 3); each build follows a change of the plan, so nothing is cached
        ("technical", 1 + 3 + 6 + 3 + 3 + 1 + 6 + 4),
        # the same without the activity rows
        ("strategic", 1 + 3 + 3 + 3 + 1 + 6 + 4),
    ],
)
def test_building_a_document_takes_a_fixed_number_of_queries(
    meeting, secretariat, plan, official_id, django_assert_num_queries, level, queries
):
    def build():
        user = User.objects.get(pk=secretariat.pk)
        assert user.is_secretariat  # the role is read before counting
        with django_assert_num_queries(queries):
            return build_document(
                cycle=meeting.cycle,
                user=user,
                level=level,
                include_pending=True,
                consultation=meeting.somtc,
            )

    small = build()
    for number in range(2, 30):
        activity = make_activity(plan, f"2.{number}", leads=["ID"], participants=["JP"])
        file_report(official_id, activity, meeting.cycle, "submitted")
    large = build()
    assert large.totals.activities == small.totals.activities + 28
    assert large.totals.pending == small.totals.pending + 28


def test_a_document_of_sample_activities_or_for_a_sample_meeting_says_sample(meeting, secretariat):
    document = build_document(cycle=meeting.cycle, user=secretariat, level="technical")
    assert document.is_sample
    Activity.objects.update(is_sample=False)
    real = build_document(cycle=meeting.cycle, user=secretariat, level="technical")
    assert not real.is_sample
    meeting.somtc.is_sample = True
    meeting.somtc.save()
    sample_meeting = build_document(
        cycle=meeting.cycle, user=secretariat, level="technical", consultation=meeting.somtc
    )
    assert sample_meeting.is_sample
    assert sample_meeting.meeting.name == "99th SOMTC+Japan (SAMPLE)"


def test_each_meeting_gets_its_level_by_default(meeting):
    assert default_level(meeting.somtc) == "technical"
    assert default_level(meeting.ammtc) == "strategic"
    assert default_level(None) == "technical"


def test_a_document_counts_only_what_its_reader_may_see(meeting, official_id, secretariat):
    """Built for an official, another party's pending report is not there."""
    document = build_document(
        cycle=meeting.cycle, user=official_id, level="technical", include_pending=True
    )
    first = document.activities[0]
    assert [report.party_code for report in first.reports] == ["ID"]
    full = build_document(
        cycle=meeting.cycle, user=secretariat, level="technical", include_pending=True
    )
    assert [report.party_code for report in full.activities[0].reports] == ["ID", "JP"]
