"""The compliance screen of a reporting cycle, in the admin: who was expected to report on what,
how far each report got, the totals per party and per priority area, and the same as XLSX.

Added to the reporting cycle's admin (``ComplianceScreenMixin``); every number comes from
``reports.figures``, a page of activities at a time, so the screen stays fast with thousands
of activities.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ammtc_tracker.models import Role
from priorities.models import Party
from reports import figures
from reports.exports.compliance_xlsx import compliance_workbook, state_label

ACTIVITIES_PER_PAGE = 100
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ComplianceScreenMixin:
    """For ``ReportingCycleAdmin``: the compliance screen and its XLSX, linked from the list."""

    def get_urls(self):
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        screen = self.admin_site.admin_view(self.compliance_view)
        download = self.admin_site.admin_view(self.compliance_xlsx_view)
        return [
            path("<int:pk>/compliance/", screen, name=f"{info}_compliance"),
            path("<int:pk>/compliance.xlsx", download, name=f"{info}_compliance_xlsx"),
            *super().get_urls(),
        ]

    def get_list_display(self, request):
        return [*super().get_list_display(request), "compliance_link"]

    @admin.display(description=gettext_lazy("compliance"))
    def compliance_link(self, cycle):
        url = reverse("admin:reports_reportingcycle_compliance", args=[cycle.pk])
        return format_html('<a href="{}">{}</a>', url, _("who has reported"))

    def compliance_view(self, request, pk):
        cycle, party, area = self._compliance_scope(request, pk)
        totals = figures.compliance_totals(cycle, request.user, party=party, area=area)
        page = _page_number(request)
        matrix = self._matrix_page(request, cycle, party, area, page)
        pages = max(1, -(-matrix.activity_count // ACTIVITIES_PER_PAGE))
        if page > pages:  # past the end (the filters narrowed the list): show the last page
            page = pages
            matrix = self._matrix_page(request, cycle, party, area, page)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "cycle": cycle,
            "title": _("Compliance: %(cycle)s") % {"cycle": cycle.title},
            "totals": totals,
            "matrix": matrix,
            "rows": [_matrix_row(row, matrix.parties) for row in matrix.rows],
            "parties": Party.objects.order_by("name"),
            "areas": cycle.work_plan.priority_areas.order_by("number"),
            "party": party,
            "area": area,
            "page": page,
            "pages": pages,
            "query": _query(party, area),
            "states": [(state, state_label(state)) for state in figures.STATES],
        }
        return TemplateResponse(request, "admin/reports/reportingcycle/compliance.html", context)

    def _matrix_page(self, request, cycle, party, area, page):
        return figures.compliance_matrix(
            cycle,
            request.user,
            party=party,
            area=area,
            offset=(page - 1) * ACTIVITIES_PER_PAGE,
            limit=ACTIVITIES_PER_PAGE,
        )

    def compliance_xlsx_view(self, request, pk):
        cycle, party, area = self._compliance_scope(request, pk)
        matrix = figures.compliance_matrix(cycle, request.user, party=party, area=area)
        totals = figures.compliance_totals(cycle, request.user, party=party, area=area)
        response = HttpResponse(compliance_workbook(cycle, matrix, totals), content_type=XLSX)
        name = f"compliance-{slugify(cycle.title)}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def _compliance_scope(self, request, pk):
        """The cycle, and the party and priority area the screen is narrowed to (or None)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        cycle = get_object_or_404(self.get_queryset(request).select_related("work_plan"), pk=pk)
        party = _chosen(Party.objects.all(), request.GET.get("party"))
        area = _chosen(cycle.work_plan.priority_areas.all(), request.GET.get("area"))
        return cycle, party, area


def _chosen(queryset, value):
    return queryset.filter(pk=value).first() if value and value.isdigit() else None


def _page_number(request):
    value = request.GET.get("page", "1")
    return int(value) if value.isdigit() and int(value) > 0 else 1


def _query(party, area):
    parts = [f"party={party.pk}" if party else "", f"area={area.pk}" if area else ""]
    return "&".join(part for part in parts if part)


def _matrix_row(row, parties):
    """The row's cells in the order of the columns, each with its link and its words."""
    cells = []
    for party in parties:
        cell = row.cells.get(party.id)
        if cell is None:
            cells.append(None)
            continue
        if cell.report_id:
            link = reverse("admin:reports_progressreport_change", args=[cell.report_id])
        else:
            officials = f"?party__id__exact={party.id}&role__exact={Role.OFFICIAL}"
            link = reverse("admin:ammtc_tracker_user_changelist") + officials
        cells.append(
            {
                "cell": cell,
                "link": link,
                "label": state_label(cell.state, cell.is_late),
                "party": party,
            }
        )
    return row, cells
