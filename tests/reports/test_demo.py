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
