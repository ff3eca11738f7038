from django_filters import rest_framework as filters
from rest_framework import viewsets

from ammtc_tracker.api import CSVListMixin
from priorities.models import Activity, Indicator, Party, PriorityArea, WorkPlan
from priorities.serializers import (
    ActivitySerializer,
    IndicatorSerializer,
    PartySerializer,
    PriorityAreaSerializer,
    WorkPlanSerializer,
)
from reports.models import ProgressReport


class PartyViewSet(CSVListMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Party.objects.order_by("name", "id")
    serializer_class = PartySerializer
    filterset_fields = ["kind", "code"]
    search_fields = ["name", "code", "alpha3"]
    ordering_fields = ["name", "code", "member_since"]


class WorkPlanViewSet(CSVListMixin, viewsets.ReadOnlyModelViewSet):
    queryset = WorkPlan.objects.order_by("-first_year", "id")
    serializer_class = WorkPlanSerializer
    search_fields = ["title"]
    ordering_fields = ["first_year", "title"]


class PriorityAreaViewSet(CSVListMixin, viewsets.ReadOnlyModelViewSet):
    queryset = PriorityArea.objects.order_by("work_plan", "number", "id")
    serializer_class = PriorityAreaSerializer
    filterset_fields = ["work_plan", "number"]
    search_fields = ["title", "code"]
    ordering_fields = ["number", "title"]


class ActivityFilter(filters.FilterSet):
    party = filters.CharFilter(method="filter_party", label="Party code (lead or participant)")
    implementation_status = filters.ChoiceFilter(
        choices=ProgressReport.Implementation.choices,
        method="filter_implementation_status",
        label="Has a report you may see with this implementation status",
    )
    cycle = filters.NumberFilter(
        method="filter_cycle", label="Has a report you may see in this cycle"
    )

    class Meta:
        model = Activity
        fields = ["work_plan", "priority_area", "is_sample"]

    def filter_party(self, queryset, name, value):
        return queryset.for_party(Party.objects.filter(code=value.upper()).first())

    def filter_implementation_status(self, queryset, name, value):
        return self._with_visible_reports(queryset, implementation_status=value)

    def filter_cycle(self, queryset, name, value):
        return self._with_visible_reports(queryset)

    def _with_visible_reports(self, queryset, **conditions):
        # Only reports the user may see count, so a filter cannot reveal another party's draft.
        reports = ProgressReport.objects.visible_to(self.request.user).filter(**conditions)
        if self.form.cleaned_data.get("cycle"):
            reports = reports.filter(cycle_id=self.form.cleaned_data["cycle"])
        return queryset.filter(pk__in=reports.values("activity_id"))


class ActivityViewSet(CSVListMixin, viewsets.ReadOnlyModelViewSet):
    queryset = (
        Activity.objects.select_related("priority_area")
        .prefetch_related("lead_parties", "participating_parties", "indicators")
        .order_by("priority_area__number", "code", "id")
    )
    serializer_class = ActivitySerializer
    filterset_class = ActivityFilter
    search_fields = ["code", "title"]
    ordering_fields = ["code", "title", "planned_start", "planned_end"]


class IndicatorViewSet(CSVListMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Indicator.objects.order_by("activity", "id")
    serializer_class = IndicatorSerializer
    filterset_fields = ["activity"]
    search_fields = ["name"]
    ordering_fields = ["name"]
