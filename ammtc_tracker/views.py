from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.http import require_POST

from ammtc_tracker.forms import ApiTokenForm
from ammtc_tracker.models import ApiToken
from priorities.views import plan_context
from reports import dashboard, notifications


def home(request):
    """Signed in: where the plan stands (the dashboard). Anonymous: the public description of
    the plan, with the figures of accepted reports when PUBLIC_DASHBOARD is on."""
    if request.user.is_authenticated:
        return dashboard.dashboard(request)
    context = {**plan_context(), **dashboard.public_figures(request)}
    return render(request, "home_public.html", context)


@login_required
def profile(request):
    """The user's account: party, roles, and personal API tokens (create, list, revoke)."""
    new_key = None
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Shown in this response only: the key is not stored and cannot be shown again.
        _token, new_key = ApiToken.issue(user=request.user, name=form.cleaned_data["name"])
        form = ApiTokenForm()
    context = {
        "form": form,
        "tokens": request.user.api_tokens.all(),
        "new_key": new_key,
        "notifications": notifications.choices_for(request.user),
        "contact": settings.SECRETARIAT_CONTACT,
    }
    return render(request, "account/profile.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def revoke_token(request, pk):
    tokens = ApiToken.objects.all() if request.user.is_secretariat else request.user.api_tokens
    token = get_object_or_404(tokens, pk=pk)
    token.revoke(by=request.user)
    messages.success(request, _("Token '%(name)s' was revoked.") % {"name": token.name})
    return redirect("profile")


@require_POST
def set_language(request):
    """Django's set_language (the cookie, and back to ``next``), and for a signed-in user the
    choice kept on their account, so that it follows them to another browser and to e-mails."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        request.user.language = language
        request.user.save(update_fields=["language"])
    return response
