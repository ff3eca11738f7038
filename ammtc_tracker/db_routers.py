"""Read-only API lists and documents read from the replica when ``DATABASE_REPLICA_URL`` is set.

Only code wrapped in ``read_from_replica()`` reads there: a replica lags its primary by a moment,
so a page that writes, or shows what its user just saved, keeps reading from the primary.
Writes always go to the primary; a hot standby would refuse them anyway.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"
_reading_from_replica = ContextVar("reading_from_replica", default=False)


@contextmanager
def read_from_replica():
    """Send the reads made inside to the replica, when there is one."""
    token = _reading_from_replica.set(REPLICA in settings.DATABASES)
    try:
        yield
    finally:
        _reading_from_replica.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        # The database cache's entries (throttle counts, cache generations) must be current.
        if model._meta.app_label == "django_cache":
            return None
        return REPLICA if _reading_from_replica.get() else None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same rows.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica receives the schema from its primary.
        return db != REPLICA
