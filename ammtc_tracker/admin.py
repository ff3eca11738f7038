from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from ammtc_tracker.models import ApiToken, User


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


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created by their owners; the secretariat can see and revoke any of them."""

    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["name", "user__username", "prefix"]
    readonly_fields = [
        "user",
        "name",
        "prefix",
        "created_at",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    ]
    exclude = ["digest"]
    actions = ["revoke_selected"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke_selected(self, request, queryset):
        for token in queryset:
            token.revoke(by=request.user)
        self.message_user(request, _("Revoked %(n)d tokens.") % {"n": len(queryset)})
