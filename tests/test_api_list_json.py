"""The JSON pages of the report and activity lists, written from values (ammtc_tracker.api_rows),
are the serializers' output: every key, in order, and every value."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from priorities.models import Activity, Indicator
from priorities.serializers import ActivitySerializer
from reports.models import ProgressReport
from reports.serializers import ProgressReportSerializer
from reports.services import save_report
from tests.factories import make_activity, make_cycle, make_report

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def serializer_output(serializer_class, rows):
    """What DRF's serializer and stock renderer give for ``rows``, read back."""
    request = Request(APIRequestFactory().get("/api/v1/"))
    data = serializer_class(rows, many=True, context={"request": request}).data
    return json.loads(JSONRenderer().render(data))


def in_order(value):
    """``value`` with each object's keys listed, so that a comparison also checks their order."""
    if isinstance(value, dict):
        return [(key, in_order(item)) for key, item in value.items()]
    if isinstance(value, list):
        return [in_order(item) for item in value]
    return value


@pytest.fixture
def reports(plan, official_id, official_jp, secretariat):
    """Reports in every state, with and without values, notes, files (one removed), reviewers."""
    cycle = make_cycle(plan, title="Main")
    first = make_activity(plan, "1.1", leads=["ID"], participants=["JP", "TH"], indicators=2)
    second = make_activity(plan, "2.1", leads=["JP", "ID"], indicators=0)
    files = [SimpleUploadedFile("kept.pdf", PDF), SimpleUploadedFile("removed.pdf", PDF)]
    draft = make_report(official_id, first, cycle, "draft", files=files)
    removed = draft.evidence_files.get(original_name="removed.pdf")
    indicator = first.indicators.order_by("id").first()
    save_report(
        report=draft,
        user=official_id,
        content={"percent_complete": None, "challenges": "Budget \u2028cuts; \u00e9t\u00e9"},
        indicator_values={indicator.pk: (Decimal("1234567.5"), "")},
        expected_version=draft.version,
        removed_files=[removed.pk],
    )
    Indicator.objects.filter(pk=indicator.pk).update(baseline=Decimal("0.25"))
    make_report(official_jp, first, cycle, "accepted", secretariat)
    make_report(official_jp, second, cycle, "returned", secretariat)
    make_report(official_id, second, cycle, "submitted")
    Activity.objects.filter(pk=first.pk).update(
        planned_start=datetime.date(2026, 1, 31), description="Long\ntext"
    )
    return ProgressReport.objects.in_list_order()


def test_report_list_json_is_the_serializers_output(api, secretariat, reports):
    response = api(secretariat).get("/api/v1/reports/")

    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == 4
    assert in_order(results) == in_order(serializer_output(ProgressReportSerializer, reports))
    assert {len(report["files"]) for report in results} == {0, 1}


def test_activity_list_json_is_the_serializers_output(api, secretariat, reports):
    activities = Activity.objects.order_by("priority_area__number", "code", "id")

    response = api(secretariat).get("/api/v1/activities/", {"page_size": 200})

    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == activities.count() == 2
    assert in_order(results) == in_order(serializer_output(ActivitySerializer, activities))
