"""My reporting on a closed cycle: no start button, unless the party has a waiver, and the
secretariat's contact in the text."""

import lxml.html
from django.utils import timezone

from reports.models import SubmissionWaiver


def close(cycle):
    cycle.closed_at = timezone.now()
    cycle.save()


def start_buttons(response):
    return lxml.html.fromstring(response.content.decode()).cssselect("#my-activities button")


def test_a_closed_cycle_offers_no_start_and_names_whom_to_contact(
    client, settings, official_id, activity, cycle
):
    settings.SECRETARIAT_CONTACT = "the SOMTC desk (somtc@example.org)"
    close(cycle)
    client.force_login(official_id)
    response = client.get("/my-reporting/")
    assert start_buttons(response) == []
    deadline = lxml.html.fromstring(response.content.decode()).get_element_by_id("deadline")
    assert (
        "It accepts no more reports. Contact the SOMTC desk (somtc@example.org) to ask for a "
        "waiver." in " ".join(deadline.text_content().split())
    )


def test_a_party_with_a_waiver_may_start_in_a_closed_cycle(
    client, official_id, secretariat, activity, cycle
):
    close(cycle)
    SubmissionWaiver.objects.create(
        cycle=cycle, party=official_id.party, reason="Late data", granted_by=secretariat
    )
    client.force_login(official_id)
    response = client.get("/my-reporting/")
    assert [" ".join(b.text_content().split()) for b in start_buttons(response)] == ["Start 2.1"]
    assert "the secretariat granted it a waiver" in response.content.decode()


def test_an_open_cycle_offers_a_start_for_each_activity_without_a_report(
    client, official_id, activity, cycle
):
    client.force_login(official_id)
    assert len(start_buttons(client.get("/my-reporting/"))) == 1
