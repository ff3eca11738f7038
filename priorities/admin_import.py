"""The secretariat's work-plan import in the admin: on a work plan's page, "Import activities"
(upload an XLSX or CSV matrix), a preview of what each row would do with every problem named
by row and column, then "Import" (all rows or none). The template file is offered there."""

import hashlib

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ammtc_tracker import pending_uploads
from ammtc_tracker.spreadsheets import SpreadsheetRefused, read_upload
from priorities.imports import (
    ImportRefused,
    Matrix,
    import_activities,
    plan_import,
    read_matrix,
    template_workbook,
)

PLAN_IMPORT = "plan-import"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What an import writes; the secretariat's role carries these (ammtc_tracker/roles.py).
IMPORT_PERMISSIONS = (
    "priorities.add_activity",
    "priorities.change_activity",
    "priorities.add_indicator",
    "priorities.change_indicator",
)


class MatrixUploadForm(forms.Form):
    matrix = forms.FileField(
        label=gettext_lazy("Activities (XLSX or CSV)"),
        help_text=gettext_lazy("One row per activity, with the template's headings."),
    )


class PlanImportAdminMixin:
    """Adds the import of activities to the work plan's admin page."""

    change_form_template = "admin/priorities/workplan/change_form.html"

    def get_urls(self):
        views = [
            ("", self.import_view, "import"),
            ("preview/", self.import_preview_view, "import_preview"),
            ("confirm/", self.import_confirm_view, "import_confirm"),
            ("template/", self.import_template_view, "import_template"),
        ]
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(f"<int:object_id>/import/{suffix}", self._importer(view), name=f"{info}_{name}")
            for suffix, view, name in views
        ] + super().get_urls()

    def _importer(self, view):
        protected = self.admin_site.admin_view(view)

        def import_view(request, *args, **kwargs):
            # Signed-in officials and readers are told no (403) rather than sent to log in.
            user = request.user
            if user.is_authenticated and not (
                user.is_secretariat and user.has_perms(IMPORT_PERMISSIONS)
            ):
                raise PermissionDenied(_("Only the secretariat imports work plans."))
            return protected(request, *args, **kwargs)

        return import_view

    def _url(self, name, plan):
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_{name}", args=[plan.pk])

    def _context(self, request, plan, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.opts,
            "original": plan,
            "template_url": self._url("import_template", plan),
            **extra,
        }

    def import_view(self, request, object_id):
        plan = get_object_or_404(self.model, pk=object_id)
        form = MatrixUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                matrix = _read(form.cleaned_data["matrix"])
            except SpreadsheetRefused as refusal:
                form.add_error("matrix", refusal.message)
            else:
                token = pending_uploads.keep(
                    request, PLAN_IMPORT, {"plan": plan.pk, "matrix": matrix.to_json()}
                )
                return redirect(f"{self._url('import_preview', plan)}?upload={token}")
        title = _("Import activities into %(plan)s") % {"plan": plan}
        context = self._context(request, plan, title, form=form)
        status = 400 if form.errors else 200
        return TemplateResponse(request, "admin/priorities/import.html", context, status=status)

    def _pending(self, request, plan, token):
        data = pending_uploads.get(request, PLAN_IMPORT, token)
        if data is None or data["plan"] != plan.pk:
            return None
        return Matrix.from_json(data["matrix"])

    def _gone(self, request, plan):
        messages.error(
            request, _("This file was imported already or has expired; upload it again.")
        )
        return redirect(self._url("import", plan))

    def import_preview_view(self, request, object_id):
        plan = get_object_or_404(self.model, pk=object_id)
        token = request.GET.get("upload", "")
        matrix = self._pending(request, plan, token)
        if matrix is None:
            return self._gone(request, plan)
        result = plan_import(matrix, plan=plan)
        title = _("Check the import into %(plan)s") % {"plan": plan}
        context = self._context(
            request,
            plan,
            title,
            matrix=matrix,
            result=result,
            token=token,
            counts={outcome: result.count(outcome) for outcome in ("new", "update", "same")},
            confirm_url=self._url("import_confirm", plan),
            upload_url=self._url("import", plan),
        )
        return TemplateResponse(request, "admin/priorities/import_preview.html", context)

    @method_decorator(require_POST)
    def import_confirm_view(self, request, object_id):
        plan = get_object_or_404(self.model, pk=object_id)
        token = request.POST.get("upload", "")
        matrix = self._pending(request, plan, token)
        if matrix is None:
            return self._gone(request, plan)
        try:
            result = import_activities(matrix=matrix, plan=plan, user=request.user)
        except ImportRefused:
            messages.error(request, _("Nothing was imported: the file has problems."))
            return redirect(f"{self._url('import_preview', plan)}?upload={token}")
        except IntegrityError:
            # Another import (or an edit) added one of these codes since the preview.
            messages.error(
                request, _("Nothing was imported: the plan changed meanwhile. Check again.")
            )
            return redirect(f"{self._url('import_preview', plan)}?upload={token}")
        pending_uploads.discard(request, PLAN_IMPORT, token)
        messages.success(
            request,
            _("Imported: %(new)s new activities, %(updated)s updated, %(same)s unchanged.")
            % {
                "new": result.count("new"),
                "updated": result.count("update"),
                "same": result.count("same"),
            },
        )
        changelist = reverse("admin:priorities_activity_changelist")
        return redirect(f"{changelist}?work_plan__id__exact={plan.pk}")

    def import_template_view(self, request, object_id):
        plan = get_object_or_404(self.model, pk=object_id)
        response = HttpResponse(template_workbook(plan), content_type=XLSX)
        filename = f"activities-{slugify(str(plan))}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


def _read(upload):
    content = read_upload(upload, max_bytes=settings.SPREADSHEET_MAX_BYTES)
    sha256 = hashlib.sha256(content).hexdigest()
    return read_matrix(content, filename=upload.name[:200], sha256=sha256)
