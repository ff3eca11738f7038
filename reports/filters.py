"""The filters of the web list of progress reports (django-filter). The API's list filters are
in ``reports.api``; both search the same report text."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from priorities.models import Party, PriorityArea
from reports.models import ProgressReport, ReportingCycle

# What a search of the report text looks in: the API's search_fields are the same.
REPORT_TEXT_FIELDS = (
    "activity__code",
    "activity__title",
    "achievements",
    "challenges",
    "next_steps",
)


def search_report_text(reports, text):
    """Reports whose text holds every word of ``text`` (in any of REPORT_TEXT_FIELDS)."""
    for word in text.split():
        found = Q()
        for name in REPORT_TEXT_FIELDS:
            found |= Q(**{f"{name}__icontains": word})
        reports = reports.filter(found)
    return reports


class ReportListFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search the report text"))
    cycle = django_filters.ModelChoiceFilter(
        queryset=ReportingCycle.objects.order_by("-period_start", "-id"),
        label=_("Cycle"),
        empty_label=_("all"),
    )
    party = django_filters.ModelChoiceFilter(
        queryset=Party.objects.order_by("name"), label=_("Party"), empty_label=_("all")
    )
    priority_area = django_filters.ModelChoiceFilter(
        field_name="activity__priority_area",
        queryset=PriorityArea.objects.order_by("work_plan", "number"),
        label=_("Priority area"),
        empty_label=_("all"),
    )
    implementation_status = django_filters.ChoiceFilter(
        choices=ProgressReport.Implementation.choices,
        label=_("Implementation status"),
        empty_label=_("all"),
    )
    status = django_filters.ChoiceFilter(
        choices=ProgressReport.Status.choices, label=_("Workflow state"), empty_label=_("all")
    )

    class Meta:
        model = ProgressReport
        fields = ["q", "cycle", "party", "priority_area", "implementation_status", "status"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the states of reports the user may see: a reader sees accepted reports alone.
        states = ProgressReport.objects.statuses_visible_to(user)
        self.filters["status"].extra["choices"] = [
            (value, label) for value, label in ProgressReport.Status.choices if value in states
        ]

    def search(self, queryset, name, value):
        return search_report_text(queryset, value)
