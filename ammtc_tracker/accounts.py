"""Managing accounts: set-password links, activation, and the last-login stamp.

Changes to a user's role, party and active flag are kept by django-simple-history with the
person who made them (``User.history``).
"""

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import render
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from ammtc_tracker.models import User


def record_last_login(sender, user, **kwargs):
    """Stamp the login time with an UPDATE: a save() would add a history row at each login."""
    user.last_login = timezone.now()
    User.objects.filter(pk=user.pk).update(last_login=user.last_login)


def check_may_manage(*, by, user):
    """Raise unless ``by`` may change ``user``'s account: only a superuser changes a superuser."""
    if user.is_superuser and not by.is_superuser:
        raise PermissionDenied(_("Only a superuser may change a superuser's account."))


@transaction.atomic
def set_active(*, user, active, by):
    """Activate or deactivate ``user``; a deactivated user's sessions and tokens stop working."""
    check_may_manage(by=by, user=user)
    if user.pk == by.pk:
        raise PermissionDenied(_("You cannot deactivate or reactivate your own account."))
    if user.is_active != active:
        user.is_active = active
        user._history_user = by
        user.save(update_fields=["is_active"])


def send_set_password_link(*, user, request):
    """E-mail ``user`` a link to set their password (Django's password-reset token and page).

    Works for a new account that has no password yet, which Django's reset form skips.
    """
    if not user.email:
        raise ValueError(_("%(user)s has no e-mail address.") % {"user": user})
    site = get_current_site(request)
    context = {
        "email": user.email,
        "domain": site.domain,
        "site_name": site.name,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "protocol": "https" if request.is_secure() else "http",
    }
    PasswordResetForm().send_mail(
        "registration/set_password_subject.txt",
        "registration/set_password_email.txt",
        context,
        None,
        user.email,
    )


def lockout_response(request, original_response=None, credentials=None):
    """The page django-axes shows to a locked-out user name (429): the same words whether or not
    the account exists, so it tells nobody which user names are real."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)
