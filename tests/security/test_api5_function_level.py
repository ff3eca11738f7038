"""API5:2023 Broken function-level authorisation.

The review functions (accept, return, reopen) and every admin action are refused to everyone
but the secretariat, through the web, the API and the admin; the admin's history "revert" is
refused even to the secretariat and superusers; nobody reviews a report they submitted.
"""

import pytest
from django.contrib import admin

from ammtc_tracker.history import HistoryAdmin
from ammtc_tracker.models import Role, User
from reports.models import (
    EvidenceFile,
    IndicatorValue,
    ProgressReport,
    ReportTransition,
    SubmittedReport,
)
from tests.factories import make_activity, make_report, make_user
from tests.security.test_api1_object_level import report_fingerprint

NOT_SECRETARIAT = ["official_id", "official_jp", "reader", "anonymous"]
REVIEWS = [("accept", "id_submitted"), ("return", "id_submitted"), ("reopen", "id_accepted")]


@pytest.mark.parametrize("role", NOT_SECRETARIAT)
def test_no_other_role_may_review_through_the_web_the_api_or_the_admin(
    role, cast, world, web, api_as
):
    before = report_fingerprint()
    client, api = web(cast[role]), api_as(cast[role])
    for action, key in REVIEWS:
        report = world["reports"][key]
        body = {"comment": "A reason."}
        page = client.post(f"/reports/{report.pk}/{action}/", body)
        api_answer = api.post(f"/api/v1/reports/{report.pk}/{action}/", body, format="json")
        console = client.post(f"/admin/reports/progressreport/{report.pk}/review/{action}/", body)
        if role == "anonymous":
            assert page.status_code == 302 and page["Location"].startswith("/accounts/login/")
            assert api_answer.status_code == 401
        elif role in ("official_jp", "reader") and key != "id_accepted":
            assert (page.status_code, api_answer.status_code) == (404, 404)
        else:
            assert (page.status_code, api_answer.status_code) == (403, 403)
            assert api_answer.json()["detail"].startswith("Only the secretariat may")
        assert console.status_code == 302 and console["Location"].startswith("/admin/login/")
    assert report_fingerprint() == before


def every_admin_action():
    for model, model_admin in admin.site._registry.items():
        for name in model_admin.actions or ():
            yield model, name
        yield model, "delete_selected"


@pytest.mark.parametrize("role", NOT_SECRETARIAT)
def test_no_other_role_may_run_any_admin_action(role, cast, world, web):
    client = web(cast[role])
    before = report_fingerprint(), sorted(User.objects.values_list("pk", "is_active", "role"))
    for model, action in every_admin_action():
        obj = model._default_manager.order_by("pk").first()
        if obj is None:
            continue
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        response = client.post(url, {"action": action, "_selected_action": [obj.pk]})
        assert response.status_code == 302, (model, action)
        assert response["Location"].startswith("/admin/login/"), (model, action)
    after = report_fingerprint(), sorted(User.objects.values_list("pk", "is_active", "role"))
    assert after == before


# Rows that change only through the workflow, and accounts (whose rules a revert would skip).
READ_ONLY_HISTORY = {
    ProgressReport,
    SubmittedReport,
    IndicatorValue,
    EvidenceFile,
    ReportTransition,
    User,
}


def read_only_history_admins():
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, HistoryAdmin) and model in READ_ONLY_HISTORY
    ]


def test_the_workflow_models_with_history_pages_are_all_checked_here():
    assert {model for model, _admin in read_only_history_admins()} == {
        ProgressReport,
        SubmittedReport,
        User,
    }


@pytest.mark.parametrize("who", ["secretariat", "superuser"])
def test_no_one_can_revert_a_report_through_its_history_page(
    who, cast, world, superuser, web, secretariat
):
    """The hole found by the review: a POST to the history page wrote version 1 over an
    accepted report, with no timeline step."""
    report = world["reports"]["id_accepted"]
    version = report.version
    first = report.history.earliest("history_date")
    client = web(superuser if who == "superuser" else secretariat)
    before = report_fingerprint(), report.history.count(), report.transitions.count()
    for model in ("progressreport", "submittedreport"):
        url = f"/admin/reports/{model}/{report.pk}/history/{first.history_id}/"
        form = {name: getattr(first, name) or "" for name in ProgressReport.CONTENT_FIELDS}
        response = client.post(url, {**form, "status": "draft", "version": 1, "_save": "1"})
        assert response.status_code == 405
        # Reading the old version still works.
        assert client.get(url, follow=True).status_code == 200
    report.refresh_from_db()
    assert (report.status, report.version) == ("accepted", version)
    assert (report_fingerprint(), report.history.count(), report.transitions.count()) == before


def test_no_one_can_revert_an_account_through_its_history_page(superuser, official_jp, web):
    """An old version of an account could restore a role or superuser status."""
    first = official_jp.history.earliest("history_date")
    official_jp.role, official_jp.party = Role.READER, None
    official_jp.save()
    client = web(superuser)
    url = f"/admin/ammtc_tracker/user/{official_jp.pk}/history/{first.history_id}/"
    response = client.post(url, {"username": "official.jp", "role": "Official", "_save": "1"})
    assert response.status_code == 405
    official_jp.refresh_from_db()
    assert official_jp.role == Role.READER


def test_a_secretariat_member_who_submitted_a_report_may_not_review_it(
    cast, plan, cycle, web, api_as, superuser, secretariat
):
    """Segregation of duties, whatever the person's role now."""
    person = make_user("moved.id", Role.OFFICIAL, "ID")
    report = make_report(person, make_activity(plan, "5.1", leads=["ID"]), cycle, "submitted")
    person.role, person.party = Role.SECRETARIAT, None
    person.save()
    assert report.allowed_actions(person) == []
    refused = api_as(person).post(f"/api/v1/reports/{report.pk}/accept/")
    assert refused.status_code == 403
    assert refused.json()["detail"] == (
        "You submitted this report, so another member of the secretariat must accept it."
    )
    page = web(person).get(f"/admin/reports/progressreport/{report.pk}/change/")
    assert 'name="review-accept"' not in page.content.decode()
    assert web(person).post(f"/reports/{report.pk}/accept/").status_code == 403
    report.refresh_from_db()
    assert report.status == "submitted"
    # Another member of the secretariat may.
    assert api_as(secretariat).post(f"/api/v1/reports/{report.pk}/accept/").status_code == 200
