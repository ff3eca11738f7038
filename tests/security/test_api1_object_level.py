"""API1:2023 Broken object-level authorisation.

Every URL that takes an id (web, admin, API) is found in the URL resolver, so a URL added later
is probed too: without a rule here, ``test_every_id_taking_url_has_a_rule`` fails. Each is asked
for every object of the world by every member of the cast: what a role may not see answers 404
(never 200, 403 or 409, which would tell it exists), and nothing is changed by it.
"""

import datetime
import re

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import URLResolver, get_resolver

from priorities.models import Consultation
from reports.models import ProgressReport, SentReminder, SubmissionWaiver
from reports.services import issue_document
from tests.security.conftest import ROLES, rolled_back, visible

MISSING = 999999


def id_taking_routes():
    """``(name, route)`` of every URL pattern that takes a parameter."""

    def walk(patterns, prefix="", namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            else:
                route = prefix + str(pattern.pattern)
                if re.search(r"<\w|\(\?P<|\(\[", route):
                    yield namespace + (pattern.name or f"unnamed {route}"), route

    return sorted(set(walk(get_resolver().url_patterns)))


# --- Expectations: an exact status, or one of these words ---
SEEN = "seen"  # in scope: any answer but 404, 401, a login redirect or a server error
WEB_LOGIN = "web-login"
ADMIN_LOGIN = "admin-login"


def check(response, expected, label):
    status = response.status_code
    location = response.get("Location", "")
    if expected == WEB_LOGIN:
        assert status == 302 and location.startswith("/accounts/login/"), label
    elif expected == ADMIN_LOGIN:
        assert status == 302 and location.startswith("/admin/login/"), label
    elif expected == SEEN:
        assert status not in (401, 404) and status < 500, (label, status)
        assert not location.startswith(("/accounts/login/", "/admin/login/")), label
    else:
        assert status == expected, (label, status)


def report_fingerprint():
    return sorted(
        ProgressReport.objects.values_list("pk", "status", "version", "achievements", "party_id")
    )


# --- Rules: each yields (client kind, method, url, expected) for a role ---


def web_report_rule(suffix, method, when_visible):
    def probes(world, role):
        for key, report in world["reports"].items():
            if role == "anonymous":
                expected = WEB_LOGIN
            elif not visible(role, key):
                expected = 404
            else:
                expected = when_visible(role, key)
            yield "web", method, f"/reports/{report.pk}/{suffix}", expected
        yield "web", method, f"/reports/{MISSING}/{suffix}", _missing(role, "web")

    return probes


def _owner_draft(role, key):
    return 200 if key.endswith("draft") and key[:2] == role[-2:] else 403


def web_transition(world, role):
    for action in ProgressReport.TRANSITIONS:
        yield from web_report_rule(f"{action}/", "post", lambda r, k: SEEN)(world, role)


def web_evidence(world, role):
    reports = world["reports"]
    for key, report in reports.items():
        file_id = report.evidence_files.get().pk
        expected = WEB_LOGIN if role == "anonymous" else 200 if visible(role, key) else 404
        yield "web", "get", f"/reports/{report.pk}/files/{file_id}/", expected
    # A report one may see, with the file of another report: never served through it.
    other = reports["jp_draft"].evidence_files.get().pk
    expected = WEB_LOGIN if role == "anonymous" else 404
    yield "web", "get", f"/reports/{reports['id_accepted'].pk}/files/{other}/", expected


def web_start(world, role):
    cycle = world["cycle"].pk
    for activity, takes_part in ((world["activity"], True), (world["foreign_activity"], False)):
        if role == "anonymous":
            expected = WEB_LOGIN
        elif role.startswith("official") and takes_part:
            expected = 302  # to the party's own draft
        else:
            expected = 403
        yield "web", "post", f"/cycles/{cycle}/activities/{activity.pk}/start/", expected
    yield "web", "post", f"/cycles/{MISSING}/activities/{MISSING}/start/", _missing(role, "web")


def web_revoke_token(world, role):
    token = world["jp_token"].pk
    expected = {"anonymous": WEB_LOGIN, "official_jp": 302, "secretariat": 302}.get(role, 404)
    yield "web", "post", f"/accounts/tokens/{token}/revoke/", expected
    yield "web", "post", f"/accounts/tokens/{MISSING}/revoke/", _missing(role, "web")


def web_password_reset_confirm(world, role):
    # Someone else's account id with a made-up token: the page says the link is invalid.
    yield "web", "get", "/accounts/reset/MQ/set-password-made-up/", 200


def api_reference_rule(prefix, suffix=""):
    def probes(world, role):
        from priorities.models import (
            Activity,
            Consultation,
            Indicator,
            Party,
            PriorityArea,
            WorkPlan,
        )
        from reports.models import ReportingCycle

        models = {
            "parties": Party,
            "work-plans": WorkPlan,
            "priority-areas": PriorityArea,
            "activities": Activity,
            "indicators": Indicator,
            "consultations": Consultation,
            "cycles": ReportingCycle,
        }
        obj = models[prefix].objects.order_by("pk").first()
        expected = 401 if role == "anonymous" else 200
        yield "api", "get", f"/api/v1/{prefix}/{obj.pk}/{suffix}", expected
        yield "api", "get", f"/api/v1/{prefix}/{MISSING}/{suffix}", _missing(role, "api")

    return probes


def api_report_rule(suffix, method, when_visible=SEEN):
    def probes(world, role):
        for key, report in world["reports"].items():
            hidden = 401 if role == "anonymous" else 404
            expected = when_visible if visible(role, key) else hidden
            yield "api", method, f"/api/v1/reports/{report.pk}/{suffix}", expected
        yield "api", method, f"/api/v1/reports/{MISSING}/{suffix}", _missing(role, "api")

    return probes


def api_file(world, role):
    reports = world["reports"]
    for key, report in reports.items():
        file_id = report.evidence_files.get().pk
        expected = 401 if role == "anonymous" else 200 if visible(role, key) else 404
        yield "api", "get", f"/api/v1/reports/{report.pk}/files/{file_id}/", expected
    other = reports["jp_draft"].evidence_files.get().pk
    expected = 401 if role == "anonymous" else 404
    yield "api", "get", f"/api/v1/reports/{reports['id_accepted'].pk}/files/{other}/", expected


def _missing(role, kind):
    if role == "anonymous":
        return {"web": WEB_LOGIN, "api": 401}[kind]
    return 404


# --- The admin: only the secretariat (and superusers) get in; the role table says what it sees


def admin_models():
    return {
        f"{model._meta.app_label}_{model._meta.model_name}": model for model in admin.site._registry
    }


def admin_object_rule(page):
    def probes(world, role, name):
        model = admin_models()[name.removeprefix("admin:").removesuffix(f"_{page}")]
        opts = model._meta
        obj = model._default_manager.order_by("pk").first()
        base = f"/admin/{opts.app_label}/{opts.model_name}"
        path = {"change": "change/", "history": "history/", "delete": "delete/", "object": ""}
        urls = []
        if page == "simple_history":
            # A proxy (the review queue) keeps no history of its own: its report's.
            version = (obj.history if hasattr(obj, "history") else ProgressReport.history).first()
            urls.append((f"{base}/{obj.pk}/history/{version.history_id}/", True))
            urls.append((f"{base}/{MISSING}/history/{version.history_id}/", False))
            urls.append((f"{base}/not-an-id/history/1/", False))
        else:
            urls += [(f"{base}/{obj.pk}/{path[page]}", True)]
            urls += [(f"{base}/{MISSING}/{path[page]}", False)]
            urls += [(f"{base}/not-an-id/{path[page]}", False)]
        for url, exists in urls:
            if role != "secretariat":
                yield "web", "get", url, ADMIN_LOGIN
            elif not exists:
                yield "web", "get", url, SEEN_MISSING
            else:
                yield "web", "get", url, _secretariat_sees(world, opts, page)

    return probes


# The admin's answer for no such object: a redirect, 404, or 403 where the role lacks the
# permission whatever the object; never a server error, never a page.
SEEN_MISSING = "admin-missing"


def _secretariat_sees(world, opts, page):
    secretariat = world["secretariat"]
    if page in ("object",):
        return 302
    action = "delete" if page == "delete" else "view"
    if not secretariat.has_perm(f"{opts.app_label}.{action}_{opts.model_name}"):
        return 403
    if opts.model_name == "submittedreport" and page in ("history", "simple_history"):
        return 302  # the history is kept on the report itself
    return 200


def admin_review(world, role, name):
    model = "submittedreport" if "submitted" in name else "progressreport"
    report = world["reports"]["id_submitted"]
    for action in ("accept", "return", "reopen"):
        url = f"/admin/reports/{model}/{report.pk}/review/{action}/"
        yield "web", "post", url, ADMIN_LOGIN if role != "secretariat" else SEEN
        url = f"/admin/reports/{model}/{MISSING}/review/{action}/"
        yield "web", "post", url, ADMIN_LOGIN if role != "secretariat" else 404


def admin_password(world, role, name):
    user = world["cast"]["official_jp"]
    for user_id in (user.pk, MISSING):
        url = f"/admin/ammtc_tracker/user/{user_id}/password/"
        yield "web", "get", url, ADMIN_LOGIN if role != "secretariat" else 403


def admin_app_list(world, role, name):
    for app in ("reports", "priorities", "ammtc_tracker", "axes", "auth"):
        if role != "secretariat":
            yield "web", "get", f"/admin/{app}/", ADMIN_LOGIN
        else:
            has = world["secretariat"].has_module_perms(app)
            yield "web", "get", f"/admin/{app}/", 200 if has else 404


def admin_view_on_site(world, role, name):
    report = world["reports"]["jp_draft"]
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(ProgressReport).pk
    url = f"/admin/r/{content_type}/{report.pk}/"
    yield "web", "get", url, ADMIN_LOGIN if role != "secretariat" else 404


def admin_catch_all(world, role, name):
    yield (
        "web",
        "get",
        "/admin/reports/no-such-page/",
        ADMIN_LOGIN if role != "secretariat" else 404,
    )


def admin_documents(world, role, name):
    """The secretariat's document desk on a cycle's or a consultation's admin page."""
    model = "priorities/consultation" if "consultation" in name else "reports/reportingcycle"
    obj = world["document"].consultation if "consultation" in name else world["cycle"]
    suffix = name.rsplit("_documents", 1)[1].lstrip("_")
    suffix = f"{suffix}/" if suffix else ""
    for object_id, exists in ((obj.pk, True), (MISSING, False)):
        url = f"/admin/{model}/{object_id}/documents/{suffix}"
        if role == "anonymous":
            expected = ADMIN_LOGIN
        elif role != "secretariat":
            expected = 403
        else:
            expected = SEEN if exists else SEEN_MISSING
        yield "web", "get", url, expected
    # Not an id: the desk's URLs take integers only, so the admin's catch-all answers.
    url = f"/admin/{model}/not-an-id/documents/{suffix}"
    yield "web", "get", url, SEEN_MISSING if role == "secretariat" else ADMIN_LOGIN


def admin_compliance(world, role, name):
    """The compliance screen of a cycle and its XLSX: the admin's, for the secretariat only."""
    suffix = "compliance.xlsx" if name.endswith("_xlsx") else "compliance/"
    for object_id, exists in ((world["cycle"].pk, True), (MISSING, False)):
        url = f"/admin/reports/reportingcycle/{object_id}/{suffix}"
        yield "web", "get", url, ADMIN_LOGIN if role != "secretariat" else 200 if exists else 404
    # Not an id: the screen's URL takes integers only, so the admin's catch-all answers.
    url = "/admin/reports/reportingcycle/not-an-id/compliance/"
    yield "web", "get", url, SEEN_MISSING if role == "secretariat" else ADMIN_LOGIN


def admin_plan_import(world, role, name):
    """The secretariat's work-plan import on a plan's admin page: nobody else gets in."""
    from priorities.models import WorkPlan

    suffix = name.rsplit("_import", 1)[1].lstrip("_")
    suffix = f"{suffix}/" if suffix else ""
    method = "post" if suffix == "confirm/" else "get"
    plan = WorkPlan.objects.order_by("pk").first()
    for object_id, exists in ((plan.pk, True), (MISSING, False)):
        url = f"/admin/priorities/workplan/{object_id}/import/{suffix}"
        if role == "anonymous":
            expected = ADMIN_LOGIN
        elif role != "secretariat":
            expected = 403
        else:
            expected = SEEN if exists else SEEN_MISSING
        yield "web", method, url, expected


def web_consultation_documents(world, role):
    consultation = world["document"].consultation
    for pk, expected in ((consultation.pk, 200), (MISSING, 404)):
        yield "web", "get", f"/consultations/{pk}/documents/", _signed_in(role, expected)


def web_issued_document(world, role):
    document = world["document"]
    url = f"/consultations/{document.consultation_id}/documents/{document.pk}/"
    yield "web", "get", url, _signed_in(role, 200)
    # Under another consultation, or a document that is not there: nothing.
    yield "web", "get", f"/consultations/{MISSING}/documents/{document.pk}/", _signed_in(role, 404)
    yield (
        "web",
        "get",
        f"/consultations/{document.consultation_id}/documents/{MISSING}/",
        (_signed_in(role, 404)),
    )


def web_cycle_changes(world, role):
    for pk, expected in ((world["cycle"].pk, 200), (MISSING, 404)):
        yield "web", "get", f"/cycles/{pk}/changes/", _signed_in(role, expected)


def _signed_in(role, expected):
    return WEB_LOGIN if role == "anonymous" else expected


def plain(rule):
    return lambda world, role, name: rule(world, role)


RULES = [
    (r"^report_detail$", plain(web_report_rule("", "get", lambda r, k: 200))),
    (r"^report_edit$", plain(web_report_rule("edit/", "get", _owner_draft))),
    (r"^report_discard$", plain(web_report_rule("discard/", "get", _owner_draft))),
    (r"^report_transition$", plain(web_transition)),
    (r"^evidence_download$", plain(web_evidence)),
    (r"^report_start$", plain(web_start)),
    (r"^revoke_token$", plain(web_revoke_token)),
    (r"^password_reset_confirm$", plain(web_password_reset_confirm)),
    (r"^party-detail$", plain(api_reference_rule("parties"))),
    (r"^workplan-detail$", plain(api_reference_rule("work-plans"))),
    (r"^priorityarea-detail$", plain(api_reference_rule("priority-areas"))),
    (r"^activity-detail$", plain(api_reference_rule("activities"))),
    (r"^indicator-detail$", plain(api_reference_rule("indicators"))),
    (r"^consultation-detail$", plain(api_reference_rule("consultations"))),
    (r"^reportingcycle-detail$", plain(api_reference_rule("cycles"))),
    (r"^reportingcycle-compliance$", plain(api_reference_rule("cycles", "compliance/"))),
    (r"^report-detail$", plain(api_report_rule("", "get", 200))),
    (r"^report-submit$", plain(api_report_rule("submit/", "post"))),
    (r"^report-accept$", plain(api_report_rule("accept/", "post"))),
    (r"^report-return-report$", plain(api_report_rule("return/", "post"))),
    (r"^report-reopen$", plain(api_report_rule("reopen/", "post"))),
    (r"^report-upload$", plain(api_report_rule("files/", "post"))),
    (r"^report-file$", plain(api_file)),
    (r"^consultation_documents$", plain(web_consultation_documents)),
    (r"^issued_document$", plain(web_issued_document)),
    (r"^cycle_changes$", plain(web_cycle_changes)),
    (r"^admin:\w+_documents(_\w+)?$", admin_documents),
    (r"^admin:reports_reportingcycle_compliance(_xlsx)?$", admin_compliance),
    (r"^admin:priorities_workplan_import(_\w+)?$", admin_plan_import),
    # The first rule that matches applies: the particular ones come first.
    (r"^admin:auth_user_password_change$", admin_password),
    (r"^admin:\w+_simple_history$", admin_object_rule("simple_history")),
    (r"^admin:\w+_change$", admin_object_rule("change")),
    (r"^admin:\w+_history$", admin_object_rule("history")),
    (r"^admin:\w+_delete$", admin_object_rule("delete")),
    (r"^admin:unnamed admin/\w+/\w+/<path:object_id>/$", None),
    (r"^admin:\w+_review$", admin_review),
    (r"^admin:app_list$", admin_app_list),
    (r"^admin:view_on_site$", admin_view_on_site),
    (r"^admin:unnamed admin/\(\?P<url>\.\*\)\$$", admin_catch_all),
]


def rule_for(name):
    matches = [rule for pattern, rule in RULES if re.match(pattern, name)]
    return matches[0] if matches else "none"


def test_every_id_taking_url_has_a_rule():
    names = [name for name, _route in id_taking_routes()]
    assert len(names) > 60
    assert [name for name in names if rule_for(name) == "none"] == []


def _unnamed_object_rule(name):
    # admin/<app>/<model>/<id>/ redirects to the change page, for those who may enter.
    app, model = re.match(r"admin:unnamed admin/(\w+)/(\w+)/", name).groups()

    def probes(world, role, _name):
        obj = admin_models()[f"{app}_{model}"]._default_manager.order_by("pk").first()
        expected = ADMIN_LOGIN if role != "secretariat" else 302
        yield "web", "get", f"/admin/{app}/{model}/{obj.pk}/", expected

    return probes


@pytest.fixture
def admin_world(world, cast):
    """The world, with a row for each model of the admin that the reports do not create."""
    Group.objects.create(name="Auditors")
    cycle = world["cycle"]
    SubmissionWaiver.objects.create(
        cycle=cycle, party=cast["official_jp"].party, reason="Late", granted_by=cast["secretariat"]
    )
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        fields = {"failures_since_start": 1} if model is AccessAttempt else {}
        model.objects.create(username="x", ip_address="192.0.2.1", user_agent="a", **fields)
    meeting = Consultation.objects.create(
        series="somtc_japan", date=datetime.date(2030, 6, 1), is_sample=True
    )
    cycle.consultations.add(meeting)
    SentReminder.objects.create(
        kind=SentReminder.Kind.DEADLINE,
        cycle=cycle,
        recipient=cast["official_jp"],
        occasion="7",
        email="official.jp@example.org",
        listed="2.1 Activity 2.1 (Japan: draft)",
    )
    document = issue_document(
        consultation=meeting,
        cycle=cycle,
        level="technical",
        file_format="csv",
        user=cast["secretariat"],
    )
    return {**world, "cast": cast, "secretariat": cast["secretariat"], "document": document}


@pytest.mark.parametrize("name", [name for name, _route in id_taking_routes()])
def test_each_role_reaches_only_what_it_may_see(name, admin_world, cast, web, api_as):
    rule = rule_for(name)
    if rule is None:
        rule = _unnamed_object_rule(name)
    before = report_fingerprint()
    for role in ROLES:
        api = api_as(cast[role])
        for kind, method, url, expected in rule(admin_world, role, name):
            client = web(cast[role]) if kind == "web" else api
            with rolled_back():
                response = getattr(client, method)(url)
            label = f"{role} {method.upper()} {url}"
            if expected == SEEN_MISSING:
                assert response.status_code in (302, 403, 404), (label, response.status_code)
            else:
                check(response, expected, label)
    assert report_fingerprint() == before
