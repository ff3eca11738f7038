from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django_filters.rest_framework import CharFilter
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from ammtc_tracker import api_filters as filters
from ammtc_tracker.api import (
    ERROR,
    CSVFileRenderer,
    CSVListMixin,
    JSONErrorsMixin,
    RowsListMixin,
    XLSXFileRenderer,
    format_parameter,
)
from ammtc_tracker.api_renderers import JSONRenderer
from ammtc_tracker.db_routers import read_from_replica
from ammtc_tracker.paging import CountedRows
from priorities import api as priorities_api
from priorities.models import Party
from reports import figures
from reports.downloads import DOWNLOAD_FORMATS, report_list_download
from reports.evidence import download_response
from reports.exports.summary_csv import compliance_csv, status_csv
from reports.filters import REPORT_TEXT_FIELDS
from reports.models import EvidenceFile, ProgressReport, ReportingCycle
from reports.serializers import (
    ComplianceSerializer,
    EvidenceFileSerializer,
    ProgressReportSerializer,
    ProgressReportUpdateSerializer,
    ReasonSerializer,
    ReportingCycleSerializer,
    RequiredReasonSerializer,
    StatusSerializer,
    report_values,
    reports_json,
    status_query,
)
from reports.services import attach_evidence, move_report, save_report, start_report


def _paging_parameters():
    bounds = {"page": (2**31 - 1, "A page number."), "page_size": (200, "Rows per page (50).")}
    return [
        OpenApiParameter(name, {"type": "integer", "minimum": 1, "maximum": top}, description=text)
        for name, (top, text) in bounds.items()
    ]


class ReportingCycleViewSet(CSVListMixin, viewsets.ReadOnlyModelViewSet):
    queryset = ReportingCycle.objects.prefetch_related("consultations").order_by(
        "-period_start", "id"
    )
    serializer_class = ReportingCycleSerializer
    filterset_fields = ["work_plan"]
    search_fields = ["title"]
    ordering_fields = ["period_start", "deadline"]

    @extend_schema(
        responses={
            (200, "application/json"): ComplianceSerializer,
            (200, "text/csv"): OpenApiTypes.STR,
        },
        parameters=[*_paging_parameters(), format_parameter("csv")],
        filters=False,
    )
    @action(detail=True, filter_backends=[], renderer_classes=[JSONRenderer, CSVFileRenderer])
    def compliance(self, request, pk=None):
        """Each party expected to report on each activity, and its report's state.

        `summary` counts the whole cycle; `rows` is one page of the pairs (`page`, `page_size`),
        with `count`, `next` and `previous` as in every list. Reports you may not see count as
        missing. In CSV with `?format=csv`: every row of the pages, in their order.
        """
        cycle = self.get_object()
        if request.accepted_renderer.format == "csv":
            self.paginator.check_parameters(request)
            matrix = figures.compliance(cycle, request.user)
            return _file(compliance_csv(cycle, matrix), f"compliance-{cycle.pk}.csv")
        summary = figures.compliance_summary(cycle, request.user)
        # The total is the summary's (cached), not a count of every pair for each page.
        expected = CountedRows(figures.expected_reports(cycle), summary["expected"])
        pairs = self.paginate_queryset(expected)
        data = {
            "cycle": cycle,
            "summary": summary,
            "count": self.paginator.page.paginator.count,
            "next": self.paginator.get_next_link(),
            "previous": self.paginator.get_previous_link(),
            "rows": figures.compliance_rows(cycle, request.user, pairs),
        }
        return Response(ComplianceSerializer(data, context={"request": request}).data)


class ActivityFilter(priorities_api.ActivityFilter):
    """The plan's activity filters, plus two that look at the reports the user may see."""

    implementation_status = filters.ChoiceFilter(
        choices=ProgressReport.Implementation.choices,
        method="filter_implementation_status",
        label="Has a report you may see with this implementation status",
    )
    cycle = filters.IdFilter(method="filter_cycle", label="Has a report you may see in this cycle")

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


class ActivityViewSet(priorities_api.ActivityViewSet):
    filterset_class = ActivityFilter


class ReportFilter(filters.FilterSet):
    party = CharFilter(field_name="party__code", label="Party code")
    priority_area = filters.IdFilter(field_name="activity__priority_area", label="Priority area")

    class Meta:
        model = ProgressReport
        fields = ["cycle", "activity", "status", "implementation_status", "is_late"]


class ProgressReportViewSet(
    RowsListMixin,
    CSVListMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Progress reports you may see: your party's, and accepted ones (all, for the secretariat)."""

    serializer_class = ProgressReportSerializer
    filterset_class = ReportFilter
    search_fields = REPORT_TEXT_FIELDS
    ordering_fields = ["submitted_at", "updated_at", "percent_complete"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_renderers(self):
        if self.action == "list":
            return [JSONRenderer(), CSVFileRenderer(), XLSXFileRenderer()]
        return super().get_renderers()

    @extend_schema(
        parameters=[format_parameter(*DOWNLOAD_FORMATS)],
        responses={
            (200, "application/json"): ProgressReportSerializer(many=True),
            (200, "text/csv"): OpenApiTypes.STR,
            (200, XLSXFileRenderer.media_type): OpenApiTypes.BINARY,
        },
    )
    def list(self, request, *args, **kwargs):
        """The reports you may see, filtered; `?format=csv` or `?format=xlsx` downloads them all
        (not paged) as a spreadsheet: one row per indicator value, with the cycle, activity,
        priority area and party by name (see the README, "CSV and XLSX")."""
        file_format = request.accepted_renderer.format
        if file_format not in DOWNLOAD_FORMATS:
            return super().list(request, *args, **kwargs)
        self.paginator.check_parameters(request)
        with read_from_replica():
            reports = self.filter_queryset(self.get_queryset())
            # The database is chosen now: the file is read after the view returns.
            return report_list_download(reports.using(reports.db), file_format)

    def page_values(self, reports):
        return report_values(reports)

    def page_json(self, rows):
        return reports_json(rows, self.request)

    def get_queryset(self):
        return (
            ProgressReport.objects.visible_to(self.request.user)
            .select_related("activity", "party", "created_by", "submitted_by", "reviewed_by")
            .prefetch_related("indicator_values", "evidence_files")
            .in_list_order()
        )

    @extend_schema(
        responses={
            201: ProgressReportSerializer,
            409: OpenApiResponse(
                ERROR,
                "Your party already has a report on this activity in this cycle, or another "
                "state refuses it; a Location header and `report` give the existing report.",
            ),
        }
    )
    def create(self, request, *args, **kwargs):
        """Start your party's report on an activity in a cycle, with what it says."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        existing = ProgressReport.objects.filter(
            cycle=data["cycle"], activity=data["activity"], party_id=request.user.acting_party_id
        ).first()
        if existing:
            # Creating is not a way to overwrite: changes go through PATCH with the version.
            url = request.build_absolute_uri(reverse("report-detail", args=[existing.pk]))
            body = {
                "detail": _(
                    "%(party)s already has report %(id)d on this activity in this cycle: change "
                    "it with PATCH %(url)s and its version."
                )
                % {"party": existing.party, "id": existing.pk, "url": url},
                "errors": {},
                "report": url,
            }
            return Response(body, status=status.HTTP_409_CONFLICT, headers={"Location": url})
        report = start_report(user=request.user, activity=data["activity"], cycle=data["cycle"])
        # A report this request created is at version 1; a concurrent creator's save refuses ours.
        serializer.instance = self._save(report, data, expected_version=1)
        return Response(serializer.data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ProgressReportUpdateSerializer, responses=ProgressReportSerializer)
    def partial_update(self, request, *args, **kwargs):
        """Change what the report says: send the version you read (a stale one answers 409)."""
        return super().partial_update(request, *args, **kwargs)

    def perform_update(self, serializer):
        data = serializer.validated_data
        serializer.instance = self._save(
            serializer.instance, data, expected_version=data["version"]
        )

    def _save(self, report, data, expected_version):
        values = {
            item["indicator"].pk: (item.get("value"), item.get("note", "").strip())
            for item in data.get("indicator_values", [])
        }
        save_report(
            report=report,
            user=self.request.user,
            content={k: v for k, v in data.items() if k in ProgressReport.CONTENT_FIELDS},
            indicator_values=values,
            expected_version=expected_version,
        )
        return self.get_queryset().get(pk=report.pk)

    def _transition(self, request, action_name):
        report = self.get_object()
        reason = ReasonSerializer(data=request.data)
        reason.is_valid(raise_exception=True)
        move_report(
            report, action_name, by=request.user, comment=reason.validated_data.get("comment", "")
        )
        report = self.get_queryset().get(pk=report.pk)
        return Response(self.get_serializer(report).data)

    @extend_schema(request=None, responses=ProgressReportSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit a draft or returned report (an official of its party)."""
        return self._transition(request, ProgressReport.Action.SUBMIT)

    @extend_schema(request=None, responses=ProgressReportSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Accept a submitted report (the secretariat)."""
        return self._transition(request, ProgressReport.Action.ACCEPT)

    @extend_schema(request=RequiredReasonSerializer, responses=ProgressReportSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_report(self, request, pk=None):
        """Return a submitted report to its party with a reason (the secretariat)."""
        return self._transition(request, ProgressReport.Action.RETURN)

    @extend_schema(request=RequiredReasonSerializer, responses=ProgressReportSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """Reopen an accepted report with a reason (the secretariat)."""
        return self._transition(request, ProgressReport.Action.REOPEN)

    @extend_schema(
        request={
            "multipart/form-data": inline_serializer(
                "EvidenceUpload", {"file": serializers.FileField()}
            )
        },
        responses={201: EvidenceFileSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser], url_path="files")
    def upload(self, request, pk=None):
        """Attach an evidence file (PDF, Office document or image; 10 MB at most)."""
        report = self.get_object()
        unknown = set(request.data) - {"file"}
        if unknown:
            raise ValidationError({name: [_("Unknown field.")] for name in sorted(unknown)})
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError({"file": [_("Attach a file in the 'file' field.")]})
        evidence = attach_evidence(report=report, user=request.user, upload=upload)
        return Response(
            EvidenceFileSerializer(evidence, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY)},
        filters=False,
    )
    @action(detail=True, url_path=r"files/(?P<file_id>[0-9]+)", url_name="file", filter_backends=[])
    def download(self, request, pk=None, file_id=None):
        """Download an evidence file of a report you may see."""
        return download_response(
            get_object_or_404(EvidenceFile.objects.current(), pk=file_id, report=self.get_object())
        )


class StatusView(JSONErrorsMixin, APIView):
    """Per priority area: accepted reports by implementation status, and the average percent."""

    renderer_classes = [JSONRenderer, CSVFileRenderer]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "cycle",
                {"type": "integer", "minimum": 1, "maximum": filters.MAX_ID},
                description="A cycle id (see /api/v1/cycles/); default: the latest with "
                "accepted reports. An id that matches no cycle answers 404.",
            ),
            OpenApiParameter(
                "party",
                {"type": "string", "pattern": "^[A-Za-z]{2,4}$"},
                description="A party code, e.g. ID (see /api/v1/parties/). A code that matches "
                "no party answers 404.",
            ),
            format_parameter("csv"),
        ],
        responses={
            (200, "application/json"): StatusSerializer,
            (200, "text/csv"): OpenApiTypes.STR,
        },
    )
    def get(self, request):
        cycle_id, code = status_query(request.query_params)
        if request.accepted_renderer.format == "csv":
            with read_from_replica():
                cycle, party = self._scope(cycle_id, code)
                areas = figures.status_by_area(cycle, request.user, party=party)
            return _file(status_csv(cycle, areas, party), f"status-{cycle.pk}.csv")
        # The answer as the serializers write it, cached whole for these parameters: a hit
        # costs no query (an unknown cycle or party answers 404 and is not kept).
        body = figures.answer(
            "status",
            request.user,
            lambda: self._answer(request.user, *self._scope(cycle_id, code)),
            cycle=cycle_id,
            party=code.upper() if code else None,
        )
        return Response(body)

    def _scope(self, cycle_id, code):
        """The cycle and the party (None: every party) that the parameters name."""
        cycle = self._cycle(cycle_id)
        party = None
        if code:
            party = Party.objects.filter(code=code.upper()).first()
            if party is None:
                raise NotFound(_("No party has this code."))
        return cycle, party

    @staticmethod
    def _answer(user, cycle, party):
        areas = figures.status_by_area(cycle, user, party=party)
        data = {"cycle": cycle, "party": party.code if party else None, "priority_areas": areas}
        return StatusSerializer(data).data

    def _cycle(self, cycle_id):
        cycles = ReportingCycle.objects.all()
        if cycle_id is not None:
            return get_object_or_404(cycles, pk=cycle_id)
        cycle = cycles.with_accepted_reports().first()
        if cycle is None:
            raise NotFound(_("No cycle has accepted reports yet."))
        return cycle


def _file(content, filename):
    """A file made by an export, named for download."""
    return Response(content, headers={"Content-Disposition": f'attachment; filename="{filename}"'})
