"""Where the plan stands: the dashboard of the home page, drawn from ``reports.figures``.

Signed-in users see the plan-wide figures of accepted reports for a cycle (status by priority
area, the trend over cycles, the reporting rate per party), with each chart's numbers in a
table; an official also sees their own party's full picture, unaccepted reports included.
With ``PUBLIC_DASHBOARD`` on, anonymous visitors see the accepted figures too.
"""

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _

from reports import charts, figures
from reports.models import ReportingCycle


class PublicReader:
    """The public, as the figures see it when ``PUBLIC_DASHBOARD`` is on: a reader, who sees
    accepted reports only. Used for the figures alone, never to sign anyone in."""

    is_authenticated = True
    is_active = True
    is_secretariat = False
    is_reader = True
    acting_party_id = None


def chosen_cycle(request, cycles):
    """The cycle asked for, else the latest with accepted reports, else the latest."""
    by_id = {str(cycle.pk): cycle for cycle in cycles}
    if request.GET.get("cycle") in by_id:
        return by_id[request.GET["cycle"]]
    latest = ReportingCycle.objects.with_accepted_reports().values_list("pk", flat=True).first()
    return by_id.get(str(latest), cycles[0] if cycles else None)


def plan_figures(cycle, viewer):
    """The figures every viewer sees, with their charts as ``<img>`` sources."""
    areas = figures.status_by_area(cycle, viewer)
    points = figures.trend(cycle, viewer)
    rates = figures.reporting_rate(cycle, viewer)
    statuses = figures.Implementation
    return {
        "areas": [(area, [area.by_implementation[s] for s in statuses.values]) for area in areas],
        "trend": points,
        "rates": rates,
        "statuses": statuses.labels,
        "charts": {
            "areas": _chart(charts.status_by_area_chart, areas),
            "trend": _chart(charts.trend_chart, points),
            "rates": _chart(charts.reporting_rate_chart, rates) if rates else None,
        },
    }


def _chart(draw, shown):
    return charts.data_uri(charts.cached_svg(draw, shown))


def cycles_to_choose():
    return list(ReportingCycle.objects.select_related("work_plan").order_by("-period_start", "-id"))


def dashboard(request):
    """The signed-in home page."""
    user = request.user
    cycles = cycles_to_choose()
    cycle = chosen_cycle(request, cycles)
    context = {"cycle": cycle, "cycles": cycles}
    if cycle is not None:
        context.update(plan_figures(cycle, user))
        context["consultations"] = cycle.consultations.order_by("date", "series")
        if user.acting_party_id:
            context["party"] = user.party
            context["party_areas"] = figures.party_progress(cycle, user, user.party)
        if user.is_secretariat:
            context["queue"] = figures.review_queue(user)
    context["title"] = _("Where the plan stands")
    return render(request, "reports/dashboard.html", context)


def public_figures(request):
    """The accepted figures for an anonymous visitor, or {} when they are not public."""
    if not settings.PUBLIC_DASHBOARD:
        return {}
    cycles = cycles_to_choose()
    cycle = chosen_cycle(request, cycles)
    if cycle is None:
        return {}
    return {"cycle": cycle, "cycles": cycles, **plan_figures(cycle, PublicReader())}
