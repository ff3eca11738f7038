"""Filters for the consultation documents: the same formats as the Office files."""

from django import template

from reports.exports import text
from reports.exports import text as text_module

register = template.Library()

register.filter("plain_number", text.plain_number)
register.filter("percent", text.percent)
register.filter("reading", text.reading_text)
register.filter("indicator_heading", text.indicator_heading)
register.filter("party_label", text.party_label)
register.filter("workflow_label", text.workflow_label)
register.filter("change_label", text.change_label)


@register.filter
def label_of(value, labels):
    """The display label of an implementation status (``labels`` maps values to labels)."""
    return labels.get(value, "") if value else ""


@register.filter
def count_of(counts, key):
    return counts.get(key, 0)


@register.filter
def key_point(point, text):
    """ "1.1 Title (Party; status, 40%): the achievement or challenge", as in the Word file."""
    return text_module.key_point_line(point, text)


@register.filter
def area_summary(status):
    return text_module.area_summary(status)
