"""Each main page, for each role, in Bahasa Indonesia and Japanese: it answers, says its
language in ``<html lang>``, and shows no fixed English text of the catalogs where a translation
exists (what users typed, codes and names like "AMMTC Tracker" aside)."""

import re

import lxml.html
import polib
import pytest
from django.conf import settings
from django.urls import reverse

from ammtc_tracker.languages import catalog_path
from ammtc_tracker.models import Role, User
from priorities.models import Consultation
from tests.factories import make_every_state, make_user


@pytest.fixture
def every_state(plan, official_id, official_jp, secretariat):
    official_th = make_user("official.th", Role.OFFICIAL, "TH")
    return make_every_state(plan, official_id, official_jp, official_th, secretariat)


def _pages(every_state):
    _before, now = every_state
    report = now.reports.get(activity__code="1.1", party__code="ID")
    draft = now.reports.get(activity__code="3.1", party__code="ID")
    consultation = Consultation.objects.first()
    return {
        "official.id": [
            "/",
            "/plan/",
            "/plan/activities/",
            "/my-reporting/",
            "/reports/",
            f"/reports/{report.pk}/",
            f"/reports/{draft.pk}/edit/",
            f"/reports/{draft.pk}/discard/",
            f"/cycles/{now.pk}/changes/",
            "/accounts/profile/",
        ],
        "secretariat": [
            "/",
            "/admin/",
            reverse("admin:reports_submittedreport_changelist"),
            reverse("admin:reports_progressreport_change", args=[report.pk]),
            reverse("admin:reports_reportingcycle_compliance", args=[now.pk]),
            reverse("admin:reports_reportingcycle_documents", args=[now.pk]),
            reverse("admin:priorities_consultation_documents", args=[consultation.pk]),
        ],
        None: ["/", "/plan/", "/accounts/login/", "/accounts/password_reset/"],
    }


def _english_fixed_text(code):
    """The catalog's English texts (one line, no placeholder) whose translation differs."""
    texts = set()
    for entry in polib.pofile(catalog_path(settings.LOCALE_PATHS[0], code)):
        if entry.msgid_plural or "%" in entry.msgid or "\n" in entry.msgid:
            continue
        if entry.msgstr != entry.msgid and re.search(r"[a-z]{3}", entry.msgid):
            texts.add(entry.msgid)
    return texts


def _texts(html):
    page = lxml.html.fromstring(html)
    for bad in page.cssselect("script, style, textarea, select option"):
        bad.drop_tree()
    nodes = [t.strip() for t in page.itertext()]
    return page, {re.sub(r"\s+", " ", t) for t in nodes if t}


@pytest.mark.parametrize("code", ["id", "ja"])
def test_every_main_page_is_shown_in_the_language_chosen(client, every_state, code):
    english = _english_fixed_text(code)
    for role, paths in _pages(every_state).items():
        client.logout()
        if role:
            client.force_login(User.objects.get(username=role))
        for path in paths:
            response = client.get(path, HTTP_ACCEPT_LANGUAGE=code)
            assert response.status_code == 200, (role, path)
            page, texts = _texts(response.content.decode())
            assert page.get("lang") == code, (role, path)
            untranslated = sorted(texts & english)
            assert not untranslated, f"{role} {path} in {code}: {untranslated}"
