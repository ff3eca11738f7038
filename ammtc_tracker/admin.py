import smtplib

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from ammtc_tracker.accounts import send_set_password_link, set_active
from ammtc_tracker.forms import AccountForm, NewAccountForm
from ammtc_tracker.history import HistoryAdmin, ReadOnlyHistoryMixin
from ammtc_tracker.models import ApiToken, User

ROLE_FIELDSET = (_("Role"), {"fields": ["role", "party"]})


@admin.register(User)
class UserAdmin(ReadOnlyHistoryMixin, HistoryAdmin, BaseUserAdmin):
    """Accounts. The secretariat creates users, sets their role and party, (de)activates them
    and sends set-password links; passwords, superuser status, groups and individual
    permissions are for superusers only. Every change is in the account's history."""

    list_display = ["username", "email", "first_name", "last_name", "role", "party", "is_active"]
    list_filter = ["role", "party", "is_active", "is_superuser"]
    list_select_related = ["party"]
    autocomplete_fields = ["party"]
    readonly_fields = ["last_login", "date_joined"]
    actions = ["send_set_password_links", "activate_selected", "deactivate_selected"]
    # Django's forms, for superusers only.
    fieldsets = [
        BaseUserAdmin.fieldsets[0],
        BaseUserAdmin.fieldsets[1],
        ROLE_FIELDSET,
        (
            _("Permissions"),
            {"fields": ["is_active", "is_superuser", "groups", "user_permissions"]},
        ),
        BaseUserAdmin.fieldsets[3],
    ]
    add_fieldsets = [*BaseUserAdmin.add_fieldsets, ROLE_FIELDSET]
    account_fieldsets = [
        (None, {"fields": ["username", "first_name", "last_name", "email"]}),
        (_("Role"), {"fields": ["role", "party", "is_active"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    new_account_fieldsets = [
        (None, {"fields": ["username", "first_name", "last_name", "email"]}),
        ROLE_FIELDSET,
    ]

    def get_fieldsets(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        return self.new_account_fieldsets if obj is None else self.account_fieldsets

    def get_form(self, request, obj=None, **kwargs):
        if not request.user.is_superuser:
            kwargs["form"] = NewAccountForm if obj is None else AccountForm
        form = super().get_form(request, obj, **kwargs)
        form.editor = request.user
        return form

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def user_change_password(self, request, id, form_url=""):
        if not request.user.is_superuser:
            raise PermissionDenied(_("Only a superuser may set a password; send a link instead."))
        return super().user_change_password(request, id, form_url)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change and not obj.has_usable_password() and obj.email:
            self._send_link(request, obj)

    def _send_link(self, request, user):
        try:
            send_set_password_link(user=user, request=request)
        except (OSError, smtplib.SMTPException) as error:
            self.message_user(
                request,
                _("No set-password link could be sent to %(email)s (%(error)s); try again later.")
                % {"email": user.email, "error": error},
                messages.ERROR,
            )
            return False
        self.message_user(
            request, _("A set-password link was sent to %(email)s.") % {"email": user.email}
        )
        return True

    @admin.action(description=_("Send a set-password link"), permissions=["change"])
    def send_set_password_links(self, request, queryset):
        for user in queryset:
            if not user.email:
                self.message_user(
                    request, _("%(user)s has no e-mail address.") % {"user": user}, messages.ERROR
                )
            else:
                self._send_link(request, user)

    @admin.action(description=_("Activate the selected users"), permissions=["change"])
    def activate_selected(self, request, queryset):
        self._set_active(request, queryset, True)

    @admin.action(description=_("Deactivate the selected users"), permissions=["change"])
    def deactivate_selected(self, request, queryset):
        self._set_active(request, queryset, False)

    def _set_active(self, request, queryset, active):
        changed = 0
        for user in queryset:
            try:
                set_active(user=user, active=active, by=request.user)
            except PermissionDenied as refusal:
                self.message_user(request, f"{user}: {refusal}", messages.ERROR)
            else:
                changed += 1
        self.message_user(request, _("%(n)d users changed.") % {"n": changed})


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
    exclude = ["digest", "password_fingerprint"]
    actions = ["revoke_selected"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke_selected(self, request, queryset):
        for token in queryset:
            token.revoke(by=request.user)
        self.message_user(request, _("Revoked %(n)d tokens.") % {"n": len(queryset)})


# The secretariat's console is branded as the tracker, not as "Django administration".
admin.site.site_header = _("AMMTC Tracker · secretariat")
admin.site.site_title = _("AMMTC Tracker")
admin.site.index_title = _("Secretariat console")
