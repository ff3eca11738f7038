from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ammtc_tracker.history import HistoryAdmin, ReadOnlyHistoryMixin
from ammtc_tracker.paging import EstimatingPaginator
from priorities.models import Consultation
from reports import (
    converters,  # noqa: F401  (registers the action converters)
    figures,
)
from reports.admin_compliance import ComplianceScreenMixin
from reports.admin_documents import (
    ConsultationWithDocumentsAdmin,
    IssuedDocumentAdmin,
    IssuedDocumentInline,
    ReportingCycleDocumentsMixin,
)
from reports.exceptions import Conflict, NotPermitted
from reports.history import audit_trail, changes_since_return
from reports.models import (
    IssuedDocument,
    ProgressReport,
    ReportingCycle,
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
    list_display = ["title", "period", "opens_on", "deadline", "closed_at"]
    list_filter = ["work_plan"]
    search_fields = ["title"]
    # Checkboxes, not filter_horizontal: its SelectFilter2 widget puts aria-label on a span
    # (axe aria-prohibited-attr, serious); its labelling is Django ticket #34619.
    formfield_overrides = {
        models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple},
    }
    inlines = [SubmissionWaiverInline, IssuedDocumentInline]

    @admin.display(description=_("period covered"), ordering="period_start")
    def period(self, cycle):
        return _("%(start)s to %(end)s") % {
            "start": date_format(cycle.period_start),
            "end": date_format(cycle.period_end),
        }

    def save_formset(self, request, form, formset, change):
        for waiver in formset.save(commit=False):
            if waiver.granted_by_id is None:
                waiver.granted_by = request.user
            waiver.save()
        for waiver in formset.deleted_objects:
            waiver.delete()


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyHistoryMixin, HistoryAdmin):
    """Read-only reports. Each report's page is the review page: the report first (content,
    indicators, evidence, timeline, what changed since it was returned), then the decision."""

    change_form_template = "admin/reports/progressreport/change_form.html"
    actions = ["accept_selected"]
    list_display = ["activity_code", "party", "cycle", "workflow", "progress", "submitted"]
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
    # One count per page (the filtered one), not a second of every report; rows rendered
    # cell by cell (and a checkbox widget each), so half Django's default page.
    show_full_result_count = False
    list_per_page = 50
    # Counted up to COUNT_LIMIT reports, estimated above (ammtc_tracker.paging).
    paginator = EstimatingPaginator
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

    @admin.display(description=_("activity"), ordering="activity__sort_key")
    def activity_code(self, report):
        if report.activity.is_sample:
            return format_html(
                '{} <span class="sample">{}</span>', report.activity.code, _("SAMPLE")
            )
        return report.activity.code

    @admin.display(description=_("workflow status"), ordering="status")
    def workflow(self, report):
        if report.submitted_at is None:
            return report.get_status_display()
        return f"{report.get_status_display()} ({report.timeliness_display()})"

    @admin.display(description=_("implementation"), ordering="percent_complete")
    def progress(self, report):
        if report.percent_complete is None:
            return report.get_implementation_status_display() or "-"
        return f"{report.get_implementation_status_display()}, {report.percent_complete}%"

    @admin.display(description=_("submitted"), ordering="submitted_at")
    def submitted(self, report):
        return date_format(timezone.localdate(report.submitted_at)) if report.submitted_at else "-"

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
        context.update(self.review_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def review_context(self, request, report):
        """What the review page shows, in the order a reviewer reads it."""
        previous_cycle = report.cycle.previous()
        return {
            "report": report,
            "previous_cycle": previous_cycle,
            "indicators": figures.report_indicators(
                report, request.user, previous_cycle=previous_cycle
            ),
            "changes": changes_since_return(report),
            "files": report.evidence_files.select_related("uploaded_by", "removed_by"),
            "timeline": report.transitions.select_related("actor"),
            "review_actions": [
                (action, ProgressReport.Action(action).label)
                for action in report.allowed_actions(request.user)
                if action in ProgressReport.REVIEW_ACTIONS
            ],
            "review_url_name": f"admin:{self.opts.app_label}_{self.opts.model_name}_review",
        }

    def get_object(self, request, object_id, from_field=None):
        # The review page reads the report's related rows; load them with it.
        queryset = self.get_queryset(request).select_related(
            "activity__priority_area",
            "party",
            "cycle",
            "created_by",
            "submitted_by",
            "reviewed_by",
        )
        model = queryset.model
        try:
            return queryset.get(pk=model._meta.pk.to_python(object_id))
        except (model.DoesNotExist, ValidationError, ValueError):
            return None

    def history_view(self, request, object_id, extra_context=None):
        """The report's audit trail: every change to it, its indicator values and its files,
        in full, with who made it and when; also for a discarded draft (secretariat only)."""
        self._check_id(object_id)
        report = self.get_object(request, unquote(object_id))
        rows = ProgressReport.history.filter(id=unquote(object_id))
        if report is None and not (request.user.is_secretariat and rows.exists()):
            raise Http404
        if not self.has_view_or_change_permission(request, report):
            raise PermissionDenied
        latest = report or rows.latest("history_date")
        context = {
            **self.admin_site.each_context(request),
            "title": _("History: %(report)s") % {"report": latest},
            "subtitle": None,
            "opts": self.opts,
            "object": report,
            "discarded": report is None,
            "entries": audit_trail(latest.id),
        }
        return TemplateResponse(
            request, "admin/reports/progressreport/object_history.html", context
        )

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

    list_display = ["activity_code", "party", "cycle", "submitted", "timeliness"]
    list_filter = ["activity__priority_area", "party", "is_late", "cycle"]
    # Total (no "-pk" added by the admin), so the progressreport_review_queue index serves it.
    ordering = ["submitted_at", "id"]

    @admin.display(description=_("on time?"), ordering="is_late")
    def timeliness(self, report):
        return report.timeliness_display()

    def changelist_view(self, request, extra_context=None):
        title = _("Reports awaiting review, the oldest first")
        return super().changelist_view(request, {"title": title, **(extra_context or {})})

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
