from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ammtc_tracker.api_rows import Rows, group
from priorities.models import Activity, Consultation, Indicator, Party, PriorityArea, WorkPlan


class PartySerializer(serializers.ModelSerializer):
    class Meta:
        model = Party
        fields = [
            "id",
            "code",
            "name",
            "iso_name",
            "official_name",
            "alpha3",
            "kind",
            "member_since",
            "member_since_precision",
        ]


class WorkPlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = WorkPlan
        fields = [
            "id",
            "title",
            "first_year",
            "last_year",
            "description",
            "agreed_at",
            "adopted_at",
            "renews",
        ]


class PriorityAreaSerializer(serializers.ModelSerializer):
    focus = serializers.ListField(source="focus_items", child=serializers.CharField())

    class Meta:
        model = PriorityArea
        fields = ["id", "work_plan", "number", "code", "title", "focus"]


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = ["id", "activity", "name", "unit", "baseline", "target"]


class ActivitySerializer(serializers.ModelSerializer):
    lead_parties = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    participating_parties = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )
    indicators = IndicatorSerializer(many=True, read_only=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "work_plan",
            "priority_area",
            "code",
            "title",
            "description",
            "lead_parties",
            "participating_parties",
            "planned_start",
            "planned_end",
            "expected_outcome",
            "is_sample",
            "indicators",
        ]


class ConsultationSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text=_("e.g. 8th AMMTC+Japan"))
    host = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    co_chairs = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Consultation
        fields = [
            "id",
            "name",
            "series",
            "ordinal",
            "is_preparatory",
            "date",
            "date_precision",
            "format",
            "city",
            "host",
            "co_chairs",
            "outcome",
        ]


def activity_values(activities):
    """The rows of ``activities`` that ``activities_json`` writes (ammtc_tracker.api_rows)."""
    return activities.prefetch_related(None).values(*_activity_rows().columns)


def activities_json(rows):
    """ActivitySerializer's output for a page of ``activity_values`` rows: the parties and
    indicators of the page in one query each, as the serializer's prefetches read them."""
    ids = [row["id"] for row in rows]
    through = {"activity_id__any_of": ids}
    leads = group(
        Activity.lead_parties.through.objects.filter(**through)
        .order_by("activity_id", "party__name", "party_id")
        .values_list("activity_id", "party__code")
    )
    participants = group(
        Activity.participating_parties.through.objects.filter(**through)
        .order_by("activity_id", "party__name", "party_id")
        .values_list("activity_id", "party__code")
    )
    indicator_rows = Rows(IndicatorSerializer)
    indicators = group(
        (row["activity"], indicator_rows.represent(row))
        for row in Indicator.objects.filter(activity_id__any_of=ids)
        .order_by("activity_id", "id")
        .values(*indicator_rows.columns)
    )
    activity_rows = _activity_rows()
    return [
        activity_rows.represent(
            row,
            lead_parties=leads.get(row["id"], []),
            participating_parties=participants.get(row["id"], []),
            indicators=indicators.get(row["id"], []),
        )
        for row in rows
    ]


def _activity_rows():
    nested = {"lead_parties": None, "participating_parties": None, "indicators": None}
    return Rows(ActivitySerializer, sources=nested)
