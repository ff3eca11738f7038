from django_filters.rest_framework import CharFilter
from rest_framework import viewsets

from ammtc_tracker import api_filters as filters
from ammtc_tracker.api import CSVListMixin, RowsListMixin
from priorities.models import Activity, Consultation, Indicator, Party, PriorityArea, WorkPlan
from priorities.serializers import (
    ActivitySerializer,
    ConsultationSerializer,
    IndicatorSerializer,
    PartySerializer,
    PriorityAreaSerializer,
    WorkPlanSerializer,
    activities_json,
    activity_values,
)


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
    party = CharFilter(method="filter_party", label="Party code (lead or participant)")

    class Meta:
        model = Activity
        fields = ["work_plan", "priority_area", "is_sample"]

    def filter_party(self, queryset, name, value):
        return queryset.for_party(Party.objects.filter(code=value.upper()).first())


class ActivityViewSet(RowsListMixin, CSVListMixin, viewsets.ReadOnlyModelViewSet):
    queryset = (
        Activity.objects.select_related("priority_area")
        .prefetch_related("lead_parties", "participating_parties", "indicators")
        .order_by("sort_key", "id")
    )
    serializer_class = ActivitySerializer
    filterset_class = ActivityFilter
    search_fields = ["code", "title"]
    ordering_fields = ["code", "title", "planned_start", "planned_end"]
    ordering_sources = {"code": "sort_key"}

    def page_values(self, activities):
        return activity_values(activities)

    def page_json(self, rows):
        return activities_json(rows)


class IndicatorViewSet(CSVListMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Indicator.objects.order_by("activity", "id")
    serializer_class = IndicatorSerializer
    filterset_fields = ["activity"]
    search_fields = ["name"]
    ordering_fields = ["name"]


class ConsultationFilter(filters.FilterSet):
    # Not "format": that query parameter chooses the response format (?format=csv).
    meeting_format = filters.ChoiceFilter(
        field_name="format", choices=Consultation.Format.choices, label="Online or in person"
    )

    class Meta:
        model = Consultation
        fields = ["series", "is_preparatory"]


class ConsultationViewSet(CSVListMixin, viewsets.ReadOnlyModelViewSet):
    queryset = (
        Consultation.objects.select_related("host")
        .prefetch_related("co_chairs")
        .order_by("-date", "id")
    )
    serializer_class = ConsultationSerializer
    filterset_class = ConsultationFilter
    search_fields = ["city", "outcome"]
    ordering_fields = ["date", "ordinal"]
