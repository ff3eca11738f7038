"""The JSON of a page of an API list, written from ``values()`` rows rather than model instances.

For a page of 100 reports DRF built about 900 model instances (the rows, their related rows,
the prefetched ones) and walked every field of each through its serializer: four fifths of the
list's time beside the SQL (issue 14). A list's JSON page instead reads its rows with
``values()``, their related rows with one query each, and writes each field directly, converting
only what DRF converts (datetimes, dates, decimals), with the serializer's own fields. The
serializer stays the contract (schema, writes, one object); a test compares the two outputs in
full for every list that reads this way.
"""

import copy
import functools
from decimal import Decimal

from django.utils import timezone
from rest_framework import serializers
from rest_framework.settings import api_settings


class Rows:
    """The output of ``serializer_class`` for rows of ``values()``: each row becomes a dict of
    the serializer's fields, in its order, read from the row's keys (``sources`` maps a field to
    a key that is not its name)."""

    def __init__(self, serializer_class, sources=None):
        fields = _fields(serializer_class)
        self.names = list(fields)
        self.sources = [(sources or {}).get(name, name) for name in self.names]
        self.converters = {name: _converter(field) for name, field in fields.items()}
        self.converters = {name: c for name, c in self.converters.items() if c is not None}

    @property
    def columns(self):
        """The ``values()`` keys the rows need, for the fields a row holds itself."""
        return [source for source in self.sources if source is not None]

    def represent(self, row, **extra):
        """One row's JSON object; ``extra`` gives fields the row does not hold (nested lists)."""
        converters = self.converters
        result = {}
        for name, source in zip(self.names, self.sources, strict=True):
            value = extra[name] if source is None else row[source]
            if value is not None and name in converters:
                value = converters[name](value)
            result[name] = value
        return result


@functools.cache
def _fields(serializer_class):
    """A serializer's fields, built once: ModelSerializer builds them anew for each instance."""
    return serializer_class().fields


def _converter(field):
    """What DRF does to a stored value of ``field`` to write it as JSON; None if nothing."""
    if isinstance(field, serializers.DateTimeField):
        # The time zone looked up once, not once per value (DRF asks for it on each).
        field = copy.copy(field)
        field.timezone = timezone.get_current_timezone()
        return field.to_representation
    if isinstance(field, serializers.DecimalField):
        return _decimal_converter(field)
    if isinstance(field, serializers.DateField):
        return field.to_representation
    return None


def _decimal_converter(field):
    """DRF's text of a decimal, without its rounding when there is nothing to round: a value read
    from the column already has the field's decimal places and fits its digits (DRF's quantize
    was a fifth of the activities list's time beside the SQL)."""
    coerce = getattr(field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING)
    if not coerce or field.localize or field.normalize_output or field.decimal_places is None:
        return field.to_representation
    exponent, max_digits = -field.decimal_places, field.max_digits

    def represent(value):
        if isinstance(value, Decimal):
            _sign, digits, value_exponent = value.as_tuple()
            if value_exponent == exponent and (max_digits is None or len(digits) <= max_digits):
                return f"{value:f}"
        return field.to_representation(value)

    return represent


def group(pairs):
    """{key: [values]} from (key, value) pairs, in their order."""
    grouped = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    return grouped
