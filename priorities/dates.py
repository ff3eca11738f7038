"""Dates known only to the month or the year, as the sources often give them."""

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _


class DatePrecision(models.TextChoices):
    DAY = "day", _("day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")


def format_partial_date(value, precision):
    """'22 Aug 2023' (the app's date format), 'June 2023' or '1984': never a day or month the
    sources do not give."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return str(value.year)
    if precision == DatePrecision.MONTH:
        return date_format(value, "F Y")
    return date_format(value)


def partial_date_is_normalised(date_field, precision_field):
    """A check that unknown parts of the date are stored as 1, so that equal dates compare equal."""
    return (
        models.Q(**{f"{precision_field}": DatePrecision.DAY})
        | models.Q(**{f"{precision_field}": DatePrecision.MONTH, f"{date_field}__day": 1})
        | models.Q(
            **{
                f"{precision_field}": DatePrecision.YEAR,
                f"{date_field}__day": 1,
                f"{date_field}__month": 1,
            }
        )
    )
