"""Every admin page answers, and no changelist issues a query per row."""

import datetime
import itertools

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from ammtc_tracker.models import ApiToken, Role, User
from priorities.models import Activity, Consultation, Indicator, Party, PriorityArea, WorkPlan
from reports.models import (
    IssuedDocument,
    ProgressReport,
    ReportingCycle,
    SentReminder,
    SubmissionWaiver,
    SubmittedReport,
)
from tests.factories import make_activity, make_cycle, make_report, make_user

counter = itertools.count(1)


def add_parties(plan, n):
    for _ in range(n):
        i = next(counter)
        Party.objects.create(code=f"Q{i:03d}"[:4], name=f"Body {i}", kind=Party.Kind.ASEAN_BODY)


def add_work_plans(plan, n):
    for _ in range(n):
        i = next(counter)
        WorkPlan.objects.create(title=f"Plan {i}", first_year=2000, last_year=2004)


def add_priority_areas(plan, n):
    other = WorkPlan.objects.create(title=f"Plan {next(counter)}", first_year=2000, last_year=2004)
    for number in range(1, n + 1):
        PriorityArea.objects.create(work_plan=other, number=number, title=f"Area {number}")


def add_activities(plan, n):
    for _ in range(n):
        make_activity(plan, f"1.{next(counter)}", leads=["ID", "JP"], participants=["TH"])


def add_indicators(plan, n):
    activity = make_activity(plan, f"2.{next(counter)}", indicators=0)
    for _ in range(n):
        Indicator.objects.create(activity=activity, name=f"Indicator {next(counter)}")


def add_consultations(plan, n):
    for _ in range(n):
        Consultation.objects.create(
            series=Consultation.Series.SOMTC_JAPAN,
            ordinal=100 + next(counter),
            date=datetime.date(2030, 6, 1),
            host=Party.objects.get(code="ID"),
        )


def add_cycles(plan, n):
    for _ in range(n):
        make_cycle(plan, title=f"Cycle {next(counter)}")


def add_waivers(plan, n):
    secretariat = User.objects.filter(username="admin").get()
    cycle = make_cycle(plan, title=f"Cycle {next(counter)}", closed_at=timezone.now())
    parties = Party.objects.exclude(submission_waivers__cycle=cycle)[:n]
    if len(parties) < n:
        add_parties(plan, n - len(parties))
        parties = Party.objects.exclude(submission_waivers__cycle=cycle)[:n]
    for party in parties:
        SubmissionWaiver.objects.create(
            cycle=cycle, party=party, reason="Late", granted_by=secretariat
        )


def official(code="ID"):
    user = User.objects.filter(username=f"official.{code}").first()
    return user or make_user(f"official.{code}", Role.OFFICIAL, code)


def add_reports(plan, n, state="submitted"):
    cycle = make_cycle(plan, title=f"Cycle {next(counter)}")
    reviewer = User.objects.get(username="admin")
    for _ in range(n):
        activity = make_activity(plan, f"3.{next(counter)}", leads=["ID"])
        make_report(official(), activity, cycle, state, reviewer)


def add_users(plan, n):
    for _ in range(n):
        make_user(f"user{next(counter)}", Role.OFFICIAL, "TH")


def add_tokens(plan, n):
    for _ in range(n):
        ApiToken.issue(user=official(), name=f"Token {next(counter)}")


def add_issued_documents(plan, n):
    from reports.services import issue_document

    cycle = make_cycle(plan, title=f"Cycle {next(counter)}")
    add_consultations(plan, 1)
    consultation = Consultation.objects.order_by("-pk").first()
    cycle.consultations.add(consultation)
    secretariat = User.objects.get(username="admin")
    for _ in range(n):
        issue_document(
            consultation=consultation,
            cycle=cycle,
            level="technical",
            file_format="csv",
            user=secretariat,
        )


def add_sent_reminders(plan, n):
    cycle = make_cycle(plan, title=f"Cycle {next(counter)}")
    for _ in range(n):
        recipient = make_user(f"user{next(counter)}", Role.OFFICIAL, "TH")
        SentReminder.objects.create(
            kind=SentReminder.Kind.DEADLINE,
            cycle=cycle,
            recipient=recipient,
            occasion="7",
            email="official@example.org",
            listed="1.1 Activity 1.1 (Thailand: missing)",
        )


def add_groups(plan, n):
    for _ in range(n):
        Group.objects.create(name=f"Group {next(counter)}")


def add_login_records(model, **fields):
    def add(plan, n):
        for _ in range(n):
            i = next(counter)
            model.objects.create(
                username=f"user{i}",
                ip_address="192.0.2.1",
                user_agent=f"agent {i}",
                path_info="/",
                **fields,
            )

    return add


FACTORIES = {
    Party: add_parties,
    WorkPlan: add_work_plans,
    PriorityArea: add_priority_areas,
    Activity: add_activities,
    Indicator: add_indicators,
    Consultation: add_consultations,
    ReportingCycle: add_cycles,
    SubmissionWaiver: add_waivers,
    ProgressReport: add_reports,
    SubmittedReport: add_reports,
    User: add_users,
    Group: add_groups,
    ApiToken: add_tokens,
    IssuedDocument: add_issued_documents,
    AccessAttempt: add_login_records(
        AccessAttempt, failures_since_start=5, get_data="", post_data=""
    ),
    AccessLog: add_login_records(AccessLog),
    AccessFailureLog: add_login_records(AccessFailureLog),
    SentReminder: add_sent_reminders,
}


def test_every_registered_model_has_a_factory_here():
    assert set(admin.site._registry) == set(FACTORIES)


def url(model, page, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}", args=args)


@pytest.fixture
def admin_client_with_data(client, superuser, plan):
    for factory in FACTORIES.values():
        factory(plan, 1)
    client.force_login(superuser)
    return client


@pytest.mark.parametrize("model", list(FACTORIES), ids=lambda m: m.__name__)
def test_every_admin_page_answers_for_a_superuser(admin_client_with_data, model):
    client = admin_client_with_data
    assert client.get(url(model, "changelist")).status_code == 200
    model_admin = admin.site._registry[model]
    add_status = client.get(url(model, "add")).status_code
    assert add_status == (200 if model_admin.has_add_permission(_request()) else 403)
    obj = model._default_manager.order_by("-pk").first()
    assert client.get(url(model, "change", obj.pk)).status_code == 200
    history = client.get(url(model, "history", obj.pk), follow=True)
    assert history.status_code == 200
    assert history.templates[0].name.endswith("object_history.html")
    if isinstance(model_admin, SimpleHistoryAdmin):
        version = obj.history.first() if hasattr(obj, "history") else None
        version = version or ProgressReport.history.filter(id=obj.pk).first()
        page = client.get(url(model, "simple_history", obj.pk, version.history_id), follow=True)
        assert page.status_code == 200
        assert page.templates[0].name.endswith("object_history_form.html")


def _request():
    class Request:
        user = User(is_superuser=True, is_active=True)

    return Request()


def changelist_queries(client, model):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url(model, "changelist"))
    assert response.status_code == 200
    return len(context)


# Every changelist makes five: the session, the user, the filtered count, the full count and the
# page. Then, per model, the choices of its related-field filters and what its columns load.
CHANGELIST_QUERIES = {
    Party: 5,
    WorkPlan: 5,  # the area count is an annotation of the page's query
    PriorityArea: 5 + 1,  # the work-plan filter
    Activity: 5 + 4,  # the plan, area and lead-party filters; the lead parties of the page
    Indicator: 5 + 1,  # the priority-area filter
    Consultation: 5 + 2,  # the date hierarchy: the range of dates, the years
    ReportingCycle: 5 + 1,  # the work-plan filter
    SubmissionWaiver: 5 + 2,  # the cycle and party filters
    # No full count (show_full_result_count off); the cycle, party and priority-area filters.
    ProgressReport: 5 - 1 + 3,
    SubmittedReport: 5 - 1 + 3,  # the same
    User: 5 + 1,  # the party filter (the role is a column)
    Group: 5,
    ApiToken: 5,
    IssuedDocument: 5 + 2,  # the consultation and cycle filters
    AccessAttempt: 5 + 3,  # the date hierarchy: the range of dates, the years; the path filter
    AccessLog: 5 + 3,  # the same
    AccessFailureLog: 5 + 3,  # the same
    SentReminder: 5 + 2,  # the cycle and occasion filters
}


def test_every_changelist_has_a_pinned_query_count():
    assert set(CHANGELIST_QUERIES) == set(FACTORIES)


@pytest.mark.parametrize("model", list(FACTORIES), ids=lambda m: m.__name__)
def test_changelist_query_count_is_pinned_and_does_not_grow_with_rows(
    client, superuser, plan, model
):
    client.force_login(superuser)
    client.get("/admin/")  # the first request after a login renews the session
    FACTORIES[model](plan, 5)
    assert changelist_queries(client, model) == CHANGELIST_QUERIES[model]
    FACTORIES[model](plan, 45)
    assert model._default_manager.count() >= 50
    assert changelist_queries(client, model) == CHANGELIST_QUERIES[model]
