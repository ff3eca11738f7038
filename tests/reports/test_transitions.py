"""The full transition table: every action, from every state, by every role."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from reports.exceptions import Conflict, NotPermitted
from reports.models import ProgressReport
from tests.factories import make_report

STATES = ["draft", "submitted", "returned", "accepted"]
ROLES = ["own_official", "other_official", "secretariat", "reader", "anonymous"]

# (action, from state, role) -> state reached; every combination not listed is refused.
ALLOWED = {
    ("submit", "draft", "own_official"): "submitted",
    ("submit", "returned", "own_official"): "submitted",
    ("accept", "submitted", "secretariat"): "accepted",
    ("return", "submitted", "secretariat"): "returned",
    ("reopen", "accepted", "secretariat"): "returned",
}
ROLE_FOR_ACTION = {
    "submit": "own_official",
    "accept": "secretariat",
    "return": "secretariat",
    "reopen": "secretariat",
}


@pytest.fixture
def cast(official_id, official_jp, secretariat, reader):
    return {
        "own_official": official_id,
        "other_official": official_jp,
        "secretariat": secretariat,
        "reader": reader,
        "anonymous": AnonymousUser(),
    }


def cases():
    for action in ROLE_FOR_ACTION:
        for state in STATES:
            for role in ROLES:
                yield action, state, role


@pytest.mark.parametrize(("action", "state", "role"), list(cases()))
def test_transition_table(cast, activity, cycle, action, state, role):
    report = make_report(cast["own_official"], activity, cycle, state, cast["secretariat"])
    actor = cast[role]
    expected = ALLOWED.get((action, state, role))
    if expected:
        report.transition(action, by=actor, comment="A reason.")
        assert report.status == expected
        step = report.transitions.last()
        assert (step.from_status, step.to_status, step.actor) == (state, expected, actor)
        return
    refusal = Conflict if role == ROLE_FOR_ACTION[action] else NotPermitted
    with pytest.raises(refusal) as error:
        report.transition(action, by=actor, comment="A reason.")
    assert error.value.message
    report.refresh_from_db()
    assert report.status == state


# What the same request gets over HTTP: the page it lands on, or the refusal's status.
def expected_http_status(action, state, role):
    if role == "anonymous":
        return 302  # to the login page
    if (action, state, role) in ALLOWED:
        return 302  # back to the report page
    visible = role in ("own_official", "secretariat") or state == "accepted"
    if not visible:
        return 404
    if role != ROLE_FOR_ACTION[action]:
        return 403
    return 409


@pytest.mark.parametrize(("action", "state", "role"), list(cases()))
def test_transition_table_over_http(client, cast, activity, cycle, action, state, role):
    report = make_report(cast["own_official"], activity, cycle, state, cast["secretariat"])
    if role != "anonymous":
        client.force_login(cast[role])
    response = client.post(f"/reports/{report.pk}/{action}/", {"comment": "A reason."})
    assert response.status_code == expected_http_status(action, state, role)
    if role == "anonymous":
        assert response["Location"].startswith("/accounts/login/")
    report.refresh_from_db()
    assert report.status == ALLOWED.get((action, state, role), state)


@pytest.mark.parametrize("action", ["return", "reopen"])
def test_returning_or_reopening_needs_a_reason(official_id, secretariat, activity, cycle, action):
    state = "submitted" if action == "return" else "accepted"
    report = make_report(official_id, activity, cycle, state, secretariat)
    with pytest.raises(ValidationError) as error:
        report.transition(action, by=secretariat, comment="   ")
    assert error.value.message_dict == {"comment": ["Give a reason; the official will see it."]}
    report.refresh_from_db()
    assert report.status == state


def test_returning_without_a_reason_over_http_shows_the_error(
    client, official_id, secretariat, activity, cycle
):
    report = make_report(official_id, activity, cycle, "submitted", secretariat)
    client.force_login(secretariat)
    response = client.post(f"/reports/{report.pk}/return/", {"comment": ""})
    assert response.status_code == 400
    assert "Give a reason; the official will see it." in response.content.decode()


def test_the_official_sees_the_return_reason(client, official_id, secretariat, activity, cycle):
    report = make_report(official_id, activity, cycle, "returned", secretariat)
    client.force_login(official_id)
    html = client.get(f"/reports/{report.pk}/").content.decode()
    assert 'id="return-reason"' in html
    assert "Add numbers." in html
    assert "Add numbers." in client.get("/my-reporting/").content.decode()


def test_a_reopening_is_recorded_with_its_reason(official_id, secretariat, activity, cycle):
    report = make_report(official_id, activity, cycle, "accepted", secretariat)
    report.transition("reopen", by=secretariat, comment="Figures were revised.")
    step = report.transitions.last()
    assert (step.from_status, step.to_status, step.action) == ("accepted", "returned", "reopen")
    assert (step.actor, step.comment) == (secretariat, "Figures were revised.")


def test_submitting_needs_what_a_reviewer_needs(official_id, activity, cycle):
    from reports.services import start_report

    report = start_report(user=official_id, activity=activity, cycle=cycle)
    with pytest.raises(ValidationError) as error:
        report.transition("submit", by=official_id)
    assert set(error.value.message_dict) == {
        "implementation_status",
        "percent_complete",
        "achievements",
        "indicator_values",
    }
    assert error.value.message_dict["indicator_values"] == [
        "Give a value or a 'not measured' note for: Indicator 1."
    ]
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.DRAFT


def test_a_not_measured_note_stands_for_an_indicator_value(official_id, activity, cycle):
    from reports.services import save_report, start_report
    from tests.factories import complete_content

    report = start_report(user=official_id, activity=activity, cycle=cycle)
    indicator = activity.indicators.get()
    report = save_report(
        report=report,
        user=official_id,
        content=complete_content(),
        indicator_values={indicator.pk: (None, "Not measured: the survey runs in 2027.")},
        expected_version=report.version,
    )
    report.transition("submit", by=official_id)
    assert report.status == "submitted"


# implementation status, percent complete -> the refusal's message on percent_complete
INCONSISTENT = {
    ("not_started", 20): "The implementation status is 'not started' but percent complete is 20: "
    "set percent complete to 0, or choose another implementation status.",
    ("completed", 90): "The implementation status is 'completed' but percent complete is 90: "
    "set percent complete to 100, or choose another implementation status.",
    ("cancelled", 30): "The implementation status is 'cancelled': leave percent complete empty, "
    "or choose another implementation status.",
}


@pytest.mark.parametrize(("implementation", "percent"), INCONSISTENT)
def test_a_percent_that_contradicts_the_status_is_refused_on_submit(
    official_id, activity, cycle, implementation, percent
):
    from reports.services import save_report

    report = make_report(official_id, activity, cycle)
    content = {"implementation_status": implementation, "percent_complete": percent}
    report = save_report(
        report=report, user=official_id, content=content, expected_version=report.version
    )
    with pytest.raises(ValidationError) as error:
        report.transition("submit", by=official_id)
    assert error.value.message_dict == {
        "percent_complete": [INCONSISTENT[(implementation, percent)]]
    }
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.DRAFT


@pytest.mark.parametrize(
    ("implementation", "percent"),
    [("not_started", 0), ("completed", 100), ("cancelled", None), ("delayed", 0)],
)
def test_a_consistent_status_and_percent_is_submitted(
    official_id, activity, cycle, implementation, percent
):
    from reports.services import save_report

    report = make_report(official_id, activity, cycle)
    content = {"implementation_status": implementation, "percent_complete": percent}
    report = save_report(
        report=report, user=official_id, content=content, expected_version=report.version
    )
    report.transition("submit", by=official_id)
    assert report.status == ProgressReport.Status.SUBMITTED
