"""What a report's historical rows (django-simple-history) say, for people: the word-level changes
since the report was last returned (the review page), and the audit trail of every change to the
report, its indicator values and its evidence files (the history page)."""

import difflib
import re
from dataclasses import dataclass, field
from datetime import datetime

from django.template.defaultfilters import filesizeformat, floatformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from priorities.models import Indicator
from reports.models import EvidenceFile, IndicatorValue, ProgressReport, ReportTransition

# Words, single punctuation marks and runs of white space: a changed comma is shown as such,
# not as a changed word.
TOKENS = re.compile(r"\w+|\s+|[^\w\s]")
# What the official writes, in the order of the form.
TEXT_FIELDS = ProgressReport.CONTENT_FIELDS
Action = ProgressReport.Action
DONE = {
    Action.SUBMIT: gettext_lazy("submitted the report"),
    Action.ACCEPT: gettext_lazy("accepted the report"),
    Action.RETURN: gettext_lazy("returned the report"),
    Action.REOPEN: gettext_lazy("reopened the report"),
}


@dataclass(frozen=True)
class Segment:
    """A run of text that is the same on both sides, or only in the old or the new text."""

    kind: str  # "same", "removed" or "added"
    text: str


def word_diff(old, new):
    """The changes from ``old`` to ``new``, word by word, as a list of Segments."""
    before, after = TOKENS.findall(old or ""), TOKENS.findall(new or "")
    segments = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _append(segments, "same", "".join(before[i1:i2]))
            continue
        _append(segments, "removed", "".join(before[i1:i2]))
        _append(segments, "added", "".join(after[j1:j2]))
    return segments


def _append(segments, kind, text):
    if not text:
        return
    if segments and segments[-1].kind == kind:
        segments[-1] = Segment(kind, segments[-1].text + text)
    else:
        segments.append(Segment(kind, text))


@dataclass(frozen=True)
class Change:
    """One field that changed: its label, both values as text, and the word diff between them."""

    label: str
    before: str
    after: str

    @property
    def segments(self):
        return word_diff(self.before, self.after)


def changes_since_return(report):
    """Each text field and indicator of ``report`` that differs from what it said when it was
    last returned, and the evidence files added or removed since; [] if it never was."""
    step = (
        report.transitions.filter(to_status=ProgressReport.Status.RETURNED)
        .order_by("-at", "-id")
        .first()
    )
    if step is None:
        return []
    then = report.history.as_of(step.at)
    changes = [
        Change(_label(name), _field_text(then, name), _field_text(report, name))
        for name in TEXT_FIELDS
        if _field_text(then, name) != _field_text(report, name)
    ]
    changes += _indicator_changes(report, step.at)
    changes += _evidence_changes(report, step.at)
    return changes


def _indicator_changes(report, since):
    old = _values_as_of(report.pk, since)
    changes = []
    for value in report.indicator_values.select_related("indicator"):
        before = old.get(value.indicator_id, "")
        after = _value_text(value)
        if before != after:
            changes.append(Change(value.indicator.name, before, after))
    return changes


def _values_as_of(report_id, moment):
    """indicator id -> the value's text as it stood at ``moment``."""
    rows = IndicatorValue.history.filter(report_id=report_id, history_date__lte=moment).order_by(
        "history_date", "history_id"
    )
    return {row.indicator_id: "" if row.history_type == "-" else _value_text(row) for row in rows}


def _evidence_changes(report, since):
    files = report.evidence_files.all()
    added = [f.original_name for f in files if f.uploaded_at > since and not f.is_removed]
    removed = [f.original_name for f in files if f.removed_at and f.removed_at > since]
    if not (added or removed):
        return []
    return [Change(_("Evidence files"), "\n".join(removed), "\n".join(added))]


@dataclass
class AuditEntry:
    """One recorded change: when, by whom, what happened, and the fields it changed."""

    at: datetime
    who: str
    what: str
    changes: list[Change] = field(default_factory=list)
    comment: str = ""


def audit_trail(report_id):
    """Every recorded change to the report ``report_id`` (which may since have been discarded),
    oldest first, in six queries whatever its length."""
    entries = [
        *_report_entries(report_id),
        *_transition_entries(report_id),
        *_value_entries(report_id),
        *_evidence_entries(report_id),
    ]
    return sorted(entries, key=lambda entry: entry.at)


def _who(user):
    return str(user) if user else _("the system")


def _report_entries(report_id):
    rows = ProgressReport.history.filter(id=report_id).select_related("history_user")
    previous = None
    for row in rows.order_by("history_date", "history_id"):
        if row.history_type == "+":
            yield AuditEntry(row.history_date, _who(row.history_user), _("started the report"))
        elif row.history_type == "-":
            yield AuditEntry(row.history_date, _who(row.history_user), _("discarded the draft"))
        else:
            changes = [
                Change(_label(name), _field_text(previous, name), _field_text(row, name))
                for name in TEXT_FIELDS
                if previous and _field_text(previous, name) != _field_text(row, name)
            ]
            # A save that changed no text (a file or a value only, or a workflow step) is told
            # by the entries of those rows.
            if changes:
                yield AuditEntry(
                    row.history_date, _who(row.history_user), _("changed the report"), changes
                )
        previous = row


def _transition_entries(report_id):
    steps = ReportTransition.objects.filter(report_id=report_id).exclude(
        action=ProgressReport.Action.CREATE
    )
    for step in steps.select_related("actor"):
        what = _("%(done)s (%(from)s → %(to)s)") % {
            "done": DONE[step.action],
            "from": step.get_from_status_display(),
            "to": step.get_to_status_display(),
        }
        yield AuditEntry(step.at, _who(step.actor), str(what), comment=step.comment)


def _value_entries(report_id):
    rows = list(
        IndicatorValue.history.filter(report_id=report_id)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    indicators = Indicator.objects.filter(pk__in={row.indicator_id for row in rows})
    names = dict(indicators.values_list("id", "name"))
    last = {}
    for row in rows:
        before = last.get(row.indicator_id, "")
        after = "" if row.history_type == "-" else _value_text(row)
        last[row.indicator_id] = after
        if before != after:
            name = names.get(row.indicator_id, str(row.indicator_id))
            change = Change(name, before, after)
            yield AuditEntry(
                row.history_date, _who(row.history_user), _("reported an indicator"), [change]
            )


def _evidence_entries(report_id):
    rows = EvidenceFile.history.filter(report_id=report_id).select_related(
        "history_user", "removed_by"
    )
    for row in rows.order_by("history_date", "history_id"):
        description = _("%(name)s (%(size)s, SHA-256 %(sha256)s)") % {
            "name": row.original_name,
            "size": filesizeformat(row.size),
            "sha256": row.sha256,
        }
        if row.history_type == "+":
            what = _("attached a file")
        elif row.history_type == "-":
            what = _("deleted a file with the draft")
        elif row.removed_at:
            what = _("removed a file")
        else:
            continue
        yield AuditEntry(row.history_date, _who(row.history_user), what, comment=description)


def _label(name):
    return str(ProgressReport._meta.get_field(name).verbose_name).capitalize()


def _field_text(row, name):
    if row is None:
        return ""
    value = getattr(row, name)
    if name == "implementation_status" and value:
        return str(ProgressReport.Implementation(value).label)
    return "" if value is None else str(value)


def _value_text(row):
    """An indicator value and its note as one line of text."""
    value = "" if row.value is None else floatformat(row.value, -2)
    return " — ".join(part for part in (value, row.note.strip()) if part)
