"""The secretariat's document desk in the admin: "Prepare documents" on a reporting cycle's and
on a consultation's page (choose, preview in HTML, download), "Issue to the meeting", and the
issued documents listed on both pages. Only the secretariat may prepare or issue; officials and
readers download issued documents from the site (``reports.views``)."""

from functools import wraps

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from priorities.admin import ConsultationAdmin
from priorities.models import Consultation
from reports import exports, figures
from reports.documents import build_document, default_level
from reports.exceptions import Conflict, NotPermitted
from reports.exports.html import STYLE_HASH
from reports.forms import DocumentForm
from reports.models import IssuedDocument, ReportingCycle
from reports.services import issue_document


def download_link(document):
    # The site's download view, which checks who may read issued documents.
    url = reverse("issued_document", args=[document.consultation_id, document.pk])
    return format_html('<a href="{}">{}</a>', url, document.filename)


class IssuedDocumentInline(admin.TabularInline):
    """The documents given to a meeting; read-only, never deleted."""

    model = IssuedDocument
    fields = ["download", "consultation", "cycle", "level", "format", "language"]
    fields += ["include_pending"]
    fields += ["size", "sha256", "issued_by", "issued_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = gettext_lazy("documents issued to the meeting")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("file"))
    def download(self, document):
        return download_link(document)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("consultation", "cycle", "issued_by")


class DocumentsAdminMixin:
    """Adds the document desk to the change page of the model that names a cycle or a meeting."""

    change_form_template = "admin/reports/documents_change_form.html"

    def document_form(self, request, obj, data):
        raise NotImplementedError

    def get_urls(self):
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        views = [
            ("", self.documents_view, "documents"),
            ("preview/", _in_document_language(self.preview_view), "documents_preview"),
            ("download/", _in_document_language(self.download_view), "documents_download"),
            ("issue/", _in_document_language(self.issue_view), "documents_issue"),
        ]
        return [
            path(
                f"<int:object_id>/documents/{suffix}",
                self._for_secretariat(view),
                name=f"{info}_{name}",
            )
            for suffix, view, name in views
        ] + super().get_urls()

    def _for_secretariat(self, view):
        protected = self.admin_site.admin_view(view)

        def secretariat_view(request, *args, **kwargs):
            # Signed-in officials and readers are told no (403) rather than sent to log in.
            if request.user.is_authenticated and not request.user.is_secretariat:
                raise PermissionDenied(_("Only the secretariat prepares consultation documents."))
            return protected(request, *args, **kwargs)

        return secretariat_view

    def _url(self, name, obj):
        info = f"admin:{self.opts.app_label}_{self.opts.model_name}"
        return reverse(f"{info}_{name}", args=[obj.pk])

    def documents_view(self, request, object_id):
        obj = get_object_or_404(self.model, pk=object_id)
        form = self.document_form(request, obj, request.GET or None)
        cycle, include_pending = _cycle_and_pending(form)
        if cycle is not None:
            options = {"include_pending": include_pending}
            candidates = figures.key_point_candidates(cycle, request.user, **options)
            points = figures.key_points(cycle, request.user, **options)
            form.offer_key_points(cycle, candidates, points)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Prepare documents: %(object)s") % {"object": obj},
            "opts": self.opts,
            "original": obj,
            "form": form,
            "cycle": cycle,
            "urls": {name: self._url(name, obj) for name in self._document_url_names()},
            "issued": self._issued(obj),
        }
        return TemplateResponse(request, "admin/reports/prepare_documents.html", context)

    @staticmethod
    def _document_url_names():
        return ["documents", "documents_preview", "documents_download", "documents_issue"]

    def _issued(self, obj):
        raise NotImplementedError

    def _prepared(self, request, object_id, data):
        """The valid form and its document, or (form, None) when the choice is not valid."""
        obj = get_object_or_404(self.model, pk=object_id)
        form = self.document_form(request, obj, data)
        if not form.is_valid():
            return obj, form, None
        choice = form.cleaned_data
        document = build_document(
            cycle=choice["cycle"],
            user=request.user,
            level=choice["level"],
            include_pending=choice["include_pending"],
            consultation=choice["consultation"],
            **form.key_point_choice(choice["cycle"]),
        )
        return obj, form, document

    def _back_with_errors(self, request, obj, form):
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else field
            self.message_user(request, f"{label}: {' '.join(errors)}", messages.ERROR)
        return redirect(self._url("documents", obj))

    def preview_view(self, request, object_id):
        obj, form, document = self._prepared(request, object_id, request.GET)
        if document is None:
            return self._back_with_errors(request, obj, form)
        return _preview(exports.render(document, "html"))

    def download_view(self, request, object_id):
        obj, form, document = self._prepared(request, object_id, request.GET)
        if document is None:
            return self._back_with_errors(request, obj, form)
        file_format = form.cleaned_data["format"]
        extension = exports.FORMATS[file_format]
        response = HttpResponse(
            exports.render(document, file_format), content_type=extension.content_type
        )
        filename = document.filename(extension.extension)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def issue_view(self, request, object_id):
        """GET: what will be issued, to confirm. POST: issue it, once and for all."""
        data = request.POST if request.method == "POST" else request.GET
        obj = get_object_or_404(self.model, pk=object_id)
        form = self.document_form(request, obj, data)
        if not form.is_valid():
            return self._back_with_errors(request, obj, form)
        choice = form.cleaned_data
        if choice["consultation"] is None:
            self.message_user(
                request, _("Choose the consultation the document is issued to."), messages.ERROR
            )
            return redirect(self._url("documents", obj))
        if request.method != "POST":
            context = {
                **self.admin_site.each_context(request),
                "title": _("Issue to the meeting"),
                "opts": self.opts,
                "original": obj,
                "choice": choice,
                "level": IssuedDocument.Level(choice["level"]).label,
                "format": IssuedDocument.Format(choice["format"]).label,
                "fields": [(name, value) for name in data for value in data.getlist(name)],
                "action": self._url("documents_issue", obj),
                "back": self._url("documents", obj),
            }
            return TemplateResponse(request, "admin/reports/issue_document.html", context)
        try:
            issued = issue_document(
                consultation=choice["consultation"],
                cycle=choice["cycle"],
                level=choice["level"],
                file_format=choice["format"],
                user=request.user,
                include_pending=choice["include_pending"],
                **form.key_point_choice(choice["cycle"]),
            )
        except (Conflict, NotPermitted) as refusal:
            self.message_user(request, refusal.message, messages.ERROR)
            return redirect(self._url("documents", obj))
        self.message_user(
            request,
            _("Issued %(file)s to the %(meeting)s (SHA-256 %(sha)s).")
            % {"file": issued.filename, "meeting": issued.consultation.name, "sha": issued.sha256},
            messages.SUCCESS,
        )
        consultation_page = reverse(
            "admin:priorities_consultation_change", args=[issued.consultation_id]
        )
        return redirect(consultation_page)


def _in_document_language(view):
    """``view`` in the language chosen on the documents form (if offered): the document's fixed
    text and its figures' labels, which are put into words as the document is built."""

    @wraps(view)
    def in_language(request, *args, **kwargs):
        data = request.POST if request.method == "POST" else request.GET
        chosen = data.get("language", "")
        language = chosen if chosen in dict(settings.LANGUAGES) else translation.get_language()
        with translation.override(language):
            return view(request, *args, **kwargs)

    return in_language


def _cycle_and_pending(form):
    """The cycle (and pending option) whose key points the page offers."""
    if form.is_bound:
        if form.is_valid():
            return form.cleaned_data["cycle"], form.cleaned_data["include_pending"]
        return None, False
    return form.initial.get("cycle"), False


def _preview(content):
    response = HttpResponse(content, content_type=exports.FORMATS["html"].content_type)
    # The page carries its own print stylesheet: the content security policy allows that exact
    # stylesheet (by its hash), as django-csp's csp_update decorator would.
    response._csp_update = {"style-src": [STYLE_HASH]}
    return response


class ReportingCycleDocumentsMixin(DocumentsAdminMixin):
    def document_form(self, request, cycle, data):
        consultations = cycle.consultations.order_by("date", "series")
        first = consultations.first()
        return DocumentForm(
            data,
            cycles=ReportingCycle.objects.filter(pk=cycle.pk),
            consultations=consultations,
            initial={"cycle": cycle, "consultation": first, "level": default_level(first)},
        )

    def _issued(self, cycle):
        return cycle.issued_documents.select_related("consultation", "issued_by")


class ConsultationWithDocumentsAdmin(DocumentsAdminMixin, ConsultationAdmin):
    """The plan's consultation admin, with the documents issued to each meeting."""

    inlines = [IssuedDocumentInline]
    list_display = [*ConsultationAdmin.list_display, "is_sample"]
    list_filter = [*ConsultationAdmin.list_filter, "is_sample"]

    def document_form(self, request, consultation, data):
        cycles = consultation.reporting_cycles.order_by("-period_start")
        return DocumentForm(
            data,
            cycles=cycles,
            consultations=Consultation.objects.filter(pk=consultation.pk),
            initial={
                "cycle": cycles.first(),
                "consultation": consultation,
                "level": default_level(consultation),
            },
        )

    def _issued(self, consultation):
        return consultation.issued_documents.select_related("cycle", "issued_by")


class IssuedDocumentAdmin(admin.ModelAdmin):
    """Every document given to a meeting: read-only, never changed or deleted."""

    list_display = ["filename_link", "consultation", "cycle", "level", "format", "language"]
    list_display += ["issued_by", "issued_at"]
    list_filter = ["level", "format", "language", "consultation", "cycle"]
    list_select_related = ["consultation", "cycle", "issued_by"]
    search_fields = ["filename", "sha256"]
    fields = ["filename_link", "consultation", "cycle", "level", "format", "language"]
    fields += ["include_pending"]
    fields += ["size", "sha256", "issued_by", "issued_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("file"), ordering="filename")
    def filename_link(self, document):
        return download_link(document)
