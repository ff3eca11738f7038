"""API8:2023 Security misconfiguration: the deployment checks, the headers, and inputs that
used to end in a server error."""

import os
import secrets
import subprocess
import sys

from django.conf import settings

from reports.models import ProgressReport
from tests.factories import complete_content

# The production values the README documents.
PRODUCTION = {
    "AMMTC_ENV": "production",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "tracker.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://tracker.example.org",
    "BEHIND_TLS_PROXY": "true",
    "TRUSTED_PROXY_COUNT": "1",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
}


def test_check_deploy_finds_nothing_with_the_documented_production_values():
    # The test run's own settings (and the browser tests' async flag) are not production's.
    unset = ("AMMTC_ENV", "DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in unset}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env={**env, **PRODUCTION},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_pages_forbid_framing_plugins_base_tags_and_foreign_form_targets(client, reference):
    policy = client.get("/")["Content-Security-Policy"]
    for directive in (
        "base-uri 'none'",
        "object-src 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "default-src 'self'",
    ):
        assert directive in policy


def test_a_nul_character_in_the_address_is_a_400_not_a_database_error(client, secretariat, world):
    response = client.get("/api/v1/status/", {"party": "\x00"})
    assert response.status_code == 400
    assert response.json() == {"detail": "The address contains a NUL character.", "errors": {}}
    client.force_login(secretariat)
    page = client.get("/admin/reports/progressreport/?status__exact=%00")
    assert page.status_code == 400
    assert "The address contains a NUL character." in page.content.decode()


def test_a_unicode_digit_as_a_cycle_id_is_a_400_naming_the_parameter(api_as, reader, world):
    response = api_as(reader).get("/api/v1/status/", {"cycle": "²"})
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The request has invalid fields.",
        "errors": {"cycle": ["Give a cycle id (digits 0-9)."]},
    }
    cycle = world["cycle"].pk
    assert api_as(reader).get("/api/v1/status/", {"cycle": cycle}).status_code == 200


def test_the_review_queues_history_page_answers(client, secretariat, world):
    report = world["reports"]["id_submitted"]
    version = report.history.earliest("history_date").history_id
    client.force_login(secretariat)
    response = client.get(
        f"/admin/reports/submittedreport/{report.pk}/history/{version}/", follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith(f"/admin/reports/progressreport/{report.pk}/")


def test_creating_a_report_that_exists_is_a_409_pointing_at_it(api_as, official_id, world):
    report = world["reports"]["id_draft"]
    before = ProgressReport.objects.values().get(pk=report.pk)
    body = {
        "cycle": report.cycle_id,
        "activity": report.activity_id,
        **complete_content(),
        "achievements": "Overwritten?",
    }
    response = api_as(official_id).post("/api/v1/reports/", body, format="json")
    assert response.status_code == 409
    url = f"http://testserver/api/v1/reports/{report.pk}/"
    assert response["Location"] == url
    assert response.json() == {
        "detail": (
            f"Indonesia already has report {report.pk} on this activity in this cycle: change "
            f"it with PATCH {url} and its version."
        ),
        "errors": {},
        "report": url,
    }
    assert ProgressReport.objects.values().get(pk=report.pk) == before


def test_an_unknown_api_path_answers_json_not_an_html_page(api_as, reader):
    response = api_as(reader).post("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "errors": {}}


def test_an_id_larger_than_a_database_integer_is_a_400_not_an_overflow(api_as, reader, world):
    for url, name in (("/api/v1/activities/", "cycle"), ("/api/v1/reports/", "priority_area")):
        for value in (str(10**20), "-7.07e219"):
            response = api_as(reader).get(url, {name: value})
            assert response.status_code == 400
            assert list(response.json()["errors"]) == [name]
