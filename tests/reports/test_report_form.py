"""Officials write reports through the form: drafts, submission, conflicts, deadlines."""

import datetime

import time_machine
from django.utils import timezone

from reports.models import ProgressReport, SubmissionWaiver
from reports.services import start_report
from tests.factories import make_cycle, make_report


def form_data(report, **overrides):
    indicator = report.activity.indicators.get()
    data = {
        "version": report.version,
        "implementation_status": "in_progress",
        "percent_complete": "45",
        "achievements": "Trained 40 investigators.",
        "challenges": "Travel budget.",
        "next_steps": "Second course in March.",
        f"indicator_{indicator.pk}_value": "40",
        f"indicator_{indicator.pk}_note": "",
    }
    data.update(overrides)
    return data


def test_an_empty_draft_can_be_saved(client, official_id, activity, cycle):
    report = start_report(user=official_id, activity=activity, cycle=cycle)
    client.force_login(official_id)
    indicator = activity.indicators.get()
    empty = {
        "version": report.version,
        "implementation_status": "",
        "percent_complete": "",
        "achievements": "",
        "challenges": "",
        "next_steps": "",
        f"indicator_{indicator.pk}_value": "",
        f"indicator_{indicator.pk}_note": "",
        "save": "1",
    }
    response = client.post(f"/reports/{report.pk}/edit/", empty)
    assert response.status_code == 302
    assert ProgressReport.objects.get(pk=report.pk).version == report.version + 1


def test_the_form_saves_the_draft_and_then_submits_it(client, official_id, activity, cycle):
    report = start_report(user=official_id, activity=activity, cycle=cycle)
    client.force_login(official_id)
    response = client.post(f"/reports/{report.pk}/edit/", {**form_data(report), "submit": "1"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted"
    assert report.achievements == "Trained 40 investigators."
    assert report.indicator_values.get().value == 40
    assert report.submitted_by == official_id


def test_a_failed_save_shows_each_error_by_its_field_and_keeps_the_input(
    client, official_id, activity, cycle
):
    report = start_report(user=official_id, activity=activity, cycle=cycle)
    client.force_login(official_id)
    data = form_data(report, percent_complete="101", achievements="Kept text")
    response = client.post(f"/reports/{report.pk}/edit/", {**data, "save": "1"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Ensure this value is less than or equal to 100." in html
    assert "Kept text" in html
    assert 'value="101"' in html
    report.refresh_from_db()
    assert report.achievements == ""


def test_submitting_an_incomplete_report_saves_it_and_names_what_is_missing(
    client, official_id, activity, cycle
):
    report = start_report(user=official_id, activity=activity, cycle=cycle)
    client.force_login(official_id)
    indicator = activity.indicators.get()
    data = form_data(report, achievements="", **{f"indicator_{indicator.pk}_value": ""})
    response = client.post(f"/reports/{report.pk}/edit/", {**data, "submit": "1"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Describe what was achieved." in html
    assert "Indicator 1: value: Give a value, or say in the note why it was not measured." in html
    report.refresh_from_db()
    assert (report.status, report.percent_complete) == ("draft", 45)


def test_a_second_stale_save_is_refused_showing_what_changed(
    client, official_id, activity, cycle, django_user_model
):
    report = start_report(user=official_id, activity=activity, cycle=cycle)
    colleague = django_user_model.objects.create_user(
        "colleague.id", role=official_id.role, party=official_id.party
    )
    opened_at = report.version

    client.force_login(colleague)
    first = form_data(report, achievements="Colleague's text", version=opened_at)
    assert client.post(f"/reports/{report.pk}/edit/", {**first, "save": "1"}).status_code == 302

    client.force_login(official_id)
    second = form_data(report, achievements="My text", version=opened_at)
    response = client.post(f"/reports/{report.pk}/edit/", {**second, "save": "1"})
    html = response.content.decode()
    assert response.status_code == 409
    assert "saved this report at" in html and "Nothing of yours was saved." in html
    assert "Colleague&#x27;s text" in html  # what the other person saved
    assert "My text</textarea>" in html  # the user's text is still in the form
    report.refresh_from_db()
    assert report.achievements == "Colleague's text"

    # Saving again from the conflict page is a knowing choice, and goes through.
    current = {**second, "version": report.version, "save": "1"}
    assert client.post(f"/reports/{report.pk}/edit/", current).status_code == 302
    report.refresh_from_db()
    assert report.achievements == "My text"


def test_a_submission_after_the_deadline_is_marked_late(client, official_id, activity, plan):
    today = timezone.localdate()
    cycle = make_cycle(plan, opens_on=today - datetime.timedelta(days=30), deadline=today)
    report = make_report(official_id, activity, cycle)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=2)):
        report.transition("submit", by=official_id)
    assert report.is_late
    client.force_login(official_id)
    html = client.get(f"/reports/{report.pk}/").content.decode()
    assert "late by 2 days" in html


def test_a_submission_on_the_deadline_day_is_not_late(official_id, activity, plan):
    cycle = make_cycle(plan, deadline=timezone.localdate())
    report = make_report(official_id, activity, cycle, "submitted")
    assert not report.is_late


def test_a_closed_cycle_refuses_submissions_and_says_whom_to_contact(
    client, official_id, activity, cycle
):
    report = make_report(official_id, activity, cycle)
    cycle.closed_at = timezone.now()
    cycle.save()
    client.force_login(official_id)
    response = client.post(f"/reports/{report.pk}/submit/")
    html = response.content.decode()
    assert response.status_code == 409
    assert "was closed on" in html
    assert "Contact the ASEAN Secretariat to ask for a waiver for Indonesia." in html
    report.refresh_from_db()
    assert report.status == "draft"


def test_a_waiver_lets_exactly_one_party_submit_to_a_closed_cycle(
    client, official_id, official_jp, secretariat, activity, cycle
):
    indonesian = make_report(official_id, activity, cycle)
    japanese = make_report(official_jp, activity, cycle)
    cycle.closed_at = timezone.now()
    cycle.save()
    SubmissionWaiver.objects.create(
        cycle=cycle, party=official_id.party, reason="Late data", granted_by=secretariat
    )
    client.force_login(official_id)
    assert client.post(f"/reports/{indonesian.pk}/submit/").status_code == 302
    client.force_login(official_jp)
    assert client.post(f"/reports/{japanese.pk}/submit/").status_code == 409
    statuses = dict(ProgressReport.objects.values_list("party__code", "status"))
    assert statuses == {"ID": "submitted", "JP": "draft"}


def test_a_closed_cycle_refuses_new_reports(client, official_id, activity, cycle):
    cycle.closed_at = timezone.now()
    cycle.save()
    client.force_login(official_id)
    response = client.post(f"/cycles/{cycle.pk}/activities/{activity.pk}/start/", follow=True)
    assert "accepts no more reports" in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_an_accepted_report_is_frozen(client, official_id, secretariat, activity, cycle):
    report = make_report(official_id, activity, cycle, "accepted", secretariat)
    client.force_login(official_id)
    assert client.get(f"/reports/{report.pk}/edit/").status_code == 403
    response = client.post(f"/reports/{report.pk}/edit/", {**form_data(report), "save": "1"})
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.achievements == "Two workshops held."


def test_an_official_cannot_start_a_report_on_an_activity_of_other_parties(
    client, official_id, plan, cycle
):
    from tests.factories import make_activity

    foreign = make_activity(plan, "4.1", leads=["MY"], participants=["SG"])
    client.force_login(official_id)
    response = client.post(f"/cycles/{cycle.pk}/activities/{foreign.pk}/start/")
    assert response.status_code == 403
    assert not ProgressReport.objects.exists()


def test_the_secretariat_does_not_write_reports_in_a_partys_name(
    client, secretariat, activity, cycle
):
    client.force_login(secretariat)
    response = client.post(f"/cycles/{cycle.pk}/activities/{activity.pk}/start/")
    assert response.status_code == 403
    assert not ProgressReport.objects.exists()


def test_every_change_is_kept_in_the_history_with_its_author(
    official_id, secretariat, activity, cycle
):
    report = make_report(official_id, activity, cycle, "returned", secretariat)
    history = list(report.history.order_by("history_date"))
    assert [h.status for h in history] == ["draft", "draft", "submitted", "returned"]
    assert [h.history_user for h in history] == [official_id, official_id, official_id, secretariat]
    value_history = report.indicator_values.get().history.get()
    assert value_history.history_user == official_id
