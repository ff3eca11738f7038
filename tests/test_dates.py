"""One date format across the app ("29 Dec 2026"), and times with their time zone."""

import datetime

import lxml.html
import time_machine
from django.template import Context, Template
from django.utils import timezone

from tests.factories import make_cycle, make_report

MOMENT = datetime.datetime(2026, 12, 29, 7, 5, 42, 123456, tzinfo=datetime.UTC)


def render(source, **context):
    return Template(source).render(Context(context))


def test_dates_and_times_have_one_format_with_the_time_zone():
    assert render("{{ day }}", day=MOMENT.date()) == "29 Dec 2026"
    assert render("{{ moment }}", moment=MOMENT) == "29 Dec 2026, 14:05 WIB"
    assert render("{{ moment|date }}", moment=MOMENT) == "29 Dec 2026"


def test_times_follow_the_sites_time_zone(settings):
    settings.TIME_ZONE = "Asia/Tokyo"
    assert render("{{ moment }}", moment=MOMENT) == "29 Dec 2026, 16:05 JST"


def test_pages_and_the_admin_use_the_format(client, official_id, secretariat, activity, plan):
    cycle = make_cycle(
        plan, deadline=datetime.date(2026, 12, 29), opens_on=datetime.date(2026, 1, 5)
    )
    with time_machine.travel(MOMENT, tick=False):
        report = make_report(official_id, activity, cycle, "submitted")
    client.force_login(official_id)
    page = lxml.html.fromstring(client.get(f"/reports/{report.pk}/").content.decode())
    times = [t.text for t in page.cssselect("#timeline time")]
    assert times == ["29 Dec 2026, 14:05 WIB", "29 Dec 2026, 14:05 WIB"]
    client.force_login(secretariat)
    queue = lxml.html.fromstring(client.get("/admin/reports/submittedreport/").content.decode())
    assert queue.cssselect("#result_list td.field-submitted")[0].text == "29 Dec 2026"
    assert timezone.localtime(report.submitted_at).microsecond == 123456  # stored, not shown
