"""Structured log lines: one per request, one per workflow step.

Each line is a short message with its fields repeated as ``key=value`` for people reading plain
text, and passed as ``extra`` so that ``LOG_FORMAT=json`` writes them as JSON keys. Nothing a user
typed goes in: no query strings, no bodies, no headers (tokens, cookies), no report text.
"""

import logging
import time

from django.utils.functional import SimpleLazyObject

request_log = logging.getLogger("ammtc.request")
workflow_log = logging.getLogger("ammtc.workflow")

# URL arguments that are secrets: the password-reset link carries a token in its path.
SECRET_URL_ARGUMENTS = frozenset({"uidb64", "token"})


def log_event(logger, event, **fields):
    logger.info(
        "%s %s", event, " ".join(f"{key}={value}" for key, value in fields.items()), extra=fields
    )


class RequestLogMiddleware:
    """method, path (no query string), status, ms and user id of every request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        response = self.get_response(request)
        log_event(
            request_log,
            "request",
            method=request.method,
            path=loggable_path(request),
            status=response.status_code,
            ms=round((time.monotonic() - started) * 1000, 1),
            user=_user_id(request),
        )
        return response


def loggable_path(request):
    """The path, or the URL pattern when the path holds a secret (``<token>`` stays a name)."""
    match = request.resolver_match
    if match and SECRET_URL_ARGUMENTS & set(match.kwargs):
        return f"/{match.route}"
    return request.path


def _user_id(request):
    """The id of the user the request acted as, without loading a session just to log it.

    AuthenticationMiddleware's user is lazy and caches itself in ``_cached_user`` once read;
    DRF replaces it with the token's user. A request that never asked (``/healthz``) logs none.
    """
    user = request.__dict__.get("user")
    if isinstance(user, SimpleLazyObject):
        user = request.__dict__.get("_cached_user")
    return getattr(user, "pk", None)


def log_transition(*, report_id, action, actor_id, from_status, to_status, started):
    """Call after the commit: a step that was rolled back is never logged."""
    log_event(
        workflow_log,
        "transition",
        report=report_id,
        action=action,
        by=actor_id,
        from_status=from_status or "-",
        to_status=to_status,
        ms=round((time.monotonic() - started) * 1000, 1),
    )
