"""Workflows that touch several models: starting, saving and discarding a report, its evidence
files, moving a report along the workflow, and issuing a consultation document.

The transitions (submit, accept, return, reopen) are ``ProgressReport.transition``; the web
screens, the admin and the API move a report with ``move_report``, which adds the e-mails, and
never keep their own copies of these rules.
"""

import hashlib

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ammtc_tracker.stored_files import atomic_with_files, remove_on_rollback
from priorities.models import Activity
from reports import exports, notifications
from reports.documents import build_document
from reports.evidence import inspect_upload, sha256_of
from reports.exceptions import Conflict, EditConflict, NotPermitted, RowRefused
from reports.models import (
    EvidenceFile,
    IndicatorValue,
    IssuedDocument,
    ProgressReport,
    report_changed,
)


def check_can_report(*, user, activity, cycle):
    """Raise unless ``user`` is an official whose party takes part in ``activity``."""
    if not user.is_authenticated or not user.acting_party_id:
        raise NotPermitted(_("Only an official of a party can write a report."))
    if activity.work_plan_id != cycle.work_plan_id:
        raise Conflict(_("This activity is not part of the cycle's work plan."))
    if not Activity.objects.for_party(user.acting_party_id).filter(pk=activity.pk).exists():
        raise NotPermitted(
            _("%(party)s neither leads nor takes part in activity %(code)s.")
            % {"party": user.party, "code": activity.code}
        )
    cycle.check_accepts_reports_from(user.party)


def move_report(report, action, *, by, comment=""):
    """Move ``report`` by ``action`` as ``by`` (``ProgressReport.transition``) and, once the
    transaction commits, e-mail the people who must act next. A refused or rolled-back
    transition sends nothing."""
    with transaction.atomic():
        report.transition(action, by=by, comment=comment)

        def notify():
            notifications.report_moved(report.pk, action, comment.strip())

        # robust: a mail server that is down is logged; the report has moved regardless.
        transaction.on_commit(notify, robust=True)
    return report


@transaction.atomic
def start_report(*, user, activity, cycle):
    """Create ``user``'s party's draft on ``activity`` in ``cycle``, or return the existing one."""
    check_can_report(user=user, activity=activity, cycle=cycle)
    existing = ProgressReport.objects.filter(
        cycle=cycle, activity=activity, party_id=user.acting_party_id
    ).first()
    if existing:
        return existing
    report = ProgressReport(cycle=cycle, activity=activity, party=user.party, created_by=user)
    report._history_user = user
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        # Another request created it between the check and the insert.
        return ProgressReport.objects.get(cycle=cycle, activity=activity, party=user.party)
    report.transitions.create(
        to_status=report.status, action=ProgressReport.Action.CREATE, actor=user
    )
    report_changed(report)
    return report


@atomic_with_files()
def save_report(
    *,
    report,
    user,
    content,
    expected_version,
    indicator_values=None,
    files=(),
    removed_files=(),
    replaced_files=None,
):
    """Save what ``user`` wrote in a draft or returned report, as one new version of it.

    ``content`` maps field names of ``ProgressReport.CONTENT_FIELDS`` to values;
    ``indicator_values`` maps Indicator ids to ``(value, note)``; ``files`` are uploads;
    ``removed_files`` are ids of attached files to take off, ``replaced_files`` maps ids of
    attached files to their replacements. A removed file keeps its row and stored bytes,
    marked with who removed it and when: a reviewer may have seen it, and the record keeps
    what was filed.
    A save made from version N when the report is at a later version is refused with
    EditConflict, which lists what the saved report says that differs from this save.
    """
    locked = _lock_for_edit(report, user)
    indicator_values = indicator_values or {}
    if locked.version != expected_version:
        raise _edit_conflict(locked, content, indicator_values)
    for name, value in content.items():
        if name not in ProgressReport.CONTENT_FIELDS:
            raise ValidationError({name: _("This field cannot be set.")})
        setattr(locked, name, value)
    locked.full_clean(exclude=["cycle", "activity", "party", "created_by"])
    _save_indicator_values(locked, user, indicator_values)
    _update_evidence(locked, user, files, removed_files, replaced_files or {})
    _record_change(locked, user, fields=content)
    return locked


def _update_evidence(report, user, added, removed, replaced):
    for upload in added:
        _store_evidence(report, user, upload)
    for evidence_id, upload in replaced.items():
        _store_evidence(report, user, upload)
        _mark_removed(report, evidence_id, user)
    for evidence_id in set(removed) - set(replaced):
        _mark_removed(report, evidence_id, user)


def _lock_for_edit(report, user):
    """The report, locked until the transaction ends, if ``user`` may change it now."""
    locked = ProgressReport.objects.select_for_update().get(pk=report.pk)
    locked.check_editable_by(user)
    return locked


def _record_change(locked, user, fields=()):
    """Save ``fields`` with a new version, so that the history shows who changed the report."""
    locked.version += 1
    locked.updated_at = timezone.now()
    locked._history_user = user
    locked.save(update_fields=[*fields, "version", "updated_at"])
    report_changed(locked)


def _save_indicator_values(report, user, indicator_values):
    indicators = {indicator.pk: indicator for indicator in report.activity.indicators.all()}
    existing = {value.indicator_id: value for value in report.indicator_values.all()}
    for indicator_id, (value, note) in indicator_values.items():
        if indicator_id not in indicators:
            raise ValidationError(
                {
                    "indicator_values": _("Indicator %(id)s is not one of this activity's.")
                    % {"id": indicator_id}
                }
            )
        row = existing.get(indicator_id) or IndicatorValue(report=report, indicator_id=indicator_id)
        if row.pk and row.value == value and row.note == note:
            continue
        row.value, row.note = value, note
        row._history_user = user
        row.save()


@atomic_with_files()
def attach_evidence(*, report, user, upload):
    """Attach one file to a report its official may change, as one more version of the report."""
    locked = _lock_for_edit(report, user)
    evidence = _store_evidence(locked, user, upload)
    _record_change(locked, user)
    return evidence


def _mark_removed(report, evidence_id, user):
    row = EvidenceFile.objects.filter(pk=evidence_id, report=report).first()
    if row is None:
        raise ValidationError(
            {"files": _("File %(id)s is not attached to this report.") % {"id": evidence_id}}
        )
    if row.is_removed:
        return  # removed already (a form sent again): nothing more to record
    row.removed_by, row.removed_at = user, timezone.now()
    row._history_user = user
    row.save(update_fields=["removed_by", "removed_at"])


@transaction.atomic
def discard_draft(*, report, user):
    """Delete a draft of ``user``'s party that was never submitted: the one deletion allowed.

    The history keeps the deletion (who, when, and the last version of the report, its values
    and files); stored files stay in storage.
    """
    locked = _lock_for_edit(report, user)
    # No transition leads back to draft: a draft was never submitted.
    if locked.status != ProgressReport.Status.DRAFT:
        raise Conflict(
            _("Only a draft can be discarded; a report that was submitted stays on the record.")
        )
    for child in [*locked.indicator_values.all(), *locked.evidence_files.all()]:
        child._history_user = user
        child.delete()
    locked._history_user = user
    locked.delete()
    report_changed(locked)


def _store_evidence(report, user, upload):
    """Store an upload checked by its content, with its size and SHA-256."""
    try:
        content_type = inspect_upload(upload)
    except ValidationError as error:
        raise ValidationError({"files": error.messages}) from None
    evidence = EvidenceFile(
        report=report,
        original_name=upload.name[:255],
        content_type=content_type,
        size=upload.size,
        sha256=sha256_of(upload),
        uploaded_by=user,
    )
    evidence.file.save(upload.name, upload, save=False)
    remove_on_rollback(evidence.file.storage, evidence.file.name)
    evidence._history_user = user
    evidence.save()
    return evidence


def _edit_conflict(saved, content, indicator_values):
    changes = [
        {
            "field": name,
            "label": str(ProgressReport._meta.get_field(name).verbose_name),
            "saved": _display(saved, name),
            "yours": _display_value(saved, name, value),
        }
        for name, value in content.items()
        if name in ProgressReport.CONTENT_FIELDS and getattr(saved, name) != value
    ]
    saved_values = {v.indicator_id: v for v in saved.indicator_values.select_related("indicator")}
    for indicator_id, (value, note) in indicator_values.items():
        row = saved_values.get(indicator_id)
        if row and (row.value, row.note) != (value, note):
            changes.append(
                {
                    "field": f"indicator-{indicator_id}",
                    "label": str(row.indicator),
                    "saved": f"{row.value if row.value is not None else ''} {row.note}".strip(),
                    "yours": f"{value if value is not None else ''} {note}".strip(),
                }
            )
    last = saved.history.select_related("history_user").first()
    who = last.history_user if last and last.history_user else _("someone else")
    return EditConflict(
        _(
            "%(who)s saved this report at %(when)s, after you opened it. Nothing of yours was "
            "saved. Compare the differences below, then save again to keep your version."
        )
        % {
            "who": who,
            "when": date_format(timezone.localtime(saved.updated_at), "DATETIME_FORMAT"),
        },
        changes=changes,
    )


def _display(report, name):
    field = ProgressReport._meta.get_field(name)
    if field.choices:
        return getattr(report, f"get_{name}_display")()
    value = getattr(report, name)
    return "" if value is None else str(value)


def _display_value(report, name, value):
    field = ProgressReport._meta.get_field(name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return "" if value is None else str(value)


@atomic_with_files()
def issue_document(
    *,
    consultation,
    cycle,
    level,
    file_format,
    user,
    include_pending=False,
    achievements=None,
    challenges=None,
):
    """Build a cycle's document for a consultation as the secretariat sees it now, and keep
    the file as given to the meeting: its bytes, size and SHA-256, who issued it and when.

    Later changes to the reports never touch it; it can be downloaded again byte for byte.
    """
    if not user.is_secretariat:
        raise NotPermitted(_("Only the secretariat may issue documents to a meeting."))
    if not cycle.consultations.filter(pk=consultation.pk).exists():
        raise Conflict(
            _(
                "%(cycle)s does not feed the %(meeting)s. Link them on the reporting cycle's "
                "page first."
            )
            % {"cycle": cycle, "meeting": consultation.name}
        )
    document = build_document(
        cycle=cycle,
        user=user,
        level=level,
        include_pending=include_pending,
        consultation=consultation,
        achievements=achievements,
        challenges=challenges,
    )
    content = exports.render(document, file_format)
    filename = document.filename(exports.FORMATS[file_format].extension)
    issued = IssuedDocument(
        consultation=consultation,
        cycle=cycle,
        level=level,
        format=file_format,
        language=document.language,
        include_pending=include_pending,
        filename=filename,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        issued_by=user,
        issued_at=document.prepared_at,
    )
    issued.file.save(filename, ContentFile(content), save=False)
    remove_on_rollback(issued.file.storage, issued.file.name)
    issued.save()
    return issued


@atomic_with_files()
def save_workbook(*, user, cycle, rows):
    """Save the rows of an uploaded workbook as drafts of ``user``'s party: all, or none.

    ``rows`` are ``reports.workbook.RowPreview`` that save something; each names the report
    version the user saw in the preview (None: no report yet), so a report saved by someone
    else since then refuses the whole upload (EditConflict, inside RowRefused) rather than
    being overwritten unseen.
    """
    for row in rows:
        try:
            _save_workbook_row(user, cycle, row)
        except (NotPermitted, Conflict, ValidationError) as error:
            reason = (
                error.message
                if isinstance(error, Conflict | NotPermitted)
                else "; ".join(error.messages)
            )
            raise RowRefused(
                _("Row %(row)s (activity %(code)s): %(reason)s")
                % {"row": row.row, "code": row.activity.code, "reason": reason},
                row=row.row,
                code=row.activity.code,
                cause=error,
            ) from error
    return len(rows)


def _save_workbook_row(user, cycle, row):
    report = ProgressReport.objects.filter(
        cycle=cycle, activity=row.activity, party_id=user.acting_party_id
    ).first()
    if report is None and row.version is None:
        report = start_report(user=user, activity=row.activity, cycle=cycle)
        expected = 1  # a report started by someone else meanwhile and saved since is theirs
    elif report is None or row.version is None:
        raise EditConflict(_("This report was started on the site after your preview."), changes=[])
    else:
        expected = row.version
    save_report(
        report=report,
        user=user,
        content=row.content,
        indicator_values=row.indicators,
        expected_version=expected,
    )
