"""The API's query filters: what a filter accepts is exactly what the schema says.

A filter on a related object takes its id and answers an empty list when no object has it (as
any filter that matches nothing); a value the schema calls invalid (not an id, not a boolean)
answers 400 naming the parameter.
"""

import functools
import re

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_filters import fields
from django_filters import rest_framework as filters
from drf_spectacular.drainage import set_override
from drf_spectacular.utils import extend_schema_field
from rest_framework import filters as drf_filters

# The largest id a database column holds: a larger value is a 400, not an overflow (500).
MAX_ID = 2**63 - 1
DIGITS = re.compile(r"[0-9]{1,19}")

ID_NOTE = "An id from the matching list endpoint; an id that matches nothing gives an empty list."
ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_ID, "description": ID_NOTE}


class IdField(forms.IntegerField):
    """Digits only: '1.0', '+1' and '' are not whole numbers, as the schema's integer says."""

    def to_python(self, value):
        if value is None:
            return None
        if not DIGITS.fullmatch(str(value)):
            raise forms.ValidationError(_("Give a whole number (digits 0-9)."), code="invalid")
        return super().to_python(value)


@extend_schema_field(ID_SCHEMA)
class IdFilter(filters.Filter):
    field_class = IdField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)
        if kwargs.get("label"):
            schema = {**ID_SCHEMA, "description": f"{kwargs['label']}. {ID_NOTE}"}
            set_override(self, "field", schema)


@extend_schema_field({"type": "integer", "minimum": 0, "maximum": MAX_ID})
class NumberFilter(filters.Filter):
    """A whole number (django-filter's NumberFilter takes '1.5' for an integer column)."""

    field_class = IdField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class StrictBooleanField(forms.Field):
    """'true' or 'false'; Django's NullBooleanField silently ignores anything else."""

    VALUES = {"true": True, "false": False}

    def to_python(self, value):
        if value is None:
            return None
        if str(value).lower() not in self.VALUES:
            raise forms.ValidationError(_("Give true or false."), code="invalid")
        return self.VALUES[str(value).lower()]


class BooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField

    def __init__(self, *args, **kwargs):
        # django-filter's widget reads anything but true/false as "not given".
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(*args, **kwargs)


class StrictChoiceField(fields.ChoiceField):
    """A choice, and '' is not one (django-filter's ChoiceFilter would ignore it)."""

    def to_python(self, value):
        if value is None:
            return None
        if value == "":
            raise forms.ValidationError(self.error_messages["invalid_choice"] % {"value": value})
        return super().to_python(value)


class ChoiceFilter(filters.ChoiceFilter):
    field_class = StrictChoiceField


class FilterSet(filters.FilterSet):
    """django-filter's FilterSet with the filters above for foreign keys, booleans and choices."""

    FILTER_DEFAULTS = {
        **filters.FilterSet.FILTER_DEFAULTS,
        models.ForeignKey: {"filter_class": IdFilter},
        models.OneToOneField: {"filter_class": IdFilter},
        models.BooleanField: {"filter_class": BooleanFilter},
    }

    @classmethod
    def filter_for_lookup(cls, field, lookup_type):
        filter_class, params = super().filter_for_lookup(field, lookup_type)
        if filter_class is filters.ChoiceFilter:
            filter_class = ChoiceFilter
        elif filter_class is filters.NumberFilter and isinstance(field, models.IntegerField):
            filter_class = NumberFilter
        return filter_class, params


class FilterBackend(filters.DjangoFilterBackend):
    """Builds the FilterSet of a view's ``filterset_fields`` from the strict one above.

    Two costs of django-filter's backend, paid on every list request, are avoided: the FilterSet
    class made from ``filterset_fields`` is made once per model and fields, not per request, and
    a request that names none of its filters is not run through a FilterSet and its form (with
    no value, every filter leaves the list as it is)."""

    filterset_base = FilterSet
    _classes = {}

    def get_filterset_class(self, view, queryset=None):
        fields = getattr(view, "filterset_fields", None)
        if getattr(view, "filterset_class", None) or not fields or queryset is None:
            return super().get_filterset_class(view, queryset)
        key = (queryset.model, repr(fields))
        if key not in self._classes:
            self._classes[key] = super().get_filterset_class(view, queryset)
        return self._classes[key]

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None or request.query_params.keys().isdisjoint(
            _parameters(filterset_class)
        ):
            return queryset
        return super().filter_queryset(request, queryset, view)


@functools.cache
def _parameters(filterset_class):
    """The query parameters a FilterSet reads: each filter's name, or its name with each
    suffix of a widget that reads several (a range's ``_min`` and ``_max``)."""
    names = set()
    for name, filter_ in filterset_class.base_filters.items():
        widget = filter_.extra.get("widget") or filter_.field_class.widget
        suffixes = getattr(widget, "suffixes", None) or [""]
        names.update(f"{name}_{suffix}" if suffix else name for suffix in suffixes)
    return frozenset(names)


class OrderingFilter(drf_filters.OrderingFilter):
    """DRF's ordering, where a view's ``ordering_sources`` maps a field clients order by to the
    column that holds its order: an activity's ``code`` sorts by its ``sort_key`` (1.2 before
    1.10), not as text."""

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        sources = getattr(view, "ordering_sources", {})
        if not ordering or not sources:
            return ordering
        return [_ordering_source(term, sources) for term in ordering]


def _ordering_source(term, sources):
    descending = term.startswith("-")
    source = sources.get(term.removeprefix("-"), term.removeprefix("-"))
    return f"-{source}" if descending else source
