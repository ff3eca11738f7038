"""The report form as an official uses it: the return reason, staying on the form after a save,
what each field means and which are needed to submit, the deadline, indicators grouped by name,
and an error summary after a refused submission."""

import datetime

import lxml.html
import time_machine
from django.utils import timezone

from reports.services import start_report
from tests.factories import make_activity, make_report
from tests.reports.test_report_form import form_data


def page(response):
    return lxml.html.fromstring(response.content.decode())


def text(element):
    return " ".join(element.text_content().split())


def test_the_form_of_a_returned_report_shows_the_reason_who_returned_it_and_when(
    client, official_id, secretariat, activity, cycle
):
    report = make_report(official_id, activity, cycle, "submitted")
    returned_at = timezone.localtime().replace(hour=14, minute=5) + datetime.timedelta(days=1)
    with time_machine.travel(returned_at):
        report.transition("return", by=secretariat, comment="Add the number of sessions held.")
    client.force_login(official_id)
    reason = page(client.get(f"/reports/{report.pk}/edit/")).get_element_by_id("return-reason")
    assert text(reason) == (
        f"Returned by secretariat on {returned_at:%-d %b %Y}, 14:05 WIB "
        "Add the number of sessions held."
    )


def test_save_draft_stays_on_the_form_and_says_it_was_saved(client, official_id, activity, cycle):
    report = start_report(user=official_id, activity=activity, cycle=cycle)
    client.force_login(official_id)
    url = f"/reports/{report.pk}/edit/"
    response = client.post(url, {**form_data(report), "save": "1"}, follow=True)
    assert response.redirect_chain == [(url, 302)]
    assert [text(m) for m in page(response).cssselect(".messages .message")] == ["Draft saved."]
    assert page(response).get_element_by_id("id_achievements").text.strip() == (
        "Trained 40 investigators."
    )


def test_the_form_marks_what_submitting_needs_and_explains_the_fields(
    client, official_id, activity, cycle
):
    report = start_report(user=official_id, activity=activity, cycle=cycle)
    client.force_login(official_id)
    html = page(client.get(f"/reports/{report.pk}/edit/"))
    marked = {label.get("for") for label in html.cssselect("label") if label.cssselect(".required")}
    indicator = activity.indicators.get()
    assert marked == {
        "id_implementation_status",
        "id_percent_complete",
        "id_achievements",
        f"id_indicator_{indicator.pk}_value",
    }
    assert html.get_element_by_id("id_achievements").get("aria-required") == "true"
    assert html.get_element_by_id("id_challenges").get("aria-required") is None
    percent_help = html.get_element_by_id("id_percent_complete_helptext")
    assert "cumulative over the plan period, not this year alone" in text(percent_help)
    assert html.get_element_by_id("id_percent_complete").get("aria-describedby") == (
        "id_percent_complete_helptext"
    )
    assert "events held, people trained" in text(html.get_element_by_id("id_achievements_helptext"))
    assert "an attendance list" in text(html.get_element_by_id("id_files_helptext"))


def test_the_form_shows_the_deadline_and_the_days_left(client, official_id, activity, plan):
    from tests.factories import make_cycle

    today = timezone.localdate()
    cycle = make_cycle(plan, deadline=today + datetime.timedelta(days=12))
    report = start_report(user=official_id, activity=activity, cycle=cycle)
    client.force_login(official_id)
    deadline = page(client.get(f"/reports/{report.pk}/edit/")).get_element_by_id("deadline")
    assert text(deadline) == f"Deadline {cycle.deadline:%-d %b %Y}: 12 days left."


def test_each_indicator_is_a_group_named_for_it_with_its_baseline_and_target(
    client, official_id, plan, cycle
):
    activity = make_activity(plan, "2.4", leads=["ID"], indicators=2)
    report = start_report(user=official_id, activity=activity, cycle=cycle)
    client.force_login(official_id)
    html = page(client.get(f"/reports/{report.pk}/edit/"))
    groups = html.cssselect("fieldset.indicator")
    assert [text(group.cssselect("legend")[0]) for group in groups] == [
        "Indicator 1",
        "Indicator 2",
    ]
    for group, indicator in zip(groups, activity.indicators.order_by("pk"), strict=True):
        labels = [text(label) for label in group.cssselect("label")]
        assert labels == [
            f"{indicator.name}: Value (people) (a value or a note is required to submit)",
            f"{indicator.name}: Note, or why it was not measured",
        ]
        value = html.get_element_by_id(f"id_indicator_{indicator.pk}_value")
        described = html.get_element_by_id(value.get("aria-describedby"))
        assert text(described) == "Baseline -, target 10 people."


def test_a_refused_submission_shows_an_error_summary_that_links_to_each_field(
    client, official_id, activity, cycle
):
    report = start_report(user=official_id, activity=activity, cycle=cycle)
    indicator = activity.indicators.get()
    client.force_login(official_id)
    data = form_data(report, achievements="", **{f"indicator_{indicator.pk}_value": ""})
    response = client.post(f"/reports/{report.pk}/edit/", {**data, "submit": "1"})
    assert response.status_code == 400
    html = page(response)
    summary = html.get_element_by_id("error-summary")
    assert summary.get("tabindex") == "-1" and summary.get("data-error-summary") is not None
    links = [(a.get("href"), text(a)) for a in summary.cssselect("a")]
    assert links == [
        ("#id_achievements", "Achievements: Describe what was achieved."),
        (
            f"#id_indicator_{indicator.pk}_value",
            "Indicator 1: value: Give a value, or say in the note why it was not measured.",
        ),
    ]
    value = html.get_element_by_id(f"id_indicator_{indicator.pk}_value")
    assert value.get("aria-invalid") == "true"
    assert html.get_element_by_id("id_achievements").get("aria-invalid") == "true"
    assert html.get_element_by_id("id_challenges").get("aria-invalid") is None


def test_a_percent_contradicting_the_status_is_refused_in_the_form(
    client, official_id, activity, cycle
):
    report = start_report(user=official_id, activity=activity, cycle=cycle)
    client.force_login(official_id)
    data = form_data(report, implementation_status="not_started", percent_complete="30")
    response = client.post(f"/reports/{report.pk}/edit/", {**data, "submit": "1"})
    assert response.status_code == 400
    summary = page(response).get_element_by_id("error-summary")
    assert [text(a) for a in summary.cssselect("a")] == [
        "Percent complete: The implementation status is 'not started' but percent complete is "
        "30: set percent complete to 0, or choose another implementation status."
    ]
    report.refresh_from_db()
    assert (report.status, report.percent_complete) == ("draft", 30)


def test_an_official_discards_a_draft_after_confirming(client, official_id, activity, cycle):
    report = make_report(official_id, activity, cycle)
    client.force_login(official_id)
    edit = page(client.get(f"/reports/{report.pk}/edit/"))
    assert edit.get_element_by_id("discard").get("href") == f"/reports/{report.pk}/discard/"
    confirm = client.get(f"/reports/{report.pk}/discard/")
    assert confirm.status_code == 200
    assert report.__class__.objects.filter(pk=report.pk).exists()  # asking deletes nothing
    response = client.post(f"/reports/{report.pk}/discard/", follow=True)
    assert response.redirect_chain == [("/my-reporting/", 302)]
    assert [text(m) for m in page(response).cssselect(".message")] == [
        "The draft on 2.1 was discarded."
    ]
    assert not report.__class__.objects.filter(pk=report.pk).exists()


def test_a_returned_report_offers_no_discard_and_refuses_it(
    client, official_id, official_jp, secretariat, activity, cycle
):
    report = make_report(official_id, activity, cycle, "returned", secretariat)
    client.force_login(official_id)
    assert not page(client.get(f"/reports/{report.pk}/edit/")).cssselect("#discard")
    response = client.post(f"/reports/{report.pk}/discard/", follow=True)
    assert "Only a draft can be discarded" in response.content.decode()
    assert report.__class__.objects.filter(pk=report.pk).exists()
    client.force_login(official_jp)
    assert client.post(f"/reports/{report.pk}/discard/").status_code == 404


def test_messages_are_not_list_items_carrying_a_role(client, official_id, activity, cycle):
    report = start_report(user=official_id, activity=activity, cycle=cycle)
    client.force_login(official_id)
    response = client.post(
        f"/reports/{report.pk}/edit/", {**form_data(report), "save": "1"}, follow=True
    )
    html = page(response)
    assert [(m.tag, m.get("role")) for m in html.cssselect(".messages > *")] == [("p", "status")]
    assert not html.cssselect("li[role]")
