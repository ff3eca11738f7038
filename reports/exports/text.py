"""Fixed texts and value formats shared by the export formats, so that the same thing reads
the same in every file."""

import re
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# Shown where a value is empty: an en dash.
NOTHING = "\u2013"
# XML 1.0 (DOCX, XLSX) cannot hold these control characters; a report's text might.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text):
    """``text`` without the characters an Office file cannot hold."""
    return NOT_XML.sub("", text) if isinstance(text, str) else text


def plain_number(value):
    """A decimal as people write it: 25, 2.5, 1000 (never 25.00 or 1E+3); empty for None."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def percent(value):
    return "" if value is None else f"{value:g}%"


def workflow_label(report):
    """How a counted report is marked wherever it appears."""
    return workflow_labels()[report.is_pending]


def workflow_labels():
    """``workflow_label`` by ``is_pending``, translated once for a table of many rows."""
    return {True: _("pending review"), False: _("accepted")}


def yes_no():
    """The words for a true and a false cell, translated once for a table of many rows."""
    return {True: _("yes"), False: _("no")}


def party_label(item):
    """The party of a report, a change or a key point, marked when its report awaits review."""
    if item.is_pending:
        return _("%(party)s (pending review)") % {"party": item.party_name}
    return item.party_name


def reading_text(reading):
    """An indicator value, or why there is none."""
    if reading.value is not None:
        return plain_number(reading.value)
    if reading.note:
        return _("not measured: %(note)s") % {"note": reading.note}
    return _("not given")


def indicator_heading(indicator):
    if indicator.unit:
        return f"{indicator.name} ({indicator.unit})"
    return indicator.name


def period(document):
    return _("%(start)s to %(end)s") % {
        "start": document.period_start.isoformat(),
        "end": document.period_end.isoformat(),
    }


def counted_note(document):
    if document.include_pending:
        return _(
            "Counts accepted reports and reports submitted but not yet accepted; each of the "
            "latter is marked “pending review”."
        )
    return _("Counts accepted reports only.")


def sample_warning():
    return _(
        "SAMPLE DATA: illustrative activities and reports, not a report of the published work "
        "plan and not given to a real meeting."
    )


CHANGE_LABELS = {
    "new": lambda: _("reported for the first time"),
    "stopped": lambda: _("no longer reported"),
    "changed": lambda: _("changed"),
    "unchanged": lambda: _("unchanged"),
}


def change_label(kind):
    return CHANGE_LABELS[kind]()


def change_labels():
    """``change_label`` of every kind, translated once for a table of many rows."""
    return {kind: label() for kind, label in CHANGE_LABELS.items()}


def key_point_line(point, text):
    """A key achievement or challenge (``text``: which) as one line of the summary."""
    said = getattr(point, text) or (
        _("no challenge described") if text == "challenges" else NOTHING
    )
    return (
        f"{point.activity_code} {point.activity_title} ({party_label(point)}; "
        f"{point.implementation_label}, {percent(point.percent_complete)}): {said}"
    )


def area_summary(status):
    """One priority area's counts, as a sentence."""
    return ngettext(
        "%(activities)s activity, %(reports)s reports counted, %(missing)s activities without "
        "a report.",
        "%(activities)s activities, %(reports)s reports counted, %(missing)s activities without "
        "a report.",
        status.activities,
    ) % {
        "activities": status.activities,
        "reports": status.reports,
        "missing": status.activities_without_report,
    }
