"""Probes for a load balancer or an orchestrator, and the answer when a backing service is down.

``/healthz``: the process answers and so do the database and, when configured, Redis.
``/readyz``: the same, and the database schema has every migration this code expects, so that a
new release is sent no traffic before ``migrate`` ran. Neither touches the session or the user.
"""

import functools
import sys

import redis
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

# Errors that mean "a backing service cannot be reached": the answer is 503, not 500.
UNAVAILABLE = (OperationalError, InterfaceError, redis.ConnectionError, redis.TimeoutError)
RETRY_AFTER_SECONDS = 5

_schema_is_current = False


@never_cache
def healthz(request):
    problems = _problems()
    return _answer(problems)


@never_cache
def readyz(request):
    problems = _problems()
    if not problems and not _schema_current():
        problems["database"] = "migrations not applied"
    return _answer(problems)


def _answer(problems):
    if problems:
        response = JsonResponse({"status": "unavailable", "problems": problems}, status=503)
        response["Retry-After"] = RETRY_AFTER_SECONDS
        return response
    return JsonResponse({"status": "ok"})


def _problems():
    problems = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        problems["database"] = type(error).__name__
    if settings.REDIS_URL:
        try:
            _redis(settings.REDIS_URL).ping()
        except redis.RedisError as error:
            problems["redis"] = type(error).__name__
    return problems


@functools.cache
def _redis(url):
    """One client (and connection pool) per process; a probe waits a second at most."""
    return redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)


def _schema_current():
    """True once every migration is applied; remembered, since a schema does not go back."""
    global _schema_is_current
    if not _schema_is_current:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        _schema_is_current = not plan
    return _schema_is_current


def server_error(request):
    """Django's 500 handler: 503 with Retry-After when the database or Redis is unreachable.

    A plain page, or JSON under /api/; it renders nothing that needs the database or the
    session, since either may be what failed.
    """
    error = sys.exc_info()[1]
    status = 503 if isinstance(error, UNAVAILABLE) else 500
    if request.path.startswith("/api/"):
        message = (
            _("The service is briefly unavailable; try again in a few seconds.")
            if status == 503
            else _("Server error.")
        )
        response = JsonResponse({"detail": message, "errors": {}}, status=status)
    else:
        response = HttpResponse(loader.render_to_string(f"{status}.html"), status=status)
    if status == 503:
        response["Retry-After"] = RETRY_AFTER_SECONDS
    return response
