"""Filing through the API: the same workflow, rules and results as the web screens."""

import csv
import datetime
import io

from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from priorities.models import Activity, WorkPlan
from reports.models import ProgressReport
from tests.factories import complete_content, make_activity, make_report

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_the_workflow_end_to_end_through_the_api(
    api, client, official_id, secretariat, activity, cycle
):
    official, reviewer = api(official_id), api(secretariat)
    indicator = activity.indicators.get()
    created = official.post(
        "/api/v1/reports/",
        {
            "cycle": cycle.pk,
            "activity": activity.pk,
            **complete_content(),
            "indicator_values": [{"indicator": indicator.pk, "value": "12.5", "note": ""}],
        },
        format="json",
    )
    assert created.status_code == 201, created.data
    report = created.data
    assert report["indicator_values"] == [{"indicator": indicator.pk, "value": "12.50", "note": ""}]
    url = f"/api/v1/reports/{report['id']}/"

    uploaded = official.post(
        url + "files/", {"file": SimpleUploadedFile("minutes.pdf", PDF)}, format="multipart"
    )
    assert uploaded.status_code == 201
    assert uploaded.data["size"] == len(PDF)
    assert official.get(uploaded.data["download_url"]).status_code == 200

    assert official.post(url + "submit/").data["status"] == "submitted"
    returned = reviewer.post(url + "return/", {"comment": "Add the sessions."}, format="json")
    assert returned.data["status"] == "returned"

    patched = official.patch(
        url, {"version": returned.data["version"], "achievements": "Three sessions."}, format="json"
    )
    assert patched.status_code == 200, patched.data
    assert patched.data["achievements"] == "Three sessions."
    assert official.post(url + "submit/").data["status"] == "submitted"
    accepted = reviewer.post(url + "accept/")
    assert (accepted.data["status"], accepted.data["reviewed_by"]) == ("accepted", "secretariat")

    # The web screens show the same report, with the same timeline.
    client.force_login(official_id)
    page = client.get(f"/reports/{report['id']}/")
    steps = [(s.from_status, s.to_status) for s in page.context["timeline"]]
    assert steps == [
        ("", "draft"),
        ("draft", "submitted"),
        ("submitted", "returned"),
        ("returned", "submitted"),
        ("submitted", "accepted"),
    ]
    assert "minutes.pdf" in page.content.decode()


def test_errors_name_the_field_in_one_format(api, official_id, activity, cycle):
    response = api(official_id).post(
        "/api/v1/reports/",
        {"cycle": cycle.pk, "activity": activity.pk, "percent_complete": 101},
        format="json",
    )
    assert response.status_code == 400
    assert response.data == {
        "detail": "The request has invalid fields.",
        "errors": {"percent_complete": ["Ensure this value is less than or equal to 100."]},
    }


def test_unknown_and_workflow_fields_are_refused_not_ignored(api, official_id, activity, cycle):
    body = {
        "cycle": cycle.pk,
        "activity": activity.pk,
        "status": "accepted",
        "party": "JP",
        "submitted_at": "2026-01-01T00:00:00Z",
        "reviewed_by": "secretariat",
        "colour": "red",
    }
    response = api(official_id).post("/api/v1/reports/", body, format="json")
    assert response.status_code == 400
    workflow = ["This field is set by the workflow and cannot be written."]
    assert response.data["errors"] == {
        "status": workflow,
        "party": workflow,
        "submitted_at": workflow,
        "reviewed_by": workflow,
        "colour": ["Unknown field."],
    }
    assert not ProgressReport.objects.exists()


def test_an_update_needs_the_version_and_a_stale_one_is_refused(api, official_id, activity, cycle):
    report = make_report(official_id, activity, cycle)
    client = api(official_id)
    url = f"/api/v1/reports/{report.pk}/"
    missing = client.patch(url, {"achievements": "x"}, format="json")
    assert missing.status_code == 400
    assert missing.data["errors"] == {"version": ["Give the version you read."]}

    assert (
        client.patch(url, {"version": report.version, "achievements": "First"}).status_code == 200
    )
    stale = client.patch(url, {"version": report.version, "achievements": "Second"}, format="json")
    assert stale.status_code == 409
    assert stale.data["changes"] == [
        {"field": "achievements", "label": "achievements", "saved": "First", "yours": "Second"}
    ]
    report.refresh_from_db()
    assert report.achievements == "First"


def test_submitting_an_incomplete_report_names_what_is_missing(api, official_id, activity, cycle):
    client = api(official_id)
    created = client.post(
        "/api/v1/reports/", {"cycle": cycle.pk, "activity": activity.pk}, format="json"
    )
    response = client.post(f"/api/v1/reports/{created.data['id']}/submit/")
    assert response.status_code == 400
    assert set(response.data["errors"]) == {
        "implementation_status",
        "percent_complete",
        "achievements",
        "indicator_values",
    }


def test_returning_needs_a_reason(api, official_id, secretariat, activity, cycle):
    report = make_report(official_id, activity, cycle, "submitted")
    response = api(secretariat).post(f"/api/v1/reports/{report.pk}/return/", {}, format="json")
    assert response.status_code == 400
    assert response.data["errors"] == {"comment": ["Give a reason; the official will see it."]}


def test_a_file_whose_content_does_not_match_is_refused(api, official_id, activity, cycle):
    report = make_report(official_id, activity, cycle)
    response = api(official_id).post(
        f"/api/v1/reports/{report.pk}/files/",
        {"file": SimpleUploadedFile("scan.pdf", b"\x89PNG\r\n\x1a\n" + b"\0" * 20)},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.data["errors"] == {
        "files": ["The content of scan.pdf is not a .pdf file, whatever its name says."]
    }


def test_lists_are_paginated_with_a_total_and_a_stable_order(api, official_id, plan, cycle):
    for number in range(1, 8):
        make_report(official_id, make_activity(plan, f"1.{number}", leads=["ID"]), cycle)
    client = api(official_id)
    first = client.get("/api/v1/reports/", {"page_size": 3})
    second = client.get("/api/v1/reports/", {"page_size": 3, "page": 2})
    assert first.data["count"] == 7
    ids = [r["id"] for r in first.data["results"] + second.data["results"]]
    assert len(set(ids)) == 6
    again = client.get("/api/v1/reports/", {"page_size": 3})
    assert [r["id"] for r in again.data["results"]] == ids[:3]


def test_lists_answer_in_csv_with_the_same_filters(api, official_id, plan, cycle):
    make_report(official_id, make_activity(plan, "1.1", leads=["ID"]), cycle, "submitted")
    make_report(official_id, make_activity(plan, "1.2", leads=["ID"]), cycle, "draft")
    client = api(official_id)
    for response in (
        client.get("/api/v1/reports/", {"format": "csv", "status": "submitted"}),
        client.get("/api/v1/reports/", {"status": "submitted"}, HTTP_ACCEPT="text/csv"),
    ):
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        content = b"".join(response.streaming_content).decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(content)))
        assert [(row["Party"], row["Workflow state"]) for row in rows] == [
            ("Indonesia", "submitted")
        ]
        assert rows[0]["Value"] == "4"
    parties = client.get("/api/v1/parties/", {"format": "csv", "kind": "dialogue_partner"})
    assert list(csv.reader(io.StringIO(parties.content.decode())))[1][1:3] == ["JP", "Japan"]


def test_activities_filter_by_party_area_search_and_implementation_status(
    api, official_id, official_jp, secretariat, plan, cycle
):
    cyber = make_activity(plan, "2.1", leads=["ID"], participants=["JP"])
    make_activity(plan, "3.1", leads=["TH"])
    make_report(official_jp, cyber, cycle, "draft")
    client = api(official_id)

    def codes(**params):
        return [a["code"] for a in client.get("/api/v1/activities/", params).data["results"]]

    assert codes(party="JP") == ["2.1"]
    assert codes(priority_area=plan.priority_areas.get(number=3).pk) == ["3.1"]
    assert codes(search="3.1") == ["3.1"]
    assert codes(ordering="-code") == ["3.1", "2.1"]
    # Japan's draft is not Indonesia's to see, so it does not show through the filter.
    assert codes(implementation_status="in_progress") == []
    assert [
        a["code"]
        for a in api(official_jp)
        .get("/api/v1/activities/", {"implementation_status": "in_progress"})
        .data["results"]
    ] == ["2.1"]


def test_status_counts_accepted_reports_per_priority_area(
    api, official_id, official_jp, secretariat, reader, plan, cycle
):
    first = make_activity(plan, "1.1", leads=["ID", "JP"])
    make_report(official_id, first, cycle, "accepted", secretariat)
    make_report(official_jp, first, cycle, "accepted", secretariat)
    make_report(official_id, make_activity(plan, "1.2", leads=["ID"]), cycle, "submitted")
    response = api(reader).get("/api/v1/status/")
    assert response.status_code == 200
    assert response.data["cycle"]["id"] == cycle.pk
    terrorism = response.data["priority_areas"][0]
    assert (terrorism["number"], terrorism["reports"]) == (1, 2)
    assert terrorism["by_implementation_status"]["in_progress"] == 2
    assert terrorism["average_percent_complete"] == 40.0
    only_japan = api(reader).get("/api/v1/status/", {"party": "JP", "cycle": cycle.pk})
    assert only_japan.data["priority_areas"][0]["reports"] == 1
    bad = api(reader).get("/api/v1/status/", {"party": "XX"})
    assert (bad.status_code, bad.data["detail"]) == (404, "No party has this code.")


def test_status_without_accepted_reports_says_so(api, reader, cycle):
    response = api(reader).get("/api/v1/status/")
    assert (response.status_code, response.data["detail"]) == (
        404,
        "No cycle has accepted reports yet.",
    )


def test_the_compliance_matrix_hides_what_the_user_may_not_see(
    api, official_id, official_jp, secretariat, plan, cycle
):
    shared = make_activity(plan, "5.1", leads=["ID"], participants=["JP"])
    make_report(official_jp, shared, cycle, "submitted")
    url = f"/api/v1/cycles/{cycle.pk}/compliance/"

    def matrix(user):
        data = api(user).get(url).data
        return [(r["activity_code"], r["party"], r["role"], r["status"]) for r in data["rows"]]

    assert matrix(secretariat) == [
        ("5.1", "ID", "lead", None),
        ("5.1", "JP", "participant", "submitted"),
    ]
    assert matrix(official_id) == [("5.1", "ID", "lead", None), ("5.1", "JP", "participant", None)]
    summary = api(secretariat).get(url).data["summary"]
    assert (summary["expected"], summary["missing"], summary["submitted"]) == (2, 1, 1)


def test_compliance_pages_put_together_are_the_whole_matrix_in_the_plans_order(
    api, official_id, secretariat, plan, cycle
):
    make_activity(plan, "1.10", leads=["TH"], participants=["JP", "ID"])
    # Indonesia leads and takes part in 1.2: expected once, as lead.
    both = make_activity(plan, "1.2", leads=["JP", "ID"], participants=["MY", "ID", "BN"])
    make_activity(plan, "2.1", participants=["SG"])
    make_activity(plan, "1.2.1", leads=["VN"])
    other_plan = WorkPlan.objects.create(title="Another plan", first_year=2018, last_year=2022)
    area = other_plan.priority_areas.create(number=1, title="Terrorism")
    Activity.objects.create(priority_area=area, code="1.1", title="Old").lead_parties.add(
        official_id.party
    )
    make_report(official_id, both, cycle, "submitted")
    client = api(secretariat)
    url = f"/api/v1/cycles/{cycle.pk}/compliance/?page_size=2"
    rows, counts = [], set()
    while url:
        page = client.get(url)
        assert page.status_code == 200
        rows += page.data["rows"]
        counts.add((page.data["count"], page.data["summary"]["expected"]))
        url = page.data["next"]
    assert [(row["activity_code"], row["party"], row["role"], row["status"]) for row in rows] == [
        ("1.2", "ID", "lead", "submitted"),
        ("1.2", "JP", "lead", None),
        ("1.2", "BN", "participant", None),
        ("1.2", "MY", "participant", None),
        ("1.2.1", "VN", "lead", None),
        ("1.10", "TH", "lead", None),
        ("1.10", "ID", "participant", None),
        ("1.10", "JP", "participant", None),
        ("2.1", "SG", "participant", None),
    ]
    assert counts == {(9, 9)}
    past_the_end = client.get(f"/api/v1/cycles/{cycle.pk}/compliance/?page_size=2&page=6")
    assert past_the_end.status_code == 404


def test_requests_over_the_limit_get_429_with_retry_after(api, settings, reader):
    settings.API_THROTTLE_RATE = "3/minute"
    cache.clear()
    client = api(reader)
    statuses = [client.get("/api/v1/parties/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get("/api/v1/parties/")
    assert int(limited["Retry-After"]) > 0
    assert limited.data["detail"].startswith("Request was throttled.")
    cache.clear()


def test_anonymous_requests_get_401_with_the_token_scheme(api, cycle):
    response = api().get("/api/v1/reports/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_the_api_refuses_a_percent_that_contradicts_the_status_as_the_web_does(
    api, official_id, activity, cycle
):
    report = make_report(official_id, activity, cycle)
    client = api(official_id)
    patch = {"version": report.version, "implementation_status": "completed"}
    assert client.patch(f"/api/v1/reports/{report.pk}/", patch, format="json").status_code == 200
    response = client.post(f"/api/v1/reports/{report.pk}/submit/")
    assert response.status_code == 400
    assert response.data["errors"] == {
        "percent_complete": [
            "The implementation status is 'completed' but percent complete is 40: set percent "
            "complete to 100, or choose another implementation status."
        ]
    }


def test_a_compliance_row_says_what_its_declared_fields_say(
    api, official_id, secretariat, plan, cycle
):
    activity = make_activity(plan, "5.1", leads=["ID"], participants=["JP"])
    report = make_report(official_id, activity, cycle, "submitted")
    rows = api(secretariat).get(f"/api/v1/cycles/{cycle.pk}/compliance/").json()["rows"]
    submitted_at = rows[0]["submitted_at"]
    assert datetime.datetime.fromisoformat(submitted_at) == report.submitted_at
    assert rows == [
        {
            "activity": activity.pk,
            "activity_code": "5.1",
            "party": "ID",
            "role": "lead",
            "report": report.pk,
            "status": "submitted",
            "is_late": False,
            "submitted_at": submitted_at,
        },
        {
            "activity": activity.pk,
            "activity_code": "5.1",
            "party": "JP",
            "role": "participant",
            "report": None,
            "status": None,
            "is_late": False,
            "submitted_at": None,
        },
    ]
