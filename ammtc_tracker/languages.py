"""Which languages the app may switch to: English, and each language whose catalog is complete.

A browser set to Bahasa Indonesia would otherwise get Django's own Indonesian words in pages
that are otherwise English, under ``<html lang="id">``, so a screen reader reads English with
an Indonesian voice. A language is offered (and LocaleMiddleware activates it) only when its
catalog ``locale/<code>/LC_MESSAGES/django.po`` exists and has no untranslated or fuzzy entry.
tests/test_languages.py checks that every string marked in the code is in each catalog.

Read by settings at start-up, so this module imports nothing from Django's app registry.
"""

from pathlib import Path

import polib


def catalog_path(locale_dir, code):
    return Path(locale_dir) / code / "LC_MESSAGES" / "django.po"


def incomplete_entries(po_path):
    """The msgids of a catalog that are untranslated or fuzzy (all of them if it is missing)."""
    if not Path(po_path).exists():
        return [f"<no catalog {po_path}>"]
    catalog = polib.pofile(str(po_path))
    missing = catalog.untranslated_entries() + catalog.fuzzy_entries()
    return [entry.msgid for entry in missing if not entry.obsolete]


def complete_languages(candidates, *, default, locale_dir):
    """The ``(code, name)`` pairs of ``candidates`` the app may show: the default, always, and
    each other language whose catalog is complete, in the order given."""
    return [
        (code, name)
        for code, name in candidates
        if code == default or not incomplete_entries(catalog_path(locale_dir, code))
    ]
