"""The Indonesian and Japanese catalogs cover every string marked in the code and templates,
translated and not fuzzy, and the committed .mo files are what their .po files compile to.

The first check runs ``manage.py update_catalogs`` (makemessages with the project's options) on a
copy of the sources, so a string marked in the code but missing from a catalog, left empty or
made fuzzy by a changed msgid fails here, naming it.
"""

import re
import shutil
import subprocess
import sys

import polib
import pytest
from django.conf import settings

from ammtc_tracker.languages import catalog_path, incomplete_entries

LANGUAGES = [code for code, _name in settings.ALL_LANGUAGES if code != settings.LANGUAGE_CODE]
SOURCES = ["manage.py", "ammtc_tracker", "priorities", "reports", "templates", "locale"]


@pytest.fixture(scope="module")
def catalogs_from_the_code(tmp_path_factory):
    """The catalogs as makemessages leaves them after reading the current sources."""
    if shutil.which("xgettext") is None:
        pytest.fail("GNU gettext is missing: `make gettext` installs it.")
    copy = tmp_path_factory.mktemp("sources")
    for name in SOURCES:
        source = settings.BASE_DIR / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, copy / name)
    subprocess.run(
        [sys.executable, "manage.py", "update_catalogs", "--no-compile", "--verbosity", "0"],
        cwd=copy,
        check=True,
        env={"PATH": "/usr/bin:/bin", "AMMTC_ENV": "development"},
    )
    return copy / "locale"


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_marked_string_is_translated_and_not_fuzzy(catalogs_from_the_code, code):
    missing = incomplete_entries(catalog_path(catalogs_from_the_code, code))
    assert not missing, f"{len(missing)} untranslated or fuzzy in {code}: {missing[:20]}"


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_committed_catalog_has_no_entry_the_code_no_longer_marks(catalogs_from_the_code, code):
    fresh = {(e.msgctxt, e.msgid) for e in polib.pofile(catalog_path(catalogs_from_the_code, code))}
    committed = {(e.msgctxt, e.msgid) for e in polib.pofile(catalog_path(_locale(), code))}
    assert committed == fresh, "run `make messages`"


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_committed_mo_file_is_compiled_from_the_po_file(code):
    po = polib.pofile(catalog_path(_locale(), code))
    mo = polib.mofile(catalog_path(_locale(), code).with_suffix(".mo"))
    compiled = [e for e in mo if e.msgid]
    sources = [e for e in po if e.translated() and not e.obsolete]
    assert _translations(compiled) == _translations(sources), "run `make messages` to compile"


@pytest.mark.parametrize("code", LANGUAGES)
def test_placeholders_survive_translation(code):
    for entry in polib.pofile(catalog_path(_locale(), code)):
        if "python-format" in entry.flags:
            translations = (
                [entry.msgstr] if not entry.msgid_plural else entry.msgstr_plural.values()
            )
            for text in translations:
                assert _placeholders(text) == _placeholders(entry.msgid), entry.msgid


def test_every_language_is_offered():
    """All three catalogs are complete, so the app offers all three."""
    assert [code for code, _name in settings.LANGUAGES] == ["en", "id", "ja"]


def _locale():
    return settings.LOCALE_PATHS[0]


def _translations(entries):
    return {
        (e.msgctxt, e.msgid): (e.msgstr, sorted((int(k), v) for k, v in e.msgstr_plural.items()))
        for e in entries
    }


def _placeholders(text):
    # "8th" or the bare 8: a meeting's number may be written either way (Consultation.name).
    text = text.replace("%(nth)s", "%(n)s")
    return sorted(re.findall(r"%\([^)]+\)[sd]|%[sd]", text))
