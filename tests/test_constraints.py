"""Every named database constraint: the model's validation explains it to a person, and the
database refuses the row even when validation is skipped."""

import datetime

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ammtc_tracker.models import Role, User
from priorities.models import Activity, Consultation, Indicator, Party, PriorityArea, WorkPlan
from reports.models import (
    EvidenceFile,
    IndicatorValue,
    ProgressReport,
    ReportingCycle,
    SentReminder,
    SubmissionWaiver,
)
from tests.factories import make_report

DAY = datetime.date(2026, 5, 5)


def cycle_like(cycle, **changes):
    values = {
        "work_plan": cycle.work_plan,
        "title": "Another cycle",
        "period_start": cycle.period_start,
        "period_end": cycle.period_end,
        "opens_on": cycle.opens_on,
        "deadline": cycle.deadline,
    }
    return ReportingCycle(**{**values, **changes})


def duplicate_report(world):
    report = make_report(world["official"], world["activity"], world["cycle"])
    return ProgressReport(
        cycle=report.cycle,
        activity=report.activity,
        party=report.party,
        created_by=report.created_by,
    )


def report_at_101(world):
    report = make_report(world["official"], world["activity"], world["cycle"])
    report.percent_complete = 101
    return report


def duplicate_value(world):
    report = make_report(world["official"], world["activity"], world["cycle"])
    return IndicatorValue(report=report, indicator=world["activity"].indicators.get(), value=1)


def duplicate_waiver(world):
    cycle, party = world["cycle"], world["official"].party
    SubmissionWaiver.objects.create(
        cycle=cycle, party=party, reason="Flood", granted_by=world["official"]
    )
    return SubmissionWaiver(cycle=cycle, party=party, reason="Again", granted_by=world["official"])


def duplicate_reminder(world, cycle=True):
    values = {
        "kind": SentReminder.Kind.DEADLINE,
        "cycle": world["cycle"] if cycle else None,
        "recipient": world["official"],
        "occasion": "7",
        "email": "official@example.org",
        "listed": "2.1",
    }
    SentReminder.objects.create(**values)
    return SentReminder(**values)


def half_removed_file(world):
    report = make_report(world["official"], world["activity"], world["cycle"])
    return EvidenceFile(
        report=report,
        file="evidence/x.pdf",
        original_name="x.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
        uploaded_by=world["official"],
        removed_by=world["official"],
    )


# constraint name -> (a row that breaks it, what full_clean says)
def official_without_party(world):
    return User(username="stray", password="x", role=Role.OFFICIAL)


def unknown_role(world):
    return User(username="stray", password="x", role="Superuser")


CASES = {
    "user_party_only_for_officials": (
        official_without_party,
        {"party": ["An official must act for a party."]},
    ),
    "user_role_known": (unknown_role, {"role": ["Value 'Superuser' is not a valid choice."]}),
    "party_alpha3_unique": (
        lambda w: Party(code="ZZ", name="Twin", kind="asean_body", alpha3="IDN"),
        {"__all__": ["Another party has this alpha-3 code."]},
    ),
    "party_membership_only_for_member_states": (
        lambda w: Party(code="ZZ", name="Body", kind="asean_body", member_since=DAY),
        {"__all__": ["Only an ASEAN Member State has a membership date."]},
    ),
    "party_member_since_normalised": (
        lambda w: Party(
            code="ZZ",
            name="State",
            kind="member_state",
            member_since=DAY,
            member_since_precision="year",
        ),
        {"__all__": ["A membership date known only to the month or year must be the 1st."]},
    ),
    "consultation_ordinal_unique_in_series": (
        lambda w: Consultation(series="ammtc_japan", ordinal=8, date=DAY),
        {"__all__": ["This series already has a meeting with this ordinal."]},
    ),
    "consultation_date_normalised": (
        lambda w: Consultation(series="ammtc_japan", date=DAY, date_precision="month"),
        {"__all__": ["A date known only to the month or year must be the 1st of it."]},
    ),
    "workplan_title_period_unique": (
        lambda w: WorkPlan(title=w["plan"].title, first_year=2023, last_year=2027),
        {"__all__": ["A work plan with this title and period exists."]},
    ),
    "workplan_years_in_order": (
        lambda w: WorkPlan(title="Backwards", first_year=2030, last_year=2029),
        {"__all__": ["The last year cannot be before the first year."]},
    ),
    "priorityarea_number_unique_in_plan": (
        lambda w: PriorityArea(work_plan=w["plan"], number=2, title="Another"),
        {"__all__": ["This work plan already has a priority area with this number."]},
    ),
    "priorityarea_number_positive": (
        lambda w: PriorityArea(work_plan=w["plan"], number=0, title="Zero"),
        {"number": ["Ensure this value is greater than or equal to 1."]},
    ),
    "activity_code_unique_in_plan": (
        lambda w: Activity(priority_area=w["activity"].priority_area, code="2.1", title="Twin"),
        {"__all__": ["This work plan already has an activity with this code."]},
    ),
    "activity_planned_dates_in_order": (
        lambda w: Activity(
            priority_area=w["activity"].priority_area,
            code="2.9",
            title="Backwards",
            planned_start=DAY,
            planned_end=DAY - datetime.timedelta(days=1),
        ),
        {"__all__": ["The planned end cannot be before the planned start."]},
    ),
    "indicator_name_unique_in_activity": (
        lambda w: Indicator(activity=w["activity"], name="Indicator 1"),
        {"__all__": ["This activity already has an indicator with this name."]},
    ),
    "reportingcycle_title_unique_in_plan": (
        lambda w: cycle_like(w["cycle"], title=w["cycle"].title),
        {"__all__": ["This work plan already has a cycle with this title."]},
    ),
    "reportingcycle_period_in_order": (
        lambda w: cycle_like(
            w["cycle"], period_end=w["cycle"].period_start - datetime.timedelta(1)
        ),
        {"__all__": ["The period cannot end before it starts."]},
    ),
    "reportingcycle_deadline_after_opening": (
        lambda w: cycle_like(w["cycle"], deadline=w["cycle"].opens_on - datetime.timedelta(1)),
        {"__all__": ["The deadline cannot be before the cycle opens."]},
    ),
    "submissionwaiver_once_per_party": (
        duplicate_waiver,
        {"__all__": ["This party already has a waiver for this cycle."]},
    ),
    "progressreport_one_per_party_activity_cycle": (
        duplicate_report,
        {"__all__": ["This party already has a report on this activity in this cycle."]},
    ),
    "progressreport_percent_in_range": (
        report_at_101,
        {"percent_complete": ["Ensure this value is less than or equal to 100."]},
    ),
    "sentreminder_once_per_cycle_occasion": (
        duplicate_reminder,
        {"__all__": ["This reminder was already sent to this person."]},
    ),
    "sentreminder_once_per_occasion": (
        lambda w: duplicate_reminder(w, cycle=False),
        {"__all__": ["This digest was already sent to this person."]},
    ),
    "indicatorvalue_once_per_report": (
        duplicate_value,
        {"__all__": ["This report already has a value for this indicator."]},
    ),
    "evidencefile_removal_recorded": (
        half_removed_file,
        {"__all__": ["A removed file records who removed it and when."]},
    ),
}


def test_every_named_constraint_has_a_case_here():
    named = {c.name for model in apps.get_models() for c in model._meta.constraints}
    assert named == set(CASES)


@pytest.mark.parametrize("name", CASES)
def test_a_constraint_explains_itself_and_holds_in_the_database(
    name, plan, official_id, activity, cycle
):
    build, messages = CASES[name]
    row = build({"plan": plan, "official": official_id, "activity": activity, "cycle": cycle})
    with pytest.raises(ValidationError) as error:
        row.full_clean()
    assert error.value.message_dict == messages
    with pytest.raises(IntegrityError), transaction.atomic():
        row.save()
