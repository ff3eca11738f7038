"""Two app servers behind one load balancer share everything that matters: a session, a
lockout, a throttle, a token's revocation and an evidence file made through one are honoured by
the other."""

import hashlib
import re

import pytest
import requests

from tests.servers import app_env, log_in, run_django

pytestmark = pytest.mark.e2e

NEW_TOKEN = """
from ammtc_tracker.models import ApiToken, Role
from tests.factories import make_user
token, key = ApiToken.issue(user=make_user("official.th", Role.OFFICIAL, "TH"), name="tests")
print(json.dumps({"id": token.pk, "key": key}))
"""

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + bytes(range(256)) * 40


@pytest.fixture(scope="module")
def media_roots(tmp_path_factory):
    return tmp_path_factory.mktemp("first"), tmp_path_factory.mktemp("second")


@pytest.fixture(scope="module")
def two_servers(start_server, app_database, redis_server, s3, media_roots):
    settings = {"DATABASE_URL": app_database, "REDIS_URL": redis_server.url, **s3.env()}
    settings["API_THROTTLE_RATE"] = "8/minute"
    return tuple(start_server(MEDIA_ROOT=str(root), **settings) for root in media_roots)


def test_a_session_opened_on_one_server_is_honoured_by_the_other(two_servers, cast):
    first, second = two_servers
    browser = requests.Session()
    assert browser.get(second.url("/my-reporting/"), allow_redirects=False).status_code == 302

    response = log_in(browser, first, "official.id", cast["password"])

    assert response.status_code == 302
    page = browser.get(second.url("/my-reporting/"), allow_redirects=False)
    assert page.status_code == 200
    assert "Activity 2.1" in page.text
    assert "official.id" in page.text


def test_a_lockout_earned_on_one_server_holds_on_the_other(two_servers, cast):
    first, second = two_servers
    statuses = [
        log_in(requests.Session(), first, "reader", "not-the-password").status_code
        for _attempt in range(5)
    ]
    # The form again with its error four times; the fifth failure locks the user name.
    assert statuses == [200, 200, 200, 200, 429]
    refused = log_in(requests.Session(), second, "reader", cast["password"])
    assert refused.status_code == 429
    assert "Too many failed log-ins with this user name" in refused.text


def test_the_api_throttle_counts_requests_made_to_both_servers(two_servers, cast):
    first, second = two_servers
    headers = {"Authorization": f"Token {cast['secretariat_token']}"}
    statuses = [
        requests.get(server.url("/api/v1/parties/"), headers=headers).status_code
        for server in [first, second] * 5
    ]
    # 8 a minute in all: each server alone, with its own counter, would have let all 10 through.
    assert statuses == [200] * 8 + [429] * 2


def test_a_token_revoked_through_one_server_is_refused_by_the_other_at_once(
    two_servers, cast, app_database, redis_server
):
    first, second = two_servers
    token = run_django(app_env(DATABASE_URL=app_database, REDIS_URL=redis_server.url), NEW_TOKEN)
    headers = {"Authorization": f"Token {token['key']}"}
    for _twice in range(2):  # the second server now has the token in the shared cache
        assert requests.get(second.url("/api/v1/parties/"), headers=headers).status_code == 200

    browser = requests.Session()
    assert log_in(browser, first, "secretariat", cast["password"]).status_code == 302
    profile = browser.get(first.url("/accounts/profile/"))
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', profile.text).group(1)
    revoke = first.url(f"/accounts/tokens/{token['id']}/revoke/")
    response = browser.post(
        revoke,
        data={"csrfmiddlewaretoken": csrf},
        headers={"Referer": revoke},
        allow_redirects=False,
    )
    assert response.status_code == 302

    refused = requests.get(second.url("/api/v1/parties/"), headers=headers)
    assert refused.status_code == 401
    assert refused.json()["detail"] == "The token is not valid or was revoked."


def test_evidence_uploaded_through_one_server_is_served_by_the_other(
    two_servers, cast, s3, media_roots
):
    first, second = two_servers
    official = {"Authorization": f"Token {cast['official_token']}"}
    created = requests.post(
        first.url("/api/v1/reports/"),
        json={"cycle": cast["cycle"], "activity": cast["activity"]},
        headers=official,
    )
    assert created.status_code == 201, created.text
    report = created.json()["id"]
    keys_before = set(s3.object_keys())

    uploaded = requests.post(
        first.url(f"/api/v1/reports/{report}/files/"),
        files={"file": ("attendance.pdf", PDF, "application/pdf")},
        headers=official,
    )

    assert uploaded.status_code == 201, uploaded.text
    evidence = uploaded.json()
    assert evidence["sha256"] == hashlib.sha256(PDF).hexdigest()
    [key] = set(s3.object_keys()) - keys_before
    assert key.startswith(f"evidence/{report}/") and key.endswith(".pdf")
    download = requests.get(
        second.url(f"/api/v1/reports/{report}/files/{evidence['id']}/"), headers=official
    )
    assert download.status_code == 200
    assert download.content == PDF

    browser = requests.Session()
    log_in(browser, second, "official.id", cast["password"])
    page = browser.get(first.url(f"/reports/{report}/files/{evidence['id']}/"))
    assert page.status_code == 200
    assert page.content == PDF
    assert not [path for root in media_roots for path in root.rglob("*") if path.is_file()]
