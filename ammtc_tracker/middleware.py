"""Limits checked on every request before a view, a form or a parser touches it."""

import re
import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import gettext as _


def _refuse(request, status, message):
    """The API's JSON error shape under /api/, a plain page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "errors": {}}, status=status)
    return render(request, "refused.html", {"message": message}, status=status)


class RequestLimitsMiddleware:
    """Refuses, before the body is read, a body larger than the limits (413), and a NUL
    character in the address (400), which PostgreSQL cannot compare with text.

    Django's DATA_UPLOAD_MAX_MEMORY_SIZE does not bound multipart bodies: without this a
    300 MB upload is read and spooled to disk before any form refuses it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = self._content_length(request)
        limit = self._limit(request)
        if length > limit:
            return _refuse(
                request,
                413,
                _("The request is %(size)s; at most %(limit)s may be sent at once.")
                % {"size": filesizeformat(length), "limit": filesizeformat(limit)},
            )
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            return _refuse(request, 400, _("The address contains a NUL character."))
        return self.get_response(request)

    @staticmethod
    def _content_length(request):
        try:
            return int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return 0  # Django then reads no body at all

    @staticmethod
    def _limit(request):
        # Only multipart bodies (file uploads) may exceed what Django keeps in memory.
        if request.META.get("CONTENT_TYPE", "").startswith("multipart/form-data"):
            return settings.REQUEST_MAX_BYTES
        return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


class SessionIdleTimeoutMiddleware:
    """Ends a session SESSION_COOKIE_AGE seconds after its last request, not after its login.

    Renewing the expiry means saving the session; doing it on every request
    (SESSION_SAVE_EVERY_REQUEST) would add a write to each one, so it is renewed only when
    the last renewal is older than RENEW_EVERY seconds: the idle timeout is exact to that.
    """

    RENEW_EVERY = 300
    KEY = "_renewed_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = request.session
        # A request that never read its session (a health probe) leaves it alone, unread.
        if session.accessed and SESSION_KEY in session:
            now = int(time.time())
            renew_every = min(self.RENEW_EVERY, settings.SESSION_COOKIE_AGE // 10)
            if now - session.get(self.KEY, 0) >= renew_every:
                # Marks the session modified: SessionMiddleware saves it with a new expiry.
                session[self.KEY] = now
        return response


class UserLanguageMiddleware:
    """A signed-in user's chosen language (``User.language``) over the browser's and the
    cookie's, on every device they sign in from. After AuthenticationMiddleware; LocaleMiddleware
    then names the active language in Content-Language."""

    def __init__(self, get_response):
        self.get_response = get_response

    # Probes must not load the session (one query, no user in their log line), and the API's
    # user comes from its token, later: both follow Accept-Language only.
    SESSIONLESS = re.compile(r"^/(healthz|readyz|api/)")

    def __call__(self, request):
        if self.SESSIONLESS.match(request.path_info):
            return self.get_response(request)
        language = getattr(request.user, "language", "")
        if language and language in dict(settings.LANGUAGES):
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
