"""The permission matrix: each role, each endpoint, each method, with the exact status code."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import complete_content, make_activity, make_report

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


STATES = ["draft", "submitted", "returned", "accepted"]


@pytest.fixture
def indonesian_report(cast, plan, activity, cycle):
    """Makes Indonesia's report in a state, with a file, on an activity of its own."""

    def make(state):
        number = STATES.index(state) + 1
        act = activity if number == 1 else make_activity(plan, f"2.{number + 1}", leads=["ID"])
        upload = SimpleUploadedFile("a.pdf", PDF)
        return make_report(
            cast["official_id"], act, cycle, state, cast["secretariat"], files=[upload]
        )

    return make


@pytest.fixture
def world(indonesian_report, cycle):
    """Indonesia's reports in each state (with a file each)."""
    return {"reports": {state: indonesian_report(state) for state in STATES}, "cycle": cycle}


READ_ONLY = [
    "/api/v1/parties/",
    "/api/v1/work-plans/",
    "/api/v1/priority-areas/",
    "/api/v1/activities/",
    "/api/v1/indicators/",
    "/api/v1/consultations/",
    "/api/v1/cycles/",
    "/api/v1/reports/",
    "/api/v1/status/",
]


@pytest.mark.parametrize("role", ROLES)
def test_read_endpoints(api, cast, world, role):
    client = api(cast[role])
    expected = 401 if role == "anonymous" else 200
    cycle = world["cycle"].pk
    for url in [*READ_ONLY, f"/api/v1/cycles/{cycle}/", f"/api/v1/cycles/{cycle}/compliance/"]:
        assert client.get(url).status_code == expected, url


@pytest.mark.parametrize("role", ROLES)
def test_the_reference_endpoints_refuse_writes(api, cast, world, role):
    client = api(cast[role])
    expected = 401 if role == "anonymous" else 405
    for url in READ_ONLY[:-2]:
        assert client.post(url, {}).status_code == expected, url
    party = cast["official_id"].party_id
    assert client.patch(f"/api/v1/parties/{party}/", {"name": "X"}).status_code == expected
    assert client.delete(f"/api/v1/parties/{party}/").status_code == expected


def report_status(role, state):
    """What GET /reports/{id}/ answers for a report of Indonesia in ``state``."""
    if role == "anonymous":
        return 401
    if role in ("official_id", "secretariat") or state == "accepted":
        return 200
    return 404


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", ["draft", "submitted", "returned", "accepted"])
def test_report_detail_and_file(api, cast, indonesian_report, role, state):
    report = indonesian_report(state)
    client = api(cast[role])
    assert client.get(f"/api/v1/reports/{report.pk}/").status_code == report_status(role, state)
    file_id = report.evidence_files.get().pk
    download = client.get(f"/api/v1/reports/{report.pk}/files/{file_id}/")
    assert download.status_code == report_status(role, state)


# (role, state) -> status of PATCH, submit, accept, return (with a reason), reopen (with a reason)
WRITE_EXPECTATIONS = {
    "official_id": {
        "draft": (200, 200, 403, 403, 403),
        "submitted": (409, 409, 403, 403, 403),
        "returned": (200, 200, 403, 403, 403),
        "accepted": (409, 409, 403, 403, 403),
    },
    "secretariat": {
        "draft": (403, 403, 409, 409, 409),
        "submitted": (403, 403, 200, 200, 409),
        "returned": (403, 403, 409, 409, 409),
        "accepted": (403, 403, 409, 409, 200),
    },
}
UNSEEN = ("draft", "submitted", "returned")
for hidden in ("official_jp", "reader"):
    WRITE_EXPECTATIONS[hidden] = dict.fromkeys(UNSEEN, (404,) * 5) | {"accepted": (403,) * 5}
WRITE_EXPECTATIONS["anonymous"] = dict.fromkeys((*UNSEEN, "accepted"), (401,) * 5)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", ["draft", "submitted", "returned", "accepted"])
@pytest.mark.parametrize(
    ("index", "method", "action"),
    [
        (0, "patch", ""),
        (1, "post", "submit/"),
        (2, "post", "accept/"),
        (3, "post", "return/"),
        (4, "post", "reopen/"),
    ],
)
def test_report_writes(api, cast, indonesian_report, role, state, index, method, action):
    report = indonesian_report(state)
    client = api(cast[role])
    url = f"/api/v1/reports/{report.pk}/{action}"
    body = (
        {"version": report.version, "achievements": "Changed"}
        if method == "patch"
        else {"comment": "A reason."}
    )
    response = getattr(client, method)(url, body, format="json")
    expected = WRITE_EXPECTATIONS[role][state][index]
    assert response.status_code == expected, response.data
    if expected in (403, 409):
        assert response.data["detail"]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("official_id", 201),
        ("official_jp", 403),
        ("secretariat", 403),
        ("reader", 403),
        ("anonymous", 401),
    ],
)
def test_creating_a_report(api, cast, plan, cycle, role, expected):
    activity = make_activity(plan, "3.1", leads=["ID"])
    body = {"cycle": cycle.pk, "activity": activity.pk, **complete_content()}
    response = api(cast[role]).post("/api/v1/reports/", body, format="json")
    assert response.status_code == expected
    if expected == 201:
        assert response.data["party"] == "ID"
        assert response.data["status"] == "draft"
        assert response.data["is_sample"] is True


@pytest.mark.parametrize(
    ("role", "state", "expected"),
    [
        ("official_id", "draft", 201),
        ("official_id", "accepted", 409),
        ("official_jp", "draft", 404),
        ("secretariat", "draft", 403),
        ("reader", "draft", 404),
        ("anonymous", "draft", 401),
    ],
)
def test_uploading_a_file(api, cast, indonesian_report, role, state, expected):
    report = indonesian_report(state)
    response = api(cast[role]).post(
        f"/api/v1/reports/{report.pk}/files/",
        {"file": SimpleUploadedFile("minutes.pdf", PDF)},
        format="multipart",
    )
    assert response.status_code == expected


def test_reports_cannot_be_deleted(api, cast, indonesian_report):
    report = indonesian_report("draft")
    assert api(cast["official_id"]).delete(f"/api/v1/reports/{report.pk}/").status_code == 405
    assert api(cast["secretariat"]).delete(f"/api/v1/reports/{report.pk}/").status_code == 405


def test_probing_another_partys_report_ids_finds_nothing(api, cast, world):
    """Every endpoint that takes a report id, with Indonesia's unaccepted ids, as Japan."""
    client = api(cast["official_jp"])
    for state in ("draft", "submitted", "returned"):
        report = world["reports"][state]
        file_id = report.evidence_files.get().pk
        base = f"/api/v1/reports/{report.pk}/"
        probes = [
            ("get", base),
            ("patch", base),
            ("post", base + "submit/"),
            ("post", base + "accept/"),
            ("post", base + "return/"),
            ("post", base + "reopen/"),
            ("post", base + "files/"),
            ("get", base + f"files/{file_id}/"),
        ]
        for method, url in probes:
            assert getattr(client, method)(url, {}).status_code == 404, (method, url)
    listed = client.get("/api/v1/reports/").data["results"]
    assert [r["status"] for r in listed] == ["accepted"]
