"""``manage.py send_reminders``, run as cron would run it (every hour), on the days around a
cycle's deadline: each official with something outstanding gets one e-mail per occasion."""

import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from ammtc_tracker.models import Role, User
from reports.models import SentReminder
from tests.factories import make_activity, make_cycle, make_report, make_user

TODAY = timezone.localdate()
DEADLINE = TODAY + datetime.timedelta(days=45)


@pytest.fixture(autouse=True)
def world(reference, settings, plan, official_id, official_jp, secretariat):
    """Indonesia: a draft on 1.1 and nothing on 1.2. Japan: both its reports submitted.
    Thailand: its report on 2.1 returned. Every official has an address."""
    settings.SITE_URL = "http://testserver.example"
    make_user("official.id2", Role.OFFICIAL, "ID")
    thai = make_user("official.th", Role.OFFICIAL, "TH")
    for user in User.objects.all():
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])
    cycle = make_cycle(plan, opens_on=TODAY - datetime.timedelta(days=1), deadline=DEADLINE)
    first = make_activity(plan, "1.1", leads=["ID"], participants=["JP"])
    make_activity(plan, "1.2", leads=["ID"])
    second = make_activity(plan, "2.1", leads=["JP"], participants=["TH"])
    make_report(official_id, first, cycle, "draft")
    make_report(official_jp, first, cycle, "submitted")
    make_report(official_jp, second, cycle, "submitted")
    make_report(thai, second, cycle, "returned", secretariat)
    return cycle


def run(days_from_deadline, *args, hour=12):
    """Run the command at ``hour`` o'clock, site time, ``days_from_deadline`` from the deadline."""
    day = DEADLINE + datetime.timedelta(days=days_from_deadline)
    moment = datetime.datetime.combine(
        day, datetime.time(hour), tzinfo=zoneinfo.ZoneInfo(django_settings.TIME_ZONE)
    )
    out = io.StringIO()
    with time_machine.travel(moment, tick=False):
        call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def sent(since=0):
    return sorted((m.to[0], m.subject) for m in mail.outbox[since:])


def to_each(subject, parties=("id", "id2", "th")):
    return sorted((f"official.{who}@example.org", f"[AMMTC Tracker] {subject}") for who in parties)


def test_each_official_with_something_outstanding_gets_one_email_listing_it_all(world):
    assert run(-30) == "Sent 3 e-mails.\n"
    assert sent() == to_each("30 days left to report for 2026 cycle")
    body = next(m.body for m in mail.outbox if m.to == ["official.id@example.org"])
    assert "- 1.1 Activity 1.1: a draft, not submitted\n- 1.2 Activity 1.2: not started\n" in body
    assert f"http://testserver.example/my-reporting/?cycle={world.pk}" in body
    thai = next(m.body for m in mail.outbox if m.to == ["official.th@example.org"])
    assert "- 2.1 Activity 2.1: returned for changes\n" in thai
    assert "1.1" not in thai


def test_an_activity_a_party_leads_and_takes_part_in_is_listed_and_counted_once(world, plan):
    make_activity(plan, "1.3", leads=["ID"], participants=["ID", "TH"])
    run(1)
    indonesia = [m for m in mail.outbox if m.to == ["official.id@example.org"]]
    assert [m.subject for m in indonesia] == [
        "[AMMTC Tracker] Overdue: Indonesia has 3 reports to file for 2026 cycle"
    ]
    assert indonesia[0].body.count("1.3 Activity 1.3") == 1


def test_a_party_with_everything_submitted_gets_nothing(world):
    run(-30)
    assert not [m for m in mail.outbox if m.to == ["official.jp@example.org"]]


def test_running_every_hour_sends_each_reminder_once(world):
    for hour in (8, 9, 10, 23):
        run(-30, hour=hour)
    assert len(mail.outbox) == 3
    assert SentReminder.objects.filter(cycle=world, occasion="30").count() == 3


def test_thirty_seven_and_one_day_before_and_once_after_the_deadline(world):
    subjects = {}
    for days in range(-46, 10):
        before = len(mail.outbox)
        run(days)
        if len(mail.outbox) > before:
            subjects[days] = {m.subject for m in mail.outbox[before:]}
    assert subjects == {
        -30: {"[AMMTC Tracker] 30 days left to report for 2026 cycle"},
        -7: {"[AMMTC Tracker] 7 days left to report for 2026 cycle"},
        -1: {"[AMMTC Tracker] 1 day left to report for 2026 cycle"},
        1: {
            "[AMMTC Tracker] Overdue: Indonesia has 2 reports to file for 2026 cycle",
            "[AMMTC Tracker] Overdue: Thailand has 1 report to file for 2026 cycle",
        },
    }
    assert len(mail.outbox) == 12


def test_after_missed_runs_only_the_latest_occasion_is_sent(world):
    run(-5)
    assert sent() == to_each("5 days left to report for 2026 cycle")
    assert set(SentReminder.objects.values_list("occasion", flat=True)) == {"7"}
    run(-4)
    assert len(mail.outbox) == 3


def test_what_was_sent_is_recorded(world):
    run(-30)
    record = SentReminder.objects.get(recipient__username="official.th")
    assert (record.kind, record.cycle, record.occasion) == ("deadline", world, "30")
    assert (record.email, record.listed) == (
        "official.th@example.org",
        "2.1 Activity 2.1 (Thailand: returned)",
    )


def test_a_dry_run_prints_who_would_get_what_and_sends_nothing(world):
    out = run(-30, "--dry-run")
    assert out.splitlines() == [
        "Would send to official.id <official.id@example.org> (2026 cycle, 30): 1.1, 1.2",
        "Would send to official.id2 <official.id2@example.org> (2026 cycle, 30): 1.1, 1.2",
        "Would send to official.th <official.th@example.org> (2026 cycle, 30): 2.1",
        "3 e-mails would be sent; nothing was sent.",
    ]
    assert (mail.outbox, SentReminder.objects.count()) == ([], 0)
    run(-30)
    assert len(mail.outbox) == 3


def test_the_days_before_the_deadline_are_a_setting(world, settings):
    settings.REMINDER_DAYS_BEFORE = [14]
    run(-30)
    run(-15)
    assert mail.outbox == []
    run(-14)
    assert sent() == to_each("14 days left to report for 2026 cycle")


def test_closed_and_unopened_cycles_send_nothing(world, plan):
    world.closed_at = timezone.now()
    world.save(update_fields=["closed_at"])
    make_cycle(
        plan,
        title="Next cycle",
        opens_on=DEADLINE + datetime.timedelta(days=5),
        deadline=DEADLINE + datetime.timedelta(days=40),
    )
    run(-30)
    run(1)
    assert mail.outbox == []


def test_a_reminder_that_could_not_be_sent_is_sent_by_the_next_run(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    # Nothing listens on this port (the range this project's tests may use).
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 8599, 2
    with pytest.raises(CommandError, match="3 e-mails could not be sent; the next run tries"):
        run(-30)
    assert SentReminder.objects.count() == 0
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    run(-30, hour=13)
    assert len(mail.outbox) == 3


def test_the_secretariat_gets_a_daily_digest_when_asked(world, settings):
    settings.SUBMISSION_NOTICES = "daily"
    settings.REMINDER_DAYS_BEFORE = [1]
    run(-30, hour=1)
    run(-30, hour=2)
    assert sent() == [
        ("secretariat@example.org", "[AMMTC Tracker] 2 reports wait for your review"),
    ]
    body = mail.outbox[0].body
    assert "- 1.1 Activity 1.1: Japan\n- 2.1 Activity 2.1: Japan\n" in body
    assert "http://testserver.example/admin/reports/submittedreport/" in body
    run(-29)
    assert len(mail.outbox) == 2


def test_without_the_digest_setting_the_secretariat_gets_no_digest(world, settings):
    settings.REMINDER_DAYS_BEFORE = [1]
    run(-30)
    assert mail.outbox == []


def test_finding_what_is_due_takes_a_fixed_number_of_queries(
    world, plan, django_assert_num_queries
):
    from reports.reminders import due_reminders

    def count():
        # the open cycles; for the one open: what was sent, the outstanding lead and
        # participant pairs, the officials of those parties
        with django_assert_num_queries(5):
            return len(due_reminders(DEADLINE - datetime.timedelta(days=30)))

    assert count() == 3
    for number in range(3, 23):
        make_activity(plan, f"1.{number}", leads=["ID", "TH"], participants=["VN"])
    make_user("official.vn", Role.OFFICIAL, "VN")
    assert count() == 4


def test_the_secretariat_can_read_what_was_sent_in_the_admin(world, client, secretariat):
    run(-30)
    client.force_login(secretariat)
    response = client.get("/admin/reports/sentreminder/")
    assert response.status_code == 200
    assert {r.email for r in response.context["cl"].result_list} == {
        "official.id@example.org",
        "official.id2@example.org",
        "official.th@example.org",
    }
    record = SentReminder.objects.first()
    assert client.post(f"/admin/reports/sentreminder/{record.pk}/delete/").status_code == 403
