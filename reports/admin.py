from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ammtc_tracker.history import HistoryAdmin, ReadOnlyHistoryMixin
from priorities.models import Consultation
from reports import converters  # noqa: F401  (registers the action converters)
from reports.admin_compliance import ComplianceScreenMixin
from reports.admin_documents import (
    ConsultationWithDocumentsAdmin,
    IssuedDocumentAdmin,
    IssuedDocumentInline,
    ReportingCycleDocumentsMixin,
)
from reports.exceptions import Conflict, NotPermitted
from reports.models import (
    EvidenceFile,
    IndicatorValue,
    IssuedDocument,
    ProgressReport,
    ReportingCycle,
    ReportTransition,
    SentReminder,
    SubmissionWaiver,
    SubmittedReport,
)
from reports.services import move_report


class SubmissionWaiverInline(admin.TabularInline):
    model = SubmissionWaiver
    fields = ["party", "reason", "granted_by", "granted_at"]
    readonly_fields = ["granted_by", "granted_at"]
    autocomplete_fields = ["party"]
    extra = 0


@admin.register(ReportingCycle)
class ReportingCycleAdmin(ComplianceScreenMixin, ReportingCycleDocumentsMixin, HistoryAdmin):
    list_display = [
        "title",
        "work_plan",
        "period_start",
        "period_end",
        "opens_on",
        "deadline",
        "closed_at",
    ]
    list_filter = ["work_plan"]
    list_select_related = ["work_plan"]
    search_fields = ["title"]
    filter_horizontal = ["consultations"]
    inlines = [SubmissionWaiverInline, IssuedDocumentInline]

    def save_formset(self, request, form, formset, change):
        for waiver in formset.save(commit=False):
            if waiver.granted_by_id is None:
                waiver.granted_by = request.user
            waiver.save()
        for waiver in formset.deleted_objects:
            waiver.delete()


class ReadOnlyInline(admin.TabularInline):
    """A report's child rows, written only through the workflow."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class IndicatorValueInline(ReadOnlyInline):
    model = IndicatorValue
    fields = ["indicator", "value", "note"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("indicator")


class ReportTransitionInline(ReadOnlyInline):
    model = ReportTransition
    fields = ["at", "actor", "from_status", "to_status", "comment"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class EvidenceFileInline(ReadOnlyInline):
    model = EvidenceFile
    fields = ["download", "content_type", "size", "sha256", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    @admin.display(description=_("file"))
    def download(self, evidence):
        if evidence.pk is None:
            return "-"
        # The site's download view, which checks who may see the report.
        url = reverse("evidence_download", args=[evidence.report_id, evidence.pk])
        return format_html('<a href="{}">{}</a>', url, evidence.original_name)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by")


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyHistoryMixin, HistoryAdmin):
    """Read-only reports, with the review buttons (accept, return, reopen) on each one."""

    change_form_template = "admin/reports/progressreport/change_form.html"
    actions = ["accept_selected"]
    list_display = [
        "activity_code",
        "party",
        "cycle",
        "status",
        "implementation_status",
        "percent_complete",
        "is_late",
        "submitted_at",
        "sample",
    ]
    list_filter = [
        "status",
        "implementation_status",
        "is_late",
        "cycle",
        "party",
        "activity__priority_area",
    ]
    list_select_related = ["activity", "party", "cycle"]
    search_fields = ["activity__code", "activity__title", "achievements", "party__name"]
    inlines = [IndicatorValueInline, EvidenceFileInline, ReportTransitionInline]
    # Reports are written by officials and moved by the workflow; the admin only reads them.
    readonly_fields = [
        "cycle",
        "activity",
        "party",
        "status",
        *ProgressReport.CONTENT_FIELDS,
        "created_by",
        "created_at",
        "updated_at",
        "submitted_by",
        "submitted_at",
        "is_late",
        "reviewed_by",
        "reviewed_at",
        "version",
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("activity"), ordering="activity__code")
    def activity_code(self, report):
        return report.activity.code

    @admin.display(description=_("sample"), boolean=True, ordering="activity__is_sample")
    def sample(self, report):
        return report.activity.is_sample

    def get_urls(self):
        review = self.admin_site.admin_view(require_POST(self.review_view))
        name = f"{self.opts.app_label}_{self.opts.model_name}_review"
        return [
            path("<int:pk>/review/<review_action:action>/", review, name=name),
            *super().get_urls(),
        ]

    def get_queryset(self, request):
        # The one access rule: the admin reads reports through it like every other screen.
        return super().get_queryset(request).visible_to(request.user)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["review_actions"] = [
            (action, ProgressReport.Action(action).label)
            for action in obj.allowed_actions(request.user)
            if action in ProgressReport.REVIEW_ACTIONS
        ]
        context["review_url_name"] = f"admin:{self.opts.app_label}_{self.opts.model_name}_review"
        return super().render_change_form(request, context, add, change, form_url, obj)

    def review_view(self, request, pk, action):
        """Accept, return or reopen one report through the model's transition."""
        report = get_object_or_404(self.get_queryset(request), pk=pk)
        try:
            move_report(report, action, by=request.user, comment=request.POST.get("comment", ""))
        except Conflict as refusal:
            self.message_user(request, refusal.message, messages.ERROR)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(
                request,
                _("%(report)s is now %(status)s.")
                % {"report": report, "status": report.get_status_display()},
                messages.SUCCESS,
            )
            return redirect(
                reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
            )
        return redirect(
            reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[pk])
        )

    @admin.action(description=_("Accept the selected reports"))
    def accept_selected(self, request, queryset):
        accepted, refused = 0, []
        for report in queryset.select_related("activity", "party", "cycle"):
            try:
                move_report(report, ProgressReport.Action.ACCEPT, by=request.user)
                accepted += 1
            except (NotPermitted, Conflict) as refusal:
                refused.append(f"{report}: {refusal.message}")
        if accepted:
            self.message_user(
                request,
                ngettext("Accepted %d report.", "Accepted %d reports.", accepted) % accepted,
                messages.SUCCESS,
            )
        for line in refused:
            self.message_user(request, line, messages.ERROR)


@admin.register(SubmittedReport)
class SubmittedReportAdmin(ProgressReportAdmin):
    """The review queue: submitted reports, oldest first."""

    list_display = ["activity_code", "party", "cycle", "submitted_at", "is_late", "sample"]
    list_filter = ["activity__priority_area", "party", "is_late", "cycle"]
    ordering = ["submitted_at"]

    def history_view(self, request, object_id, extra_context=None):
        # The history is kept on the report itself, not on this view of it.
        return redirect(reverse("admin:reports_progressreport_history", args=[object_id]))

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            return super().history_form_view(request, object_id, version_id, extra_context)
        return redirect(
            reverse("admin:reports_progressreport_simple_history", args=[object_id, version_id])
        )


@admin.register(SubmissionWaiver)
class SubmissionWaiverAdmin(HistoryAdmin):
    list_display = ["party", "cycle", "granted_by", "granted_at"]
    list_select_related = ["party", "cycle", "granted_by"]
    list_filter = ["cycle", "party"]
    search_fields = ["party__name", "reason"]
    autocomplete_fields = ["party"]
    readonly_fields = ["granted_by", "granted_at"]

    def save_model(self, request, obj, form, change):
        if obj.granted_by_id is None:
            obj.granted_by = request.user
        super().save_model(request, obj, form, change)


# The consultation's page lists the documents issued to it; priorities knows nothing of reports,
# so the reports app extends the plan's consultation admin here.
admin.site.unregister(Consultation)
admin.site.register(Consultation, ConsultationWithDocumentsAdmin)
admin.site.register(IssuedDocument, IssuedDocumentAdmin)


@admin.register(SentReminder)
class SentReminderAdmin(admin.ModelAdmin):
    """What send_reminders sent, for answering "was I reminded?"; written only by the command."""

    list_display = ["sent_at", "recipient", "email", "kind", "cycle", "occasion"]
    list_filter = ["kind", "cycle", "occasion"]
    list_select_related = ["recipient", "cycle"]
    search_fields = ["recipient__username", "email", "listed"]
    readonly_fields = ["kind", "cycle", "recipient", "occasion", "email", "listed", "sent_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
