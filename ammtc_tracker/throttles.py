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
        self.previous = self.cache.get(self.window_key(self.window - 1), 0)
        self.current = self.count() - 1  # the requests before this one
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
        """Add this request to the current window's counter; return the new count."""
        key = self.window_key(self.window)
        try:
            return self.cache.incr(key)
        except ValueError:  # the first of the window (add and incr each time: one more trip)
            # Kept through the next window, where it is the previous count.
            if self.cache.add(key, 1, 2 * self.duration):
                return 1
            return self.cache.incr(key)

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

    def check(self, request):
        """Raise Throttled if this address has failed too often lately (counts nothing)."""
        self.key = self.get_cache_key(request, None)
        self.read_window()
        keys = [self.window_key(self.window - 1), self.window_key(self.window)]
        counts = self.cache.get_many(keys)  # one round trip: this runs on every token request
        self.previous, self.current = (counts.get(key, 0) for key in keys)
        if self.estimate() >= self.num_requests:
            raise exceptions.Throttled(self.wait())

    def record_failure(self):
        self.count()
