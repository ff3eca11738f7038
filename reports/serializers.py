import re

from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ammtc_tracker.api_filters import MAX_ID
from ammtc_tracker.api_rows import Rows, group
from priorities.models import Indicator
from reports.models import (
    EvidenceFile,
    IndicatorValue,
    ProgressReport,
    ReportingCycle,
)

MAX_INDICATOR_VALUES = 100


class StrictFieldsMixin:
    """Refuses fields it does not know and fields it does not let a client write."""

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            errors = {}
            for name in data:
                if name in writable:
                    continue
                errors[name] = [
                    _("This field is set by the workflow and cannot be written.")
                    if name in self.fields
                    else _("Unknown field.")
                ]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class StrictSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    pass


class ReportingCycleSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportingCycle
        fields = [
            "id",
            "work_plan",
            "title",
            "period_start",
            "period_end",
            "opens_on",
            "deadline",
            "closed_at",
            "consultations",
        ]


class IndicatorValueSerializer(StrictSerializer):
    """What a report says of one indicator of its activity."""

    class Meta:
        model = IndicatorValue
        fields = ["indicator", "value", "note"]
        # Uniqueness per report is checked against the report, not here.
        validators = []

    def validate(self, attrs):
        # A PATCH is partial, and DRF passes that on to the values in it: each still needs its
        # indicator (without one the save raised KeyError, a 500).
        if "indicator" not in attrs:
            raise serializers.ValidationError({"indicator": [_("This field is required.")]})
        return attrs


class EvidenceFileSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name")
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = EvidenceFile
        fields = ["id", "name", "content_type", "size", "sha256", "uploaded_at", "download_url"]

    @extend_schema_field(serializers.URLField())
    def get_download_url(self, evidence):
        url = reverse("report-file", args=[evidence.report_id, evidence.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class ProgressReportSerializer(StrictSerializer):
    party = serializers.SlugRelatedField(slug_field="code", read_only=True)
    is_sample = serializers.BooleanField(
        source="activity.is_sample",
        read_only=True,
        help_text=_("The activity is illustrative sample data, not one of the published plan."),
    )
    # A bound on the list before the activity is known; the exact one is checked below.
    indicator_values = IndicatorValueSerializer(
        many=True, required=False, max_length=MAX_INDICATOR_VALUES
    )
    files = EvidenceFileSerializer(source="current_evidence", many=True, read_only=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    submitted_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    reviewed_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    version = serializers.IntegerField(
        required=False,
        help_text=_("Required on update: the version you read. A stale version answers 409."),
    )

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "cycle",
            "activity",
            "is_sample",
            "party",
            "status",
            *ProgressReport.CONTENT_FIELDS,
            "indicator_values",
            "files",
            "is_late",
            "version",
            "created_by",
            "created_at",
            "updated_at",
            "submitted_by",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
        ]
        read_only_fields = [
            "status",
            "is_late",
            "created_at",
            "updated_at",
            "submitted_at",
            "reviewed_at",
        ]
        # The one-report-per-party rule needs the party, which the workflow sets.
        validators = []

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            fields["cycle"].read_only = fields["activity"].read_only = True
        return fields

    def to_internal_value(self, data):
        self._check_indicator_count(data)
        return super().to_internal_value(data)

    def validate(self, attrs):
        if self.instance is not None and "version" not in attrs:
            raise serializers.ValidationError({"version": [_("Give the version you read.")]})
        return attrs

    def _check_indicator_count(self, data):
        """Refuse more values than the activity has indicators before validating any of them:
        each one costs a query, and 10,000 of them held a worker for 21 s."""
        values = data.get("indicator_values") if hasattr(data, "get") else None
        if not isinstance(values, list) or not values:
            return
        activity_id = self.instance.activity_id if self.instance else data.get("activity")
        activity_id = str(activity_id)
        if not (activity_id.isascii() and activity_id.isdecimal() and len(activity_id) < 19):
            return  # the activity field reports the error; max_length bounds the list
        limit = Indicator.objects.filter(activity_id=int(activity_id)).count()
        if len(values) > limit:
            raise serializers.ValidationError(
                {
                    "indicator_values": [
                        _("The activity has %(limit)d indicators; %(sent)d values were sent.")
                        % {"limit": limit, "sent": len(values)}
                    ]
                }
            )


class ProgressReportUpdateSerializer(ProgressReportSerializer):
    """A change to a report: its cycle and activity are fixed once it exists, and the version
    you read is required."""

    class Meta(ProgressReportSerializer.Meta):
        read_only_fields = [*ProgressReportSerializer.Meta.read_only_fields, "cycle", "activity"]


class ReasonSerializer(StrictFieldsMixin, serializers.Serializer):
    comment = serializers.CharField(
        required=False, allow_blank=True, help_text=_("Required to return or reopen.")
    )


class RequiredReasonSerializer(StrictFieldsMixin, serializers.Serializer):
    """Why a report is returned or reopened; its officials see it."""

    # Something besides white space (Python's, which also counts \x1c-\x1f and \x85).
    comment = serializers.RegexField(
        r"[^\s\x1c-\x1f\x85]", help_text=_("The reason, which the officials see.")
    )


STATUS_QUERY = {
    "cycle": (re.compile(r"[0-9]{1,19}"), _("Give a cycle id (digits 0-9).")),
    "party": (re.compile(r"[A-Za-z]{2,4}"), _("Give a party code (2 to 4 letters, e.g. ID).")),
}


def status_query(params):
    """The status summary's query parameters as ``(cycle id, party code)``, None where not given,
    or a ValidationError naming each wrong one. Checked by hand, with the messages and the
    whitespace trimming of the DRF fields it replaced: a serializer instance cost more than the
    rest of an answer from the cache (issue 14)."""
    values, errors = {}, {}
    for name, (pattern, message) in STATUS_QUERY.items():
        if name not in params:
            values[name] = None
            continue
        value = params[name].strip()
        if not value:
            errors[name] = [_("This field may not be blank.")]
        elif not pattern.fullmatch(value):
            errors[name] = [message]
        values[name] = value
    if "cycle" not in errors and values["cycle"] is not None:
        values["cycle"] = int(values["cycle"])
        if not 1 <= values["cycle"] <= MAX_ID:
            errors["cycle"] = [_("Give a cycle id from 1 to %(max)d.") % {"max": MAX_ID}]
    if errors:
        raise serializers.ValidationError(errors)
    return values["cycle"], values["party"]


class StatusCountsSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    title = serializers.CharField()
    reports = serializers.IntegerField()
    average_percent_complete = serializers.FloatField(source="average_percent", allow_null=True)
    by_implementation_status = serializers.DictField(
        source="by_implementation", child=serializers.IntegerField()
    )


class StatusSerializer(serializers.Serializer):
    cycle = ReportingCycleSerializer()
    party = serializers.CharField(allow_null=True)
    priority_areas = StatusCountsSerializer(many=True)


class ComplianceRowSerializer(serializers.Serializer):
    activity = serializers.IntegerField(source="activity_id")
    activity_code = serializers.CharField()
    party = serializers.CharField(source="party_code")
    role = serializers.ChoiceField(choices=["lead", "participant"])
    report = serializers.IntegerField(source="report_id", allow_null=True)
    status = serializers.CharField(allow_null=True)
    is_late = serializers.BooleanField()
    submitted_at = serializers.DateTimeField(allow_null=True)

    def to_representation(self, row):
        """The fields above, written out directly: a matrix has a row per expected report, tens
        of thousands in one response, and DRF's field-by-field path took most of its time."""
        submitted_at = row.submitted_at
        return {
            "activity": row.activity_id,
            "activity_code": row.activity_code,
            "party": row.party_code,
            "role": row.role,
            "report": row.report_id,
            "status": row.status,
            "is_late": row.is_late,
            "submitted_at": None
            if submitted_at is None
            else self._submitted_at.to_representation(submitted_at),
        }

    @cached_property
    def _submitted_at(self):
        # The declared field with the current time zone looked up once, not once per row.
        return serializers.DateTimeField(default_timezone=timezone.get_current_timezone())


class ComplianceSerializer(serializers.Serializer):
    cycle = ReportingCycleSerializer()
    summary = serializers.DictField(child=serializers.IntegerField())
    # One page of the rows, paged like every list.
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    rows = ComplianceRowSerializer(many=True)


def report_values(reports):
    """The rows of ``reports`` that ``reports_json`` writes (ammtc_tracker.api_rows)."""
    return reports.select_related(None).prefetch_related(None).values(*_report_rows().columns)


def reports_json(rows, request):
    """ProgressReportSerializer's output for a page of ``report_values`` rows: the indicator
    values and current files of the page in one query each."""
    ids = [row["id"] for row in rows]
    value_rows = Rows(IndicatorValueSerializer)
    values = group(
        (row["report_id"], value_rows.represent(row))
        for row in IndicatorValue.objects.filter(report_id__any_of=ids)
        .order_by("report_id", "indicator_id")
        .values("report_id", *value_rows.columns)
    )
    evidence = list(EvidenceFile.objects.current().filter(report_id__any_of=ids))
    files = group(
        zip(
            (file.report_id for file in evidence),
            EvidenceFileSerializer(evidence, many=True, context={"request": request}).data,
            strict=True,
        )
    )
    report_rows = _report_rows()
    return [
        report_rows.represent(
            row, indicator_values=values.get(row["id"], []), files=files.get(row["id"], [])
        )
        for row in rows
    ]


def _report_rows():
    sources = {
        "is_sample": "activity__is_sample",
        "party": "party__code",
        "created_by": "created_by__username",
        "submitted_by": "submitted_by__username",
        "reviewed_by": "reviewed_by__username",
        "indicator_values": None,
        "files": None,
    }
    return Rows(ProgressReportSerializer, sources=sources)
