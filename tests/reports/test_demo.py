import datetime

import pytest
from django.core.management import CommandError, call_command

from ammtc_tracker.models import User
from priorities.models import Activity
from reports.models import ProgressReport
from tests.factories import make_report


def test_demo_data_covers_every_workflow_state_and_is_all_sample(reference, monkeypatch, capsys):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-123")
    call_command("load_demo")
    assert Activity.objects.count() == 15
    assert not Activity.objects.filter(is_sample=False).exists()
    assert set(ProgressReport.objects.values_list("status", flat=True)) == {
        "draft",
        "submitted",
        "returned",
        "accepted",
    }
    out = capsys.readouterr().out
    assert "official.id" in out and "password: demo-pass-123" in out
    official = User.objects.get(username="official.id")
    assert official.check_password("demo-pass-123")
    assert (official.party.code, official.is_official) == ("ID", True)
    assert User.objects.get(username="secretariat").is_secretariat
    assert User.objects.get(username="reader").is_reader


def test_demo_password_is_random_and_printed_when_not_set(reference, monkeypatch, capsys):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("load_demo")
    password = capsys.readouterr().out.split("password: ")[1].strip()
    assert len(password) >= 12
    assert User.objects.get(username="reader").check_password(password)


def test_demo_can_be_loaded_twice(reference):
    call_command("load_demo")
    counts = (Activity.objects.count(), ProgressReport.objects.count())
    call_command("load_demo")
    assert (Activity.objects.count(), ProgressReport.objects.count()) == counts


def test_demo_refuses_a_database_with_real_reports(official_id, plan, cycle):
    real = Activity.objects.create(
        priority_area=plan.priority_areas.get(number=1), code="1.1", title="Real", is_sample=False
    )
    real.lead_parties.add(official_id.party)
    make_report(official_id, real, cycle)
    with pytest.raises(CommandError, match="real \\(non-sample\\) progress reports"):
        call_command("load_demo")
    assert Activity.objects.count() == 1


def test_demo_has_a_closed_past_cycle_of_accepted_reports_dated_when_it_ran(reference):
    from reports.documents import build_document
    from reports.models import ReportingCycle

    call_command("load_demo")
    past, current = ReportingCycle.objects.order_by("period_start")
    assert past.is_closed and not current.is_closed
    reports = past.reports.all()
    assert set(reports.values_list("status", flat=True)) == {"accepted"}
    assert reports.values("party").distinct().count() == 4
    assert set(current.reports.values_list("status", flat=True)) == {
        "draft",
        "submitted",
        "returned",
        "accepted",
    }
    for report in reports:
        assert past.opens_on < report.submitted_at.date() < past.deadline + datetime.timedelta(15)
        assert report.is_late == (report.submitted_at.date() > past.deadline)
        assert report.reviewed_at > report.submitted_at
        assert [step.at.year for step in report.transitions.all()] == [past.deadline.year] * 3
        assert report.history.latest().history_date == report.reviewed_at
    assert reports.filter(is_late=True).count() == 2
    # The changes from the past cycle to the current one are there to show.
    secretariat = User.objects.get(username="secretariat")
    document = build_document(cycle=current, user=secretariat, level="strategic")
    assert document.previous_cycle_title == past.title
    assert document.change_counts["changed"] >= 3 and document.change_counts["stopped"] >= 3


def test_demo_cycles_feed_only_sample_consultations(reference):
    from priorities.models import Consultation

    real = set(Consultation.objects.values_list("pk", flat=True))
    call_command("load_demo")
    linked = Consultation.objects.filter(reporting_cycles__isnull=False).distinct()
    assert linked.count() == 4
    assert all(meeting.is_sample and meeting.name.endswith("(SAMPLE)") for meeting in linked)
    assert not linked.filter(pk__in=real).exists()
    call_command("load_demo")
    assert Consultation.objects.filter(is_sample=True).count() == 4


def test_a_password_file_keeps_the_demo_password_across_runs(
    reference, monkeypatch, capsys, tmp_path
):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    kept = tmp_path / ".demo-password"
    call_command("load_demo", password_file=kept)
    first = capsys.readouterr().out.split("password: ")[1].strip()
    assert kept.read_text().strip() == first
    assert kept.stat().st_mode & 0o777 == 0o600
    call_command("load_demo", password_file=kept)
    assert capsys.readouterr().out.split("password: ")[1].strip() == first
    assert User.objects.get(username="official.id").check_password(first)


def test_demo_password_from_the_environment_wins_over_the_file(
    reference, monkeypatch, capsys, tmp_path
):
    kept = tmp_path / ".demo-password"
    kept.write_text("from-the-file\n")
    monkeypatch.setenv("DEMO_PASSWORD", "from-the-env-1")
    call_command("load_demo", password_file=kept)
    assert capsys.readouterr().out.rstrip().endswith("password: from-the-env-1")


def test_the_demo_ends_with_the_login_link_of_the_served_address_and_the_accounts(
    reference, monkeypatch, capsys
):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-123")
    call_command("load_demo", url="http://0.0.0.0:8642")
    last = capsys.readouterr().out.rstrip().splitlines()[-8:]
    assert last == [
        "Demo accounts, log in at http://0.0.0.0:8642/accounts/login/ :",
        "  official.id  Official of Indonesia",
        "  official.jp  Official of Japan",
        "  official.th  Official of Thailand",
        "  official.ph  Official of the Philippines",
        "  secretariat  Secretariat reviewer",
        "  reader       Reader",
        "  password: demo-pass-123",
    ]
