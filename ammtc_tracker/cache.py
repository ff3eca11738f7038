"""Django's Redis and database caches, each without a cost or flaw of Django's that the API's
throttles (``ammtc_tracker/throttles.py``) hit on every request, and the throttles' counter."""

import base64
import pickle

from django.core.cache.backends import db, redis
from django.db import connections, router, transaction
from django.utils import timezone


class RedisCacheClient(redis.RedisCacheClient):
    """Keeps one client per connection pool. Django's ``get_client`` builds a ``redis.Redis`` for
    every get, set and incr (about 50 µs here, more than the round trip of a GET to a local
    Redis); a ``redis.Redis`` is safe to share between threads, so one per pool is enough."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            # Two threads may both build one here; either will do.
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class RedisCache(redis.RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` with a client per pool, not per call."""

    # INCR, the expiry on the first count (so no counter outlives its window even if two
    # requests start it at once), and the other window's count: one atomic round trip.
    COUNT_SCRIPT = """
        local count = redis.call('INCR', KEYS[1])
        if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
        return {count, redis.call('GET', KEYS[2])}
    """

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
        self._scripts = {}

    def count(self, key, other_key, timeout):
        client = self._cache.get_client(write=True)
        script = self._scripts.get(client)
        if script is None:
            script = self._scripts[client] = client.register_script(self.COUNT_SCRIPT)
        keys = [self.make_and_validate_key(key), self.make_and_validate_key(other_key)]
        count, other = script(keys=keys, args=[int(timeout)])
        return count, int(other or 0)


def count(cache, key, other_key, timeout):
    """Add one to the counter ``key`` (kept ``timeout`` seconds from its first count) and read the
    counter ``other_key``: ``(new count, other count)``, in one round trip on Redis."""
    if isinstance(cache, RedisCache):
        return cache.count(key, other_key, timeout)
    try:
        new = cache.incr(key)
    except ValueError:  # the first count (add and incr each time: one more trip)
        new = 1 if cache.add(key, 1, timeout) else cache.incr(key)
    return new, cache.get(other_key, 0)


class DatabaseCache(db.DatabaseCache):
    """Django's database cache with an ``incr`` that is one locked read and write, and keeps the
    entry's expiry: Django's is a ``get`` and a ``set`` (two workers at once lose a count) and the
    ``set`` gives the entry the default timeout, so an hourly throttle count vanished after five
    minutes without requests."""

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        using = router.db_for_write(self.cache_model_class)
        connection = connections[using]
        table = connection.ops.quote_name(self._table)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        now = connection.ops.adapt_datetimefield_value(timezone.now().replace(microsecond=0))
        with transaction.atomic(using=using), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT value FROM {table} WHERE cache_key = %s AND expires >= %s{lock}",
                [key, now],
            )
            row = cursor.fetchone()
            if row is None:
                raise ValueError(f"Key '{key}' not found")
            value = pickle.loads(base64.b64decode(row[0].encode())) + delta
            stored = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            cursor.execute(f"UPDATE {table} SET value = %s WHERE cache_key = %s", [stored, key])
        return value
