"""The cast and the world the security suite probes.

The cast: an official of Indonesia, an official of Japan, the secretariat, a reader and an
anonymous visitor. The world: Indonesia's reports in three states and a draft of Japan's, each
with an evidence file, so that every id-taking URL has an object of each kind to be asked for.
"""

from contextlib import contextmanager

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from rest_framework.test import APIClient

from ammtc_tracker.models import ApiToken
from reports.models import ProgressReport
from reports.services import attach_evidence
from tests.factories import make_activity, make_report

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ROLES = ["official_id", "official_jp", "secretariat", "reader", "anonymous"]


@pytest.fixture
def cast(official_id, official_jp, secretariat, reader):
    return {
        "official_id": official_id,
        "official_jp": official_jp,
        "secretariat": secretariat,
        "reader": reader,
        "anonymous": None,
    }


@pytest.fixture
def world(cast, plan, activity, cycle):
    """Reports by key: ``id_draft``, ``id_submitted``, ``id_accepted`` and ``jp_draft``."""
    indonesia, japan = cast["official_id"], cast["official_jp"]
    drafts = {
        "id_draft": make_report(indonesia, activity, cycle),
        "id_submitted": make_report(indonesia, make_activity(plan, "2.2", leads=["ID"]), cycle),
        "id_accepted": make_report(indonesia, make_activity(plan, "2.3", leads=["ID"]), cycle),
        "jp_draft": make_report(japan, activity, cycle),
    }
    # Evidence is attached while a report is a draft, then the workflow moves it on.
    for report in drafts.values():
        upload = SimpleUploadedFile("minutes.pdf", PDF)
        attach_evidence(report=report, user=report.created_by, upload=upload)
    drafts["id_submitted"].transition(ProgressReport.Action.SUBMIT, by=indonesia)
    drafts["id_accepted"].transition(ProgressReport.Action.SUBMIT, by=indonesia)
    drafts["id_accepted"].transition(ProgressReport.Action.ACCEPT, by=cast["secretariat"])
    reports = {key: ProgressReport.objects.get(pk=report.pk) for key, report in drafts.items()}
    return {
        "reports": reports,
        "cycle": cycle,
        "activity": activity,
        "foreign_activity": make_activity(plan, "4.1", leads=["MY"], participants=["SG"]),
        "jp_token": ApiToken.issue(user=japan, name="Japan's")[0],
    }


def visible(role, key):
    """The access rule, written out: who may see which report of the world."""
    if role == "anonymous":
        return False
    if role == "secretariat" or key == "id_accepted":
        return True
    return {"official_id": "id_", "official_jp": "jp_"}.get(role, "-") in key


@pytest.fixture
def web(client):
    """A browser-like client logged in as ``user`` (None: anonymous)."""

    def client_for(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return client_for


@pytest.fixture
def api_as():
    """An API client acting through a real token of ``user`` (None: anonymous)."""

    def client_for(user):
        client = APIClient()
        if user is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Token {ApiToken.issue(user=user, name='t')[1]}")
        return client

    return client_for


@contextmanager
def rolled_back():
    """Whatever the request changes is undone, so each probe sees the same world."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)
