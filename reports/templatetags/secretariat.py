"""The secretariat's overview at the top of the admin index: the review queue and where the
open cycle stands, from ``reports.figures``."""

from django import template
from django.utils import timezone

from reports import figures
from reports.models import ReportingCycle

register = template.Library()


@register.inclusion_tag("admin/reports/_overview.html", takes_context=True)
def secretariat_overview(context):
    user = context["request"].user
    if not user.is_secretariat:
        return {"show": False}
    cycle = ReportingCycle.objects.open_on(timezone.localdate()).first()
    return {
        "show": True,
        "queue": figures.review_queue(user),
        "cycle": cycle,
        "totals": figures.compliance_totals(cycle, user).overall if cycle else None,
    }
