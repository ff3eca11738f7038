"""One date format across the app in English ("29 Dec 2026"); times carry their time zone.

Django formats dates by the active language, so settings.DATE_FORMAT alone would be ignored:
this module (FORMAT_MODULE_PATH) replaces the English formats, for pages, the admin and the
messages the code builds with ``django.utils.formats.date_format``.
"""

DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i T"
SHORT_DATETIME_FORMAT = "j M Y, H:i T"
TIME_FORMAT = "H:i T"
MONTH_DAY_FORMAT = "j M"
YEAR_MONTH_FORMAT = "M Y"
