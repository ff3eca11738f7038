"""API request limits kept as sliding-window counters: one integer per client and window.

DRF's ``SimpleRateThrottle`` stores, per client, the list of the times of every request in the
window, and reads and rewrites the whole list on each request. The list grows with the rate
(11 KB at 1,200/hour), and two workers that read it at once each write back their own copy: one
request is lost and the client passes the limit. Here a request adds one to its window's counter
with ``cache.incr`` (INCR in Redis, atomic), and is judged on the count that increment returned,
so concurrent requests never share a count.

The requests of the last ``duration`` seconds are estimated from two fixed windows: the current
count plus the previous window's count weighted by how much of that window is still within the
last ``duration`` seconds, rounded up. Rounding up errs on refusing: a burst just before a window
boundary still counts whole just after it, where the unrounded estimate would let it through.
"""

import math

from django.conf import settings
from rest_framework import exceptions, throttling

from ammtc_tracker import cache as counters


class SlidingWindowThrottle(throttling.SimpleRateThrottle):
    """At most ``num_requests`` in ``duration`` seconds per client; a refused request does not
    count (as in DRF), and ``wait()`` is the time until the estimate falls under the limit."""

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.read_window()
        current, self.previous = self.count()
        self.current = current - 1  # the requests before this one
        if self.estimate() < self.num_requests:
            return True
        self.cache.decr(self.window_key(self.window))
        return False

    def read_window(self):
        """Which window ``now`` is in, and how far into it."""
        self.now = self.timer()
        self.window, self.elapsed = divmod(self.now, self.duration)

    def window_key(self, window):
        return f"{self.key}:{window:.0f}"

    def count(self):
        """Add this request to the current window's counter: ``(the new count, the previous
        window's count)``. A counter is kept through the next window, where it is the previous
        count."""
        return counters.count(
            self.cache,
            self.window_key(self.window),
            self.window_key(self.window - 1),
            2 * self.duration,
        )

    def estimate(self):
        """The requests counted in the last ``duration`` seconds, before this one."""
        weight = 1 - self.elapsed / self.duration
        return math.ceil(self.previous * weight) + self.current

    def wait(self):
        """Seconds until the estimate falls under the limit, if no other request comes."""
        room = self.num_requests - 1 - self.current
        if room >= 0:
            # In this window, once the previous window's weighted count is down to ``room``.
            until = self.duration * (1 - room / self.previous)
        else:
            # In the next one, where this window's count is the previous one.
            until = self.duration * (2 - (self.num_requests - 1) / self.current)
        return max(1, math.ceil(until - self.elapsed))


class UserThrottle(SlidingWindowThrottle, throttling.UserRateThrottle):
    """Per-user limit (429 with Retry-After), read from settings on each request."""

    def get_rate(self):
        return settings.API_THROTTLE_RATE


class AnonThrottle(SlidingWindowThrottle, throttling.AnonRateThrottle):
    """Per-address limit for requests without credentials."""

    def get_rate(self):
        return settings.API_ANON_THROTTLE_RATE


class FailedTokenThrottle(SlidingWindowThrottle):
    """Counts failed token attempts per address; past the limit, every token attempt from it is
    refused (429) until old failures age out, so keys cannot be guessed at speed."""

    scope = "failed-token"

    def get_rate(self):
        return settings.API_FAILED_TOKEN_RATE

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def keys(self, request):
        """The counters ``check`` reads: the token's authentication fetches them in the round
        trip that looks the token up, as this runs on every token request."""
        self.key = self.get_cache_key(request, None)
        self.read_window()
        self.counters = [self.window_key(self.window - 1), self.window_key(self.window)]
        return self.counters

    def check(self, found):
        """Raise Throttled if this address has failed too often lately (counts nothing);
        ``found`` holds what the cache had under ``keys()``."""
        self.previous, self.current = (found.get(key, 0) for key in self.counters)
        if self.estimate() >= self.num_requests:
            raise exceptions.Throttled(self.wait())

    def record_failure(self):
        self.count()
