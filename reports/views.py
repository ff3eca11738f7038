import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ammtc_tracker import pending_uploads
from ammtc_tracker.paging import EstimatingPaginator
from ammtc_tracker.spreadsheets import SpreadsheetRefused, read_upload
from priorities.models import Activity, Consultation, WorkPlan
from reports import dashboard, exports, figures, workbook
from reports.downloads import DOWNLOAD_FORMATS, report_list_download
from reports.evidence import download_response
from reports.exceptions import Conflict, EditConflict, NotPermitted, RowRefused
from reports.filters import ReportListFilter
from reports.forms import ReasonForm, ReportForm, WorkbookUploadForm
from reports.models import (
    EvidenceFile,
    IssuedDocument,
    ProgressReport,
    ReportingCycle,
    ReportTransition,
)
from reports.services import (
    discard_draft,
    move_report,
    save_report,
    save_workbook,
    start_report,
)


def _get_report_for_user(request, pk):
    """The report if ``request.user`` may see it; any other id answers 404."""
    reports = ProgressReport.objects.visible_to(request.user).select_related(
        "cycle", "activity__priority_area", "party", "created_by", "submitted_by", "reviewed_by"
    )
    return get_object_or_404(reports, pk=pk)


MY_REPORTING_PAGE = 50


@login_required
def my_reporting(request):
    """An official's cycle at a glance: one row per activity of their party, with its report."""
    if not request.user.acting_party_id:
        raise PermissionDenied(_("My reporting is for officials of a party."))
    party = request.user.party
    today = timezone.localdate()
    cycles = list(ReportingCycle.objects.filter(opens_on__lte=today).order_by("-opens_on"))
    cycle = _chosen_cycle(request, cycles)
    rows, can_start, page = [], False, None
    if cycle:
        can_start = cycle.accepts_reports_from(party)
        returns = ReportTransition.objects.filter(to_status=ProgressReport.Status.RETURNED)
        reports = (
            ProgressReport.objects.visible_to(request.user)
            .filter(cycle=cycle, party=party)
            .select_related("cycle")
            .prefetch_related(
                Prefetch("transitions", queryset=returns.order_by("-at"), to_attr="returns")
            )
        )
        activities = (
            Activity.objects.for_party(party)
            .filter(work_plan_id=cycle.work_plan_id)
            .select_related("priority_area")
            .prefetch_related(
                "lead_parties", Prefetch("reports", queryset=reports, to_attr="party_reports")
            )
            .order_by("sort_key", "id")
        )
        # A page at a time: a party may take part in thousands of activities across the plans.
        page = Paginator(activities, MY_REPORTING_PAGE).get_page(request.GET.get("page"))
        rows = [(activity, next(iter(activity.party_reports), None)) for activity in page]
    return render(
        request,
        "reports/my_reporting.html",
        {
            "party": party,
            "cycle": cycle,
            "cycles": cycles,
            "rows": rows,
            "page": page,
            "page_query": QueryDict(urlencode({"cycle": cycle.pk if cycle else ""})),
            "can_start": can_start,
            "contact": settings.SECRETARIAT_CONTACT,
        },
    )


def _chosen_cycle(request, cycles):
    """The cycle asked for, else the most recent open one, else the most recent."""
    chosen = request.GET.get("cycle")
    if chosen:
        return next((c for c in cycles if str(c.pk) == chosen), None)
    return next((c for c in cycles if not c.is_closed), cycles[0] if cycles else None)


@login_required
@require_POST
def start(request, cycle_id, activity_id):
    cycle = get_object_or_404(ReportingCycle, pk=cycle_id)
    activity = get_object_or_404(Activity, pk=activity_id)
    try:
        report = start_report(user=request.user, activity=activity, cycle=cycle)
    except Conflict as refusal:
        messages.error(request, refusal.message)
        return redirect("my_reporting")
    return redirect("report_edit", pk=report.pk)


REPORT_LIST_PAGE = 50


@login_required
def report_list(request):
    """The reports the user may see, filtered and searched, a page at a time; with
    ``?format=csv`` or ``xlsx`` the whole filtered list as a file (the API's file)."""
    reports = (
        ProgressReport.objects.visible_to(request.user)
        .select_related("cycle", "activity", "party")
        .in_list_order()
    )
    filters = ReportListFilter(request.GET, queryset=reports, user=request.user)
    # A value no choice offers (a hand-made address) is named on the form and lists nothing.
    reports = filters.qs if filters.is_valid() else reports.none()
    file_format = request.GET.get("format")
    if file_format in DOWNLOAD_FORMATS and filters.is_valid():
        return report_list_download(reports, file_format)
    # The total is estimated above COUNT_LIMIT reports (ammtc_tracker.paging).
    page = EstimatingPaginator(reports, REPORT_LIST_PAGE).get_page(request.GET.get("page"))
    return render(request, "reports/report_list.html", {"page": page, "filters": filters})


@login_required
def report_detail(request, pk):
    return _render_detail(request, _get_report_for_user(request, pk))


def _render_detail(request, report, *, reason_form=None, status=200):
    context = {
        "report": report,
        "return_reason": report.last_return(),
        "values": report.indicator_values.select_related("indicator"),
        "missing_indicators": report.activity.indicators.exclude(values__report=report),
        "files": report.evidence_files.current(),
        "timeline": report.transitions.select_related("actor"),
        "actions": report.allowed_actions(request.user),
        "can_edit": report.is_editable_by(request.user),
        "reason_form": reason_form or ReasonForm(),
    }
    return render(request, "reports/report_detail.html", context, status=status)


@login_required
@require_POST
def report_transition(request, pk, action):
    """Submit, accept, return or reopen: the model decides who may, from which state."""
    report = _get_report_for_user(request, pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        move_report(report, action, by=request.user, comment=form.cleaned_data.get("comment", ""))
    except Conflict as refusal:
        messages.error(request, refusal.message)
        return _render_detail(request, report, status=409)
    except ValidationError as error:
        if action == ProgressReport.Action.SUBMIT:
            messages.error(request, _("Not submitted: complete the fields marked below."))
            form = _report_form(report).bound_to_saved()
            form.add_domain_errors(error, report)
            return _render_form(request, report, form)
        form.add_error("comment", error.message_dict.get("comment"))
        return _render_detail(request, report, reason_form=form, status=400)
    messages.success(
        request, _("The report is now %(status)s.") % {"status": report.get_status_display()}
    )
    return redirect("report_detail", pk=pk)


@login_required
def report_edit(request, pk):
    report = _get_report_for_user(request, pk)
    try:
        report.check_editable_by(request.user)
    except Conflict as refusal:
        # In scope but no longer editable: 403, with the reason.
        raise PermissionDenied(refusal.message) from None
    if request.method != "POST":
        return _render_form(request, report, _report_form(report))
    form = _report_form(report, request.POST, request.FILES)
    if not form.is_valid():
        _ask_for_files_again(request)
        return _render_form(request, report, form)
    outcome = _save_from_form(request, report, form)
    if isinstance(outcome, HttpResponseBase):
        return outcome
    return _render_form(request, report, form, conflict=outcome)


def _report_form(report, *args):
    return ReportForm(*args, instance=report, indicators=report.activity.indicators.all())


def _render_form(request, report, form, *, conflict=None):
    context = {
        "report": report,
        "form": form,
        "conflict": conflict,
        "return_reason": report.last_return(),
        "can_start": report.cycle.accepts_reports_from(report.party),
        "contact": settings.SECRETARIAT_CONTACT,
    }
    status = 409 if conflict else 400 if form.errors else 200
    return render(request, "reports/report_form.html", context, status=status)


def _ask_for_files_again(request):
    if request.FILES:
        messages.warning(request, _("Files were not saved; please choose them again."))


def _save_from_form(request, report, form):
    """Save the draft, then submit it if asked.

    Return a response when done, else the EditConflict or None, with the errors on the form.
    """
    try:
        report = save_report(
            report=report,
            user=request.user,
            content=form.content(),
            indicator_values=form.indicator_values(),
            files=form.cleaned_data["files"],
            removed_files=form.removed_files(),
            replaced_files=form.replaced_files(),
            expected_version=form.cleaned_data["version"],
        )
    except EditConflict as conflict:
        # Keep the user's text; the next save is made knowingly over the saved version.
        _set_version(form, ProgressReport.objects.get(pk=report.pk).version)
        _ask_for_files_again(request)
        return conflict
    except ValidationError as error:
        form.add_domain_errors(error, report)
        _ask_for_files_again(request)
        return None
    if "submit" not in request.POST:
        # Stay on the form: saving is a pause in writing, not the end of it.
        messages.success(request, _("Draft saved."))
        return redirect("report_edit", pk=report.pk)
    try:
        move_report(report, ProgressReport.Action.SUBMIT, by=request.user)
    except ValidationError as error:
        _set_version(form, report.version)
        form.add_domain_errors(error, report)
        messages.warning(request, _("Draft saved, but not submitted: complete the fields marked."))
        return None
    except (NotPermitted, Conflict) as refusal:
        messages.error(
            request, _("Draft saved, but not submitted: %(why)s") % {"why": refusal.message}
        )
        return redirect("report_detail", pk=report.pk)
    messages.success(request, _("The report was submitted to the secretariat."))
    return redirect("report_detail", pk=report.pk)


def _set_version(form, version):
    form.data = form.data.copy()
    form.data["version"] = version


@login_required
def report_discard(request, pk):
    """Ask, then delete a draft that was never submitted (the history keeps the deletion)."""
    report = _get_report_for_user(request, pk)
    try:
        report.check_editable_by(request.user)
    except Conflict as refusal:
        raise PermissionDenied(refusal.message) from None
    if request.method == "POST":
        try:
            discard_draft(report=report, user=request.user)
        except Conflict as refusal:
            messages.error(request, refusal.message)
            return redirect("report_detail", pk=pk)
        messages.success(
            request,
            _("The draft on %(activity)s was discarded.") % {"activity": report.activity.code},
        )
        return redirect("my_reporting")
    return render(request, "reports/report_discard.html", {"report": report})


@login_required
def evidence_download(request, pk, file_id):
    report = _get_report_for_user(request, pk)
    # A removed file stays on the record for the secretariat; the others see current files.
    files = EvidenceFile.objects if request.user.is_secretariat else EvidenceFile.objects.current()
    return download_response(get_object_or_404(files, pk=file_id, report=report))


@login_required
def consultation_documents(request, pk):
    """The documents given to a consultation, for everyone who may read them."""
    consultation = get_object_or_404(Consultation.objects.select_related("host"), pk=pk)
    documents = (
        IssuedDocument.objects.visible_to(request.user)
        .filter(consultation=consultation)
        .select_related("cycle")
    )
    cycles = consultation.reporting_cycles.order_by("-period_start")
    return render(
        request,
        "reports/consultation_documents.html",
        {"consultation": consultation, "documents": documents, "cycles": cycles},
    )


@login_required
def issued_document(request, pk, document_id):
    """An issued document, byte for byte as it was given to the meeting."""
    document = get_object_or_404(
        IssuedDocument.objects.visible_to(request.user), pk=document_id, consultation_id=pk
    )
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.filename,
        content_type=exports.FORMATS[document.format].content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def cycle_changes(request, pk):
    """What changed in a cycle since the one before, from the reports the user may see."""
    cycle = get_object_or_404(ReportingCycle, pk=pk)
    previous = cycle.previous()
    changes = figures.changes_between(cycle, previous, request.user) if previous else []
    return render(
        request,
        "reports/cycle_changes.html",
        {
            "cycle": cycle,
            "previous": previous,
            "changes": changes,
            "counts": figures.change_counts(changes),
            "status_labels": dict(ProgressReport.Implementation.choices),
        },
    )


def activity_list(request):
    """The current plan's activities, a page at a time (optionally one priority area's), each
    with its lead and participating parties and links to the reports accepted on it in the
    chosen cycle (by default the latest with accepted reports)."""
    plan = WorkPlan.objects.first()
    areas = list(plan.priority_areas.order_by("number")) if plan else []
    area = next((a for a in areas if str(a.number) == request.GET.get("area")), None)
    cycles = list(ReportingCycle.objects.filter(work_plan=plan).order_by("-period_start", "-id"))
    cycle = dashboard.chosen_cycle(request, cycles)
    activities = Activity.objects.filter(work_plan=plan).select_related("priority_area")
    if area:
        activities = activities.filter(priority_area=area)
    accepted = (
        ProgressReport.objects.visible_to(request.user)
        .accepted()
        .filter(cycle=cycle)
        .select_related("party")
        .only("activity_id", "party__code", "party__name")
        .order_by("party__name")
    )
    activities = activities.order_by("sort_key", "id").prefetch_related(
        "lead_parties",
        "participating_parties",
        Prefetch("reports", queryset=accepted, to_attr="accepted_reports"),
    )
    page = Paginator(activities, 50).get_page(request.GET.get("page"))
    context = {
        "plan": plan,
        "areas": areas,
        "area": area,
        "cycles": cycles,
        "cycle": cycle,
        "page": page,
        "page_query": QueryDict(
            urlencode({"area": area.number if area else "", "cycle": cycle.pk if cycle else ""})
        ),
    }
    return render(request, "reports/activity_list.html", context)


# --- The offline workbook: download, upload, preview, confirm ------------------------------

WORKBOOK = "workbook"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _official_party(request):
    if not request.user.acting_party_id:
        raise PermissionDenied(_("The offline workbook is for officials of a party."))
    return request.user.party


def _my_reporting_url(cycle):
    return f"{reverse('my_reporting')}?cycle={cycle.pk}"


@login_required
def workbook_download(request):
    """The workbook of the official's party for a cycle it may file in now."""
    party = _official_party(request)
    cycle_id = request.GET.get("cycle", "")
    cycle = get_object_or_404(ReportingCycle, pk=cycle_id if cycle_id.isdigit() else None)
    try:
        cycle.check_accepts_reports_from(party)
    except Conflict as refusal:
        messages.error(request, refusal.message)
        return redirect(_my_reporting_url(cycle))
    content = workbook.build_workbook(party=party, cycle=cycle)
    response = HttpResponse(content, content_type=XLSX)
    filename = f"ammtc-{party.code}-{slugify(cycle.title)}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def workbook_upload(request):
    """Read an uploaded workbook and keep it for the preview; write nothing."""
    party = _official_party(request)
    form = WorkbookUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_refused(request, form, None)
    cycle = get_object_or_404(ReportingCycle, pk=form.cleaned_data["cycle"])
    upload = form.cleaned_data["workbook"]
    try:
        cycle.check_accepts_reports_from(party)
        content = read_upload(upload, max_bytes=settings.SPREADSHEET_MAX_BYTES)
        parsed = workbook.read_workbook(
            content,
            party=party,
            cycle=cycle,
            sha256=hashlib.sha256(content).hexdigest(),
            filename=upload.name[:200],
        )
    except (Conflict, SpreadsheetRefused) as refusal:
        form.add_error("workbook", refusal.message)
        return _upload_refused(request, form, cycle)
    token = pending_uploads.keep(request, WORKBOOK, {"upload": parsed.to_json()})
    return redirect(f"{reverse('workbook_preview')}?upload={token}")


def _upload_refused(request, form, cycle):
    context = {"form": form, "cycle": cycle}
    return render(request, "reports/workbook_upload.html", context, status=400)


def _pending_workbook(request, token, party):
    """The kept upload and its cycle, or None when it was saved already or has expired."""
    data = pending_uploads.get(request, WORKBOOK, token)
    if data is None or data["upload"]["party_id"] != party.pk:
        return None, None, None
    upload = workbook.Upload.from_json(data["upload"])
    return data, upload, get_object_or_404(ReportingCycle, pk=upload.cycle_id)


def _upload_gone(request):
    messages.error(
        request, _("This upload was saved already or has expired. Upload the workbook again.")
    )
    return redirect("my_reporting")


@login_required
def workbook_preview(request):
    """Per row, what saving would change (old -> new), and every problem; writes nothing."""
    party = _official_party(request)
    token = request.GET.get("upload", "")
    data, upload, cycle = _pending_workbook(request, token, party)
    if data is None:
        return _upload_gone(request)
    result = workbook.preview(upload, party=party, cycle=cycle)
    # What the user sees now is what confirming may overwrite, and nothing saved after it.
    pending_uploads.update(request, WORKBOOK, token, {**data, "seen": result.seen_versions})
    context = {
        "upload": upload,
        "token": token,
        "cycle": cycle,
        "party": party,
        "preview": result,
        "counts": {
            outcome: result.count(outcome) for outcome in ("new", "change", "same", "locked")
        },
    }
    return render(request, "reports/workbook_preview.html", context)


@login_required
@require_POST
def workbook_confirm(request):
    """Save the previewed rows as drafts, all or none, if nothing changed since the preview."""
    party = _official_party(request)
    token = request.POST.get("upload", "")
    data, upload, cycle = _pending_workbook(request, token, party)
    if data is None or "seen" not in data:
        return _upload_gone(request)
    preview_url = f"{reverse('workbook_preview')}?upload={token}"
    result = workbook.preview(upload, party=party, cycle=cycle)
    if result.problems:
        messages.error(request, _("Nothing was saved: the workbook has problems."))
        return redirect(preview_url)
    result.expect_versions(data["seen"])
    try:
        cycle.check_accepts_reports_from(party)
        saved = save_workbook(user=request.user, cycle=cycle, rows=result.to_save)
    except RowRefused as refusal:
        messages.error(
            request,
            _(
                "Nothing was saved. %(why)s The preview now shows the reports as they are; "
                "check it and confirm again."
            )
            % {"why": refusal.message},
        )
        return redirect(preview_url)
    except Conflict as refusal:
        messages.error(request, refusal.message)
        return redirect(_my_reporting_url(cycle))
    pending_uploads.discard(request, WORKBOOK, token)
    messages.success(
        request,
        ngettext(
            "%(count)s report saved as a draft from the workbook.",
            "%(count)s reports saved as drafts from the workbook.",
            saved,
        )
        % {"count": saved},
    )
    return redirect(_my_reporting_url(cycle))
