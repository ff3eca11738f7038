from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from ammtc_tracker.history import HistoryAdmin
from priorities.admin_import import PlanImportAdminMixin
from priorities.models import Activity, Consultation, Indicator, Party, PriorityArea, WorkPlan


@admin.register(Party)
class PartyAdmin(HistoryAdmin):
    list_display = ["name", "code", "alpha3", "kind", "member_since_display"]
    list_filter = ["kind"]
    search_fields = ["name", "code", "alpha3", "iso_name"]

    @admin.display(description=_("ASEAN member since"), ordering="member_since")
    def member_since_display(self, party):
        return party.member_since_display


@admin.register(Consultation)
class ConsultationAdmin(HistoryAdmin):
    list_display = ["__str__", "series", "ordinal", "date_display", "place_display", "host"]
    list_filter = ["series", "format", "is_preparatory"]
    list_select_related = ["host"]
    search_fields = ["city", "outcome"]
    autocomplete_fields = ["host", "co_chairs"]
    date_hierarchy = "date"

    @admin.display(description=_("date"), ordering="date")
    def date_display(self, consultation):
        return consultation.date_display

    @admin.display(description=_("place"), ordering="city")
    def place_display(self, consultation):
        return consultation.place_display


class PriorityAreaInline(admin.TabularInline):
    model = PriorityArea
    fields = ["number", "title", "code", "focus"]
    extra = 0


@admin.register(WorkPlan)
class WorkPlanAdmin(PlanImportAdminMixin, HistoryAdmin):
    list_display = ["title", "first_year", "last_year", "agreed_at", "adopted_at", "area_count"]
    list_select_related = ["agreed_at", "adopted_at"]
    search_fields = ["title"]
    autocomplete_fields = ["agreed_at", "adopted_at", "renews"]
    inlines = [PriorityAreaInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(area_count=Count("priority_areas"))

    @admin.display(description=_("priority areas"), ordering="area_count")
    def area_count(self, plan):
        return plan.area_count


class ActivityInline(admin.TabularInline):
    model = Activity
    fields = ["code", "title", "planned_start", "planned_end", "is_sample"]
    extra = 0
    show_change_link = True


@admin.register(PriorityArea)
class PriorityAreaAdmin(HistoryAdmin):
    list_display = ["__str__", "work_plan", "code", "activity_count"]
    list_filter = ["work_plan"]
    list_select_related = ["work_plan"]
    search_fields = ["title", "code", "focus"]
    inlines = [ActivityInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_activity_counts()

    @admin.display(description=_("activities"), ordering="activity_count")
    def activity_count(self, area):
        return area.activity_count


class IndicatorInline(admin.TabularInline):
    model = Indicator
    fields = ["name", "unit", "baseline", "target"]
    extra = 0


@admin.register(Activity)
class ActivityAdmin(HistoryAdmin):
    list_display = [
        "code_in_order",
        "title",
        "priority_area",
        "leads",
        "planned_start",
        "planned_end",
        "is_sample",
    ]
    list_filter = [
        "is_sample",
        "work_plan",
        "priority_area",
        ("lead_parties", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["priority_area"]
    search_fields = ["code", "title", "description"]
    autocomplete_fields = ["priority_area", "lead_parties", "participating_parties"]
    inlines = [IndicatorInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("lead_parties")

    @admin.display(description=_("code"), ordering="sort_key")
    def code_in_order(self, activity):
        return activity.code

    @admin.display(description=_("lead parties"))
    def leads(self, activity):
        return ", ".join(party.code for party in activity.lead_parties.all())


@admin.register(Indicator)
class IndicatorAdmin(HistoryAdmin):
    list_display = ["name", "activity", "unit", "baseline", "target"]
    list_select_related = ["activity"]
    list_filter = ["activity__priority_area"]
    search_fields = ["name", "activity__code", "activity__title"]
    autocomplete_fields = ["activity"]
