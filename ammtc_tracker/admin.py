from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from ammtc_tracker.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "party", "roles", "is_active"]
    list_filter = ["groups", "party", "is_active", "is_staff"]
    list_select_related = ["party"]
    autocomplete_fields = ["party"]
    fieldsets = [
        *BaseUserAdmin.fieldsets[:1],
        (_("Party and role"), {"fields": ["party"]}),
        *BaseUserAdmin.fieldsets[1:],
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("roles"))
    def roles(self, user):
        return ", ".join(group.name for group in user.groups.all())
