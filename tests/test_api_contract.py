"""The API's contract at its edges: filters, paging, the status summary's parameters, formats
and the API root answer as the schema says."""

import csv
import io
from collections import Counter

import pytest
import yaml
from django.core.management import call_command
from django.urls import resolve

from ammtc_tracker.api_filters import FilterBackend
from ammtc_tracker.api_filters import _parameters as filters_read
from tests.factories import make_activity, make_report

UNKNOWN = 987654321


@pytest.fixture
def schema(tmp_path, reference):
    call_command("spectacular", "--file", str(tmp_path / "schema.yml"))
    return yaml.safe_load((tmp_path / "schema.yml").read_text())


def _parameter(schema, path, name):
    parameters = schema["paths"][path]["get"]["parameters"]
    return next(p for p in parameters if p["name"] == name)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/activities/?priority_area={id}",
        "/api/v1/activities/?work_plan={id}",
        "/api/v1/activities/?cycle={id}",
        "/api/v1/cycles/?work_plan={id}",
        "/api/v1/reports/?cycle={id}&activity={id}",
        "/api/v1/reports/?priority_area={id}",
        "/api/v1/indicators/?activity={id}",
        "/api/v1/priority-areas/?work_plan={id}",
    ],
)
def test_a_filter_on_an_id_that_matches_nothing_gives_an_empty_list(api, secretariat, url):
    response = api(secretariat).get(url.format(id=UNKNOWN))
    assert response.status_code == 200, response.data
    assert (response.data["count"], response.data["results"]) == (0, [])


def test_a_filter_on_an_id_still_filters(api, official_jp, secretariat, activity, cycle):
    make_report(official_jp, activity, cycle, "accepted", secretariat)
    response = api(secretariat).get(f"/api/v1/reports/?cycle={cycle.pk}&activity={activity.pk}")
    assert [r["activity"] for r in response.data["results"]] == [activity.pk]


@pytest.mark.parametrize("value", ["0", "-1", "1.0", "abc", "", "9223372036854775808"])
def test_a_filter_on_an_id_refuses_what_is_not_an_id(api, secretariat, value):
    response = api(secretariat).get(f"/api/v1/reports/?cycle={value}")
    assert response.status_code == 400
    assert list(response.data["errors"]) == ["cycle"]


def test_a_boolean_filter_refuses_what_is_not_a_boolean(api, secretariat):
    response = api(secretariat).get("/api/v1/reports/?is_late=maybe")
    assert response.status_code == 400
    assert response.data["errors"] == {"is_late": ["Give true or false."]}


def test_the_schema_says_what_an_id_filter_takes(schema):
    parameter = _parameter(schema, "/api/v1/reports/", "cycle")
    assert parameter["schema"] == {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}
    assert "matches nothing gives an empty list" in parameter["description"]


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("page=0", "page"),
        ("page=last", "page"),
        ("page=-1", "page"),
        ("page_size=null", "page_size"),
        ("page_size=true", "page_size"),
        ("page_size=0", "page_size"),
        ("page_size=201", "page_size"),
        ("page_size=", "page_size"),
    ],
)
def test_invalid_paging_is_a_400_naming_the_parameter(api, reader, query, name):
    response = api(reader).get(f"/api/v1/parties/?{query}")
    assert response.status_code == 400
    assert response.data["detail"] == "The request has invalid fields."
    assert list(response.data["errors"]) == [name]


@pytest.mark.parametrize(
    "address",
    ["/api/v1/parties/?format=csv", "/api/v1/reports/?format=csv", "/api/v1/reports/?format=xlsx"],
)
def test_a_download_refuses_invalid_paging_too(api, secretariat, address):
    """Downloads are not paged, but the schema's bounds on the parameters still hold."""
    response = api(secretariat).get(f"{address}&page_size=false")
    assert response.status_code == 400
    assert response.json()["errors"] == {"page_size": ["Give a whole number from 1 to 200."]}


def test_valid_paging_pages_and_a_page_past_the_end_is_404(api, reader):
    client = api(reader)
    first = client.get("/api/v1/parties/?page=2&page_size=3")
    assert first.status_code == 200
    assert len(first.data["results"]) == 3
    assert client.get("/api/v1/parties/?page=999").status_code == 404


def test_the_schema_gives_the_paging_bounds(schema):
    assert _parameter(schema, "/api/v1/parties/", "page")["schema"]["minimum"] == 1
    size = _parameter(schema, "/api/v1/parties/", "page_size")["schema"]
    assert (size["minimum"], size["maximum"]) == (1, 200)


def test_status_of_an_unknown_cycle_or_party_is_404(api, reader, cycle):
    client = api(reader)
    assert client.get(f"/api/v1/status/?cycle={UNKNOWN}").status_code == 404
    assert client.get(f"/api/v1/status/?cycle={cycle.pk}&party=ZZ").status_code == 404
    assert client.get(f"/api/v1/status/?cycle={cycle.pk}&party=ID").status_code == 200


@pytest.mark.parametrize("query", ["cycle=0", "cycle=-27329", "cycle=x", "party=I1"])
def test_status_refuses_parameters_outside_the_schema(api, reader, cycle, query):
    response = api(reader).get(f"/api/v1/status/?{query}")
    assert response.status_code == 400
    assert list(response.data["errors"]) == [query.split("=")[0]]


def test_the_schema_gives_the_status_cycle_minimum(schema):
    assert _parameter(schema, "/api/v1/status/", "cycle")["schema"]["minimum"] == 1


def _csv(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_status_in_csv_has_the_figures_of_the_json(
    api, official_jp, secretariat, reader, activity, cycle
):
    make_report(official_jp, activity, cycle, "accepted", secretariat)
    client = api(reader)
    figures = client.get(f"/api/v1/status/?cycle={cycle.pk}").data["priority_areas"]
    rows = _csv(client.get(f"/api/v1/status/?cycle={cycle.pk}&format=csv"))
    header, rows = rows[0], rows[1:]
    assert header[:6] == [
        "Cycle",
        "Party",
        "Priority area",
        "Title",
        "Reports",
        "Average percent complete",
    ]
    assert "in progress" in header
    assert [(int(r[2]), r[3], int(r[4])) for r in rows] == [
        (area["number"], area["title"], area["reports"]) for area in figures
    ]
    assert sum(int(r[4]) for r in rows) == 1


def test_compliance_in_csv_has_a_row_per_expected_report(
    api, official_id, official_jp, secretariat, activity, cycle
):
    report = make_report(official_jp, activity, cycle, "submitted")
    make_report(official_id, activity, cycle, "draft")
    rows = _csv(api(secretariat).get(f"/api/v1/cycles/{cycle.pk}/compliance/?format=csv"))
    assert rows[0] == [
        "Cycle",
        "Activity code",
        "Party",
        "Role",
        "Report",
        "State",
        "Late",
        "Submitted at",
    ]
    mine = [r for r in rows[1:] if r[1] == activity.code]
    assert [(r[2], r[3], r[5]) for r in mine] == [
        ("ID", "lead", "draft"),
        ("JP", "participant", "submitted"),
    ]
    assert mine[1][4] == str(report.pk)


def test_compliance_in_csv_hides_what_the_user_may_not_see(
    api, official_id, official_jp, activity, cycle
):
    make_report(official_jp, activity, cycle, "submitted")
    rows = _csv(api(official_id).get(f"/api/v1/cycles/{cycle.pk}/compliance/?format=csv"))
    japan = next(r for r in rows[1:] if r[1] == activity.code and r[2] == "JP")
    assert (japan[4], japan[5]) == ("", "missing")


def test_compliance_in_csv_lists_the_rows_and_counts_of_the_json(
    api, official_id, official_jp, secretariat, plan, cycle
):
    # Indonesia leads 5.2 and takes part in it: one expected report, as lead, in every format.
    both = make_activity(plan, "5.2", leads=["ID"], participants=["ID", "JP"])
    make_report(official_id, both, cycle, "submitted")
    make_report(official_jp, both, cycle, "draft")
    client = api(secretariat)
    url = f"/api/v1/cycles/{cycle.pk}/compliance/"
    page = client.get(url + "?page_size=200").json()
    rows = _csv(client.get(url + "?format=csv"))[1:]

    def state(row):
        return row["status"] or "missing"

    assert [tuple(r[1:6]) for r in rows] == [
        (r["activity_code"], r["party"], r["role"], str(r["report"] or ""), state(r))
        for r in page["rows"]
    ]
    assert [(r[2], r[3], r[5]) for r in rows if r[1] == "5.2"] == [
        ("ID", "lead", "submitted"),
        ("JP", "participant", "draft"),
    ]
    summary = page["summary"]
    assert len(rows) == page["count"] == summary["expected"]
    assert Counter(r[5] for r in rows) == {
        key: n for key, n in summary.items() if key != "expected" and n
    }


def test_a_format_not_offered_is_406_naming_the_formats(api, reader, cycle):
    response = api(reader).get(f"/api/v1/status/?format=pdf&cycle={cycle.pk}")
    assert response.status_code == 406
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"] == "This address offers these formats: json, csv."


def test_errors_of_a_csv_request_are_json(api, reader):
    response = api(reader).get(f"/api/v1/status/?format=csv&cycle={UNKNOWN}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_the_api_root_lists_the_resources(api, reader):
    response = api(reader).get("/api/v1/")
    assert response.status_code == 200
    assert set(response.data) >= {"parties", "activities", "cycles", "reports", "status"}
    assert response.data["status"] == "http://testserver/api/v1/status/"


def test_the_api_root_needs_a_login(api):
    assert api().get("/api/v1/").status_code == 401


def test_a_csv_list_still_checks_the_paging_parameters(api, reader):
    response = api(reader).get("/api/v1/indicators/?format=csv&page=0")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["page"]


def test_a_method_not_allowed_is_405_whatever_the_format(api, reader):
    assert api(reader).delete("/api/v1/parties/?format=xlsx").status_code == 405


def test_status_reads_its_parameters_without_surrounding_spaces(api, reader, cycle):
    response = api(reader).get("/api/v1/status/", {"cycle": f" {cycle.pk} ", "party": " id"})
    assert response.status_code == 200
    assert (response.data["cycle"]["id"], response.data["party"]) == (cycle.pk, "ID")


def test_status_names_every_wrong_parameter_at_once(api, reader, cycle):
    response = api(reader).get("/api/v1/status/", {"cycle": "0", "party": " "})
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "cycle": ["Give a cycle id from 1 to 9223372036854775807."],
        "party": ["This field may not be blank."],
    }


def test_status_with_an_empty_party_is_refused(api, reader, cycle):
    response = api(reader).get(f"/api/v1/status/?cycle={cycle.pk}&party=")
    assert response.status_code == 400
    assert list(response.data["errors"]) == ["party"]


def test_request_bodies_refuse_unknown_fields_and_the_schema_says_so(schema):
    bodies = {
        name: body
        for name, body in schema["components"]["schemas"].items()
        if name.endswith("Request")
    }
    assert {
        "ProgressReportRequest",
        "PatchedProgressReportUpdateRequest",
        "RequiredReasonRequest",
    } <= set(bodies)
    assert all(body["additionalProperties"] is False for body in bodies.values())


def test_the_patch_schema_needs_the_version_and_cannot_move_a_report(schema):
    patch = schema["components"]["schemas"]["PatchedProgressReportUpdateRequest"]
    assert patch["required"] == ["version"]
    assert not {"cycle", "activity", "status", "party"} & set(patch["properties"])


def test_return_and_reopen_need_a_reason_in_the_schema(schema):
    reason = schema["components"]["schemas"]["RequiredReasonRequest"]
    assert reason["required"] == ["comment"]
    operation = schema["paths"]["/api/v1/reports/{id}/return/"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/RequiredReasonRequest"}


def test_an_indicator_value_without_its_indicator_is_refused_in_a_patch(
    api, official_id, activity, cycle
):
    report = make_report(official_id, activity, cycle)
    response = api(official_id).patch(
        f"/api/v1/reports/{report.pk}/",
        {"version": report.version, "indicator_values": [{"value": "1", "note": ""}]},
        format="json",
    )
    assert response.status_code == 400
    assert response.data["errors"] == {"indicator_values.0.indicator": ["This field is required."]}


def test_an_upload_refuses_fields_besides_the_file(api, official_id, activity, cycle):
    report = make_report(official_id, activity, cycle)
    response = api(official_id).post(
        f"/api/v1/reports/{report.pk}/files/", {"other": "x"}, format="multipart"
    )
    assert response.status_code == 400
    assert response.data["errors"] == {"other": ["Unknown field."]}


def test_an_empty_format_is_406(api, reader):
    assert api(reader).get("/api/v1/work-plans/?format=").status_code == 406


# Query parameters of a list that are not filters of its FilterSet.
NOT_FILTERS = {"page", "page_size", "search", "ordering", "format"}


def test_every_filter_the_schema_offers_is_one_the_filter_backend_reads(schema):
    """The filter backend skips the FilterSet of a request that names none of its parameters
    (``ammtc_tracker.api_filters``): a filter it did not know of would be ignored, not applied."""
    checked = set()
    for path, operations in schema["paths"].items():
        offered = {p["name"] for p in operations.get("get", {}).get("parameters", [])}
        offered -= NOT_FILTERS
        view_class = getattr(resolve(path).func, "cls", None) if "{" not in path else None
        if not offered or view_class is None or not hasattr(view_class, "serializer_class"):
            continue
        view = view_class(action="list", format_kwarg=None)
        model = view_class.serializer_class.Meta.model
        filterset_class = FilterBackend().get_filterset_class(view, model.objects.none())
        assert offered <= filters_read(filterset_class), path
        checked.add(path.removeprefix("/api/v1/"))
    assert checked == {
        "activities/",
        "consultations/",
        "cycles/",
        "indicators/",
        "parties/",
        "priority-areas/",
        "reports/",
    }


def test_a_filter_given_empty_is_still_judged(api, secretariat):
    response = api(secretariat).get("/api/v1/reports/", {"status": ""})
    assert response.status_code == 400 and "status" in response.json()["errors"]


def test_any_of_matches_the_ids_given_and_nothing_for_none(activity):
    from priorities.models import Activity

    assert list(Activity.objects.filter(pk__any_of=[activity.pk, UNKNOWN])) == [activity]
    assert not Activity.objects.filter(pk__any_of=[]).exists()
    with pytest.raises(TypeError):
        list(Activity.objects.filter(pk__any_of="12"))
