"""API2:2023 Broken authentication: password guessing, token guessing, stale credentials,
sessions left open, and the password reset."""

import datetime
import re

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from ammtc_tracker.models import ApiToken
from tests.factories import PASSWORD

LOCKED = "Too many failed log-ins with this user name. Try again in 15 minutes"


def log_in(client, url, username, password):
    return client.post(url, {"username": username, "password": password})


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(
    url, official_id, secretariat
):
    client = Client()
    user = secretariat if url.startswith("/admin/") else official_id
    for _ in range(4):
        assert log_in(client, url, user.username, "wrong").status_code == 200
    fifth = log_in(client, url, user.username, "wrong")
    assert fifth.status_code == 429
    right = log_in(client, url, user.username, PASSWORD)
    assert right.status_code == 429
    assert LOCKED in right.content.decode()
    assert "_auth_user_id" not in client.session
    # From another address too: the lock is on the account, shared through the database.
    other = Client(REMOTE_ADDR="198.51.100.7")
    assert log_in(other, url, user.username, PASSWORD).status_code == 429
    # Once the lock has expired, the right password works.
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=16)):
        assert log_in(Client(), url, user.username, PASSWORD).status_code == 302


def test_the_lockout_does_not_tell_whether_the_account_exists(official_id):
    pages = []
    for username in (official_id.username, "no.such.user"):
        client = Client()
        for _ in range(5):
            response = log_in(client, "/accounts/login/", username, "wrong")
        page = response.content.decode().replace(username, "U")
        # The language switcher's CSRF token is random on every page.
        page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
        pages.append((response.status_code, page))
    assert pages[0] == pages[1]
    assert pages[0][0] == 429


def test_the_secretariat_sees_lockouts_in_the_admin_and_cannot_change_them(
    client, official_id, secretariat
):
    for _ in range(5):
        log_in(Client(), "/accounts/login/", official_id.username, "wrong")
    attempt = AccessAttempt.objects.get(username=official_id.username)
    assert attempt.failures_since_start == 5
    client.force_login(secretariat)
    listing = client.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and official_id.username in listing.content.decode()
    assert client.get(f"/admin/axes/accessattempt/{attempt.pk}/change/").status_code == 200
    assert client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/").status_code == 403
    assert client.get("/admin/axes/accesslog/").status_code == 200
    assert AccessAttempt.objects.filter(username=official_id.username).exists()


def test_guessing_tokens_is_throttled_per_address(official_id):
    _token, key = ApiToken.issue(user=official_id, name="real")
    guesser = APIClient(REMOTE_ADDR="203.0.113.9")
    for number in range(20):
        response = guesser.get("/api/v1/parties/", HTTP_AUTHORIZATION=f"Token guess-{number}")
        assert response.status_code == 401
    refused = guesser.get("/api/v1/parties/", HTTP_AUTHORIZATION=f"Token {key}")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert refused.json() == {
        "detail": refused.json()["detail"],
        "errors": {},
    } and refused.json()["detail"].startswith("Request was throttled.")
    # Other addresses are not affected.
    honest = APIClient(REMOTE_ADDR="192.0.2.44")
    assert honest.get("/api/v1/parties/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200


def test_anonymous_requests_are_throttled_too(settings):
    settings.API_ANON_THROTTLE_RATE = "3/hour"
    client = APIClient()
    assert [client.get("/api/v1/reports/").status_code for _ in range(3)] == [401] * 3
    response = client.get("/api/v1/reports/")
    assert response.status_code == 429
    assert "Retry-After" in response
    assert client.get("/api/schema/").status_code == 429


def test_a_token_stops_working_when_its_owners_password_changes(client, official_id):
    _token, key = ApiToken.issue(user=official_id, name="dashboard")
    api = APIClient(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/reports/").status_code == 200
    client.force_login(official_id)
    changed = client.post(
        "/accounts/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "Another-password-77",
            "new_password2": "Another-password-77",
        },
    )
    assert changed.status_code == 302
    response = api.get("/api/v1/reports/")
    assert response.status_code == 401
    assert response.json()["detail"] == (
        "The token was issued before its owner's password changed; create a new one."
    )
    official_id.refresh_from_db()
    _new, new_key = ApiToken.issue(user=official_id, name="new")
    assert (
        APIClient(HTTP_AUTHORIZATION=f"Token {new_key}").get("/api/v1/reports/").status_code == 200
    )


def test_tokens_expire_when_a_maximum_age_is_set(settings, official_id):
    settings.API_TOKEN_MAX_AGE_DAYS = 30
    _token, key = ApiToken.issue(user=official_id, name="dashboard")
    api = APIClient(HTTP_AUTHORIZATION=f"Token {key}")
    with time_machine.travel(timezone.now() + datetime.timedelta(days=29)):
        assert api.get("/api/v1/reports/").status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(days=31)):
        response = api.get("/api/v1/reports/")
    assert response.status_code == 401
    assert response.json()["detail"] == "The token has expired; create a new one."


def test_a_session_ends_after_eight_idle_hours_not_while_in_use(official_id):
    client = Client()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert log_in(client, "/accounts/login/", official_id.username, PASSWORD).status_code == 302
    # In use every 7 hours: the session lives on past 8 hours since the login.
    for hours in (7, 14):
        with time_machine.travel(start + datetime.timedelta(hours=hours), tick=False):
            assert client.get("/reports/").status_code == 200
    with time_machine.travel(start + datetime.timedelta(hours=22, minutes=1), tick=False):
        response = client.get("/reports/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_session_in_use_is_not_written_on_every_request(client, official_id):
    client.force_login(official_id)
    client.get("/reports/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/reports/")
    writes = [q["sql"] for q in queries if q["sql"].startswith(("UPDATE", "INSERT"))]
    assert writes == []


def test_the_password_reset_works_end_to_end(client, official_id):
    asked = client.post("/accounts/password_reset/", {"email": official_id.email})
    assert asked.status_code == 302
    assert "If an active account has this address" in client.get(asked["Location"]).content.decode()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [official_id.email]
    assert mail.outbox[0].subject == "AMMTC Tracker: reset your password"
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200 and "Set your password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Brand-new-pass-31", "new_password2": "Brand-new-pass-31"},
    )
    assert done.status_code == 302
    assert (
        log_in(Client(), "/accounts/login/", official_id.username, "Brand-new-pass-31").status_code
        == 302
    )
    # The link works once.
    assert "This link is not valid" in client.get(link, follow=True).content.decode()


def test_asking_for_a_reset_does_not_tell_whether_an_address_has_an_account(client, official_id):
    known = client.post("/accounts/password_reset/", {"email": official_id.email})
    unknown = client.post("/accounts/password_reset/", {"email": "nobody@example.org"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert len(mail.outbox) == 1
