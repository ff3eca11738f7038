"""Cache generations: entries the shared cache can vouch for without a database query.

A generation is a random value kept in the cache under one key. An entry made from the database
is stored with the generation read before it was made, and is good only while that is still the
generation: a reader fetches both in one round trip and needs no query to know whether the entry
is current. Whatever changes the data the entries are made from renews the generation, at once
and again when its transaction commits. The first renewal serves reads in the same transaction;
the second is needed because a reader between the two may have made an entry from the data as it
was before the commit, under the generation the first renewal set.

An entry must be made from the primary database (a replica may lag behind the generation), and
lives ``seconds`` from the moment it was read, never longer: should the cache fail between the
commit and the renewal after it, that is how long an entry can outlive its data. So does a change
that sends no signal (SQL, or ``QuerySet.update`` in a shell), unless ``manage.py renew_caches``
is run after it. A missing generation (a new or emptied cache) is set anew, and no entry made
under none is good.
"""

import uuid
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import transaction


@dataclass(frozen=True)
class Lookup:
    """What one round trip found: the entry's value if still good, the generation to store a
    new one under, and the other keys asked for."""

    value: object
    generation: str | None
    others: dict = field(default_factory=dict)


class Generation:
    def __init__(self, name, *, seconds):
        self.key = f"generation:{name}"
        self.seconds = seconds

    def renew(self):
        """Invalidate every entry: now, and again when the current transaction commits. In a
        transaction, a cache that cannot be reached refuses the change (the error propagates);
        once the change is committed (after the commit, or at once outside a transaction), a
        failure is logged (``robust``), not shown to its author as an error."""
        if transaction.get_connection().in_atomic_block:
            self._renew()
        transaction.on_commit(self._renew, robust=True)

    def _renew(self):
        cache.set(self.key, uuid.uuid4().hex, None)

    def lookup(self, key, others=()):
        """The entry under ``key`` (None: ask for the ``others`` only) and ``others``, in one
        round trip."""
        wanted = [self.key, *([key] if key is not None else []), *others]
        found = cache.get_many(wanted)
        generation = found.pop(self.key, None)
        if generation is None:
            cache.add(self.key, uuid.uuid4().hex, None)
        entry = found.pop(key, None) if key is not None else None
        good = entry is not None and generation is not None and entry[0] == generation
        return Lookup(entry[1] if good else None, generation, found)

    def store(self, key, lookup, value):
        """Keep ``value`` under ``key``, good while the generation ``lookup`` read lasts."""
        if lookup.generation is not None:
            cache.set(key, (lookup.generation, value), self.seconds)


# Who an API token belongs to, and whether it may be used (ammtc_tracker.authentication).
API_TOKENS = Generation("api-tokens", seconds=60)
# API answers made of figures (reports.figures.answer); renewed with every plan's figures version.
FIGURES = Generation("figures", seconds=300)
GENERATIONS = [API_TOKENS, FIGURES]
