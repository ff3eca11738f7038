"""E-mails when a report moves: the party's officials hear of a return, an acceptance or a
reopening; the secretariat hears of a submission. Sent only once the transaction commits, by
``move_report``, whichever door (web page, admin, API) the transition came through."""

import pytest
from django.core import mail
from django.db import transaction

from ammtc_tracker.models import Role, User
from reports.models import ProgressReport
from reports.services import move_report, start_report
from tests.factories import make_activity, make_report, make_user
from tests.html_tables import page
from tests.reports.test_report_form import form_data


@pytest.fixture(autouse=True)
def addresses(reference, settings):
    """Every member of the cast has an e-mail address; Indonesia has a second official."""
    settings.SITE_URL = "http://testserver.example"
    make_user("official.id2", Role.OFFICIAL, "ID")
    for user in User.objects.all():
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    """Runs what waits for the commit when the block ends, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def sent():
    return sorted((message.to[0], message.subject) for message in mail.outbox)


INDONESIA = ["official.id2@example.org", "official.id@example.org"]


def test_returning_a_report_emails_each_official_of_its_party_once(
    client, commits, official_id, secretariat, activity, cycle
):
    report = make_report(official_id, activity, cycle, "submitted")
    client.force_login(secretariat)
    with commits():
        response = client.post(
            f"/reports/{report.pk}/return/", {"comment": "Please add the attendance list & dates."}
        )
    assert response.status_code == 302
    assert [to for to, _subject in sent()] == INDONESIA
    message = mail.outbox[0]
    assert message.subject == "[AMMTC Tracker] Returned for changes: Indonesia's report on 2.1"
    assert message.content_subtype == "plain" and not getattr(message, "alternatives", None)
    assert "Please add the attendance list & dates." in message.body
    assert f"http://testserver.example/reports/{report.pk}/edit/" in message.body
    assert "Activity: 2.1 Activity 2.1" in message.body
    assert "http://testserver.example/accounts/profile/" in message.body


def test_accepting_a_report_in_the_admin_emails_its_party(
    client, commits, official_id, secretariat, activity, cycle
):
    report = make_report(official_id, activity, cycle, "submitted")
    client.force_login(secretariat)
    with commits():
        response = client.post(f"/admin/reports/submittedreport/{report.pk}/review/accept/")
    assert response.status_code == 302
    assert sent() == [
        (to, "[AMMTC Tracker] Accepted: Indonesia's report on 2.1") for to in INDONESIA
    ]
    assert f"http://testserver.example/reports/{report.pk}/\n" in mail.outbox[0].body


def test_reopening_a_report_through_the_api_emails_its_party_with_the_reason(
    api, commits, official_id, secretariat, activity, cycle
):
    report = make_report(official_id, activity, cycle, "accepted", secretariat)
    with commits():
        response = api(secretariat).post(
            f"/api/v1/reports/{report.pk}/reopen/", {"comment": "The figure for May is wrong."}
        )
    assert response.status_code == 200
    assert sent() == [
        (to, "[AMMTC Tracker] Reopened: Indonesia's accepted report on 2.1") for to in INDONESIA
    ]
    assert "The figure for May is wrong." in mail.outbox[0].body


def test_submitting_a_report_emails_the_secretariat(
    client, commits, official_id, secretariat, activity, cycle, superuser
):
    report = start_report(user=official_id, activity=activity, cycle=cycle)
    client.force_login(official_id)
    with commits():
        response = client.post(f"/reports/{report.pk}/edit/", {**form_data(report), "submit": "1"})
    assert response.status_code == 302
    assert sent() == [
        ("admin@example.org", "[AMMTC Tracker] To review: Indonesia's report on 2.1"),
        ("secretariat@example.org", "[AMMTC Tracker] To review: Indonesia's report on 2.1"),
    ]
    link = f"http://testserver.example/admin/reports/submittedreport/{report.pk}/change/"
    assert link in mail.outbox[0].body


def test_bulk_accept_emails_once_per_report(
    client, commits, official_id, secretariat, activity, cycle, plan
):
    other = make_activity(plan, "2.2", leads=["ID"])
    reports = [make_report(official_id, a, cycle, "submitted") for a in (activity, other)]
    client.force_login(secretariat)
    with commits():
        client.post(
            "/admin/reports/progressreport/",
            {"action": "accept_selected", "_selected_action": [r.pk for r in reports]},
        )
    assert len(mail.outbox) == 4
    assert {m.subject for m in mail.outbox} == {
        "[AMMTC Tracker] Accepted: Indonesia's report on 2.1",
        "[AMMTC Tracker] Accepted: Indonesia's report on 2.2",
    }


def test_a_refused_transition_sends_nothing(
    client, commits, official_id, secretariat, activity, cycle
):
    draft = make_report(official_id, activity, cycle, "draft")
    client.force_login(secretariat)
    with commits():
        accept = client.post(f"/reports/{draft.pk}/accept/")
        submitted = make_report(official_id, activity, cycle, "submitted")
        no_reason = client.post(f"/reports/{submitted.pk}/return/", {"comment": " "})
    assert (accept.status_code, no_reason.status_code) == (409, 400)
    assert mail.outbox == []


def test_a_transition_rolled_back_with_its_transaction_sends_nothing(
    commits, official_id, secretariat, activity, cycle
):
    report = make_report(official_id, activity, cycle, "submitted")
    with commits(), pytest.raises(RuntimeError), transaction.atomic():
        move_report(report, ProgressReport.Action.ACCEPT, by=secretariat)
        raise RuntimeError("something later in the same transaction failed")
    assert ProgressReport.objects.get(pk=report.pk).status == "submitted"
    assert mail.outbox == []


def test_nothing_is_sent_before_the_transaction_commits(
    django_capture_on_commit_callbacks, official_id, secretariat, activity, cycle
):
    report = make_report(official_id, activity, cycle, "submitted")
    with django_capture_on_commit_callbacks(execute=False) as waiting:
        move_report(report, ProgressReport.Action.RETURN, by=secretariat, comment="Why?")
    assert mail.outbox == []
    for callback in waiting:  # what a commit would run
        callback()
    assert [to for to, _subject in sent()] == INDONESIA


@pytest.mark.parametrize("notices", ["daily", "off"])
def test_submissions_are_not_emailed_one_by_one_unless_asked(
    settings, commits, notices, official_id, activity, cycle
):
    settings.SUBMISSION_NOTICES = notices
    report = make_report(official_id, activity, cycle, "draft")
    with commits():
        move_report(report, ProgressReport.Action.SUBMIT, by=official_id)
    assert mail.outbox == []


def test_officials_without_an_address_or_inactive_get_nothing(
    commits, official_id, secretariat, activity, cycle
):
    User.objects.filter(username="official.id2").update(is_active=False)
    User.objects.filter(username="official.id").update(email="")
    report = make_report(official_id, activity, cycle, "submitted")
    with commits():
        move_report(report, ProgressReport.Action.ACCEPT, by=secretariat)
    assert mail.outbox == []


def test_a_mail_server_that_is_down_does_not_undo_the_review(
    client, commits, settings, official_id, secretariat, activity, cycle, caplog
):
    # Nothing listens on this port (the range this project's tests may use).
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 8599, 2
    report = make_report(official_id, activity, cycle, "submitted")
    client.force_login(secretariat)
    with commits():
        response = client.post(f"/reports/{report.pk}/accept/")
    assert response.status_code == 302
    assert ProgressReport.objects.get(pk=report.pk).status == "accepted"
    assert "Error calling move_report.<locals>.notify in on_commit()" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_the_email_goes_out_after_a_real_commit(client, official_id, secretariat, activity, cycle):
    """Without the test's wrapping transaction: the request commits, then the e-mail is sent."""
    report = make_report(official_id, activity, cycle, "submitted")
    client.force_login(secretariat)
    response = client.post(f"/reports/{report.pk}/return/", {"comment": "Add the dates."})
    assert response.status_code == 302
    assert sent() == [
        (to, "[AMMTC Tracker] Returned for changes: Indonesia's report on 2.1") for to in INDONESIA
    ]


def test_an_official_sees_on_the_profile_what_e_mails_they_receive(client, official_id):
    client.force_login(official_id)
    response = client.get("/accounts/profile/")
    assert rows_of_choices(response) == [
        "Sent to official.id@example.org.",
        "When the secretariat returns, accepts or reopens a report of Indonesia.",
        "Reminders 30, 7, 1 days before a cycle's deadline, and once after it, while a report "
        "of Indonesia is missing, a draft or returned.",
        "The secretariat sets these for everyone; to change them, contact the ASEAN Secretariat.",
    ]


@pytest.mark.parametrize(
    ("notices", "line"),
    [
        ("each", "An e-mail for each report submitted for review."),
        ("daily", "A daily digest of the reports waiting for review."),
    ],
)
def test_the_secretariat_sees_how_it_hears_of_submissions(
    client, secretariat, settings, notices, line
):
    settings.SUBMISSION_NOTICES = notices
    client.force_login(secretariat)
    assert line in rows_of_choices(client.get("/accounts/profile/"))


def test_a_user_without_an_address_is_told_they_receive_nothing(client, reader):
    User.objects.filter(pk=reader.pk).update(email="")
    client.force_login(reader)
    assert rows_of_choices(client.get("/accounts/profile/"))[:2] == [
        "You have no e-mail address, so you receive no e-mail. Ask the secretariat to add one.",
        "Your role receives no e-mail from the tracker.",
    ]


def rows_of_choices(response):
    section = page(response).xpath("//div[@id='notifications']")[0]
    return [" ".join(e.text_content().split()) for e in section.xpath("./p|./ul/li")]


def test_each_official_gets_the_e_mail_in_the_language_they_chose(
    client, commits, official_id, secretariat, activity, cycle
):
    official_id.language = "id"
    official_id.save(update_fields=["language"])
    report = make_report(official_id, activity, cycle, "submitted")
    client.force_login(secretariat)
    with commits():
        client.post(f"/reports/{report.pk}/return/", {"comment": "Tambahkan daftar hadir."})
    by_address = {message.to[0]: message for message in mail.outbox}
    indonesian = by_address["official.id@example.org"]
    assert indonesian.subject == (
        "[AMMTC Tracker] Dikembalikan untuk diperbaiki: laporan Indonesia tentang 2.1"
    )
    assert "Kegiatan: 2.1 Activity 2.1" in indonesian.body  # the activity's title as typed
    assert "Tambahkan daftar hadir." in indonesian.body
    english = by_address["official.id2@example.org"]
    assert english.subject == "[AMMTC Tracker] Returned for changes: Indonesia's report on 2.1"
