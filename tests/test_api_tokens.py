"""Personal API tokens: created, named, listed and revoked on the profile page; stored hashed."""

from ammtc_tracker.models import ApiToken
from tests.factories import make_report


def create_token(client, name="Dashboard"):
    response = client.post("/accounts/profile/", {"name": name})
    assert response.status_code == 200
    return response.context["new_key"]


def test_a_user_creates_a_token_and_uses_it(client, api, official_id, cycle):
    client.force_login(official_id)
    key = create_token(client)
    html = client.get("/accounts/profile/").content.decode()
    assert "Dashboard" in html and key[:8] in html
    assert key not in html  # shown once, when created

    token = ApiToken.objects.get()
    assert token.digest == ApiToken.hash(key) and key not in (token.digest, token.prefix * 5)
    response = api().get("/api/v1/reports/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_token_needs_a_name(client, official_id):
    client.force_login(official_id)
    response = client.post("/accounts/profile/", {"name": ""})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_revoked_token_no_longer_works(client, api, official_id):
    client.force_login(official_id)
    key = create_token(client)
    token = ApiToken.objects.get()
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 302
    response = api().get("/api/v1/parties/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 401
    assert response.data["detail"] == "The token is not valid or was revoked."
    token.refresh_from_db()
    assert token.revoked_by == official_id


def test_a_user_cannot_revoke_someone_elses_token(client, official_id, official_jp):
    token, _key = ApiToken.issue(user=official_jp, name="Japan's")
    client.force_login(official_id)
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.is_active


def test_the_secretariat_revokes_anyones_token(client, official_jp, secretariat):
    token, _key = ApiToken.issue(user=official_jp, name="Japan's")
    other, _key = ApiToken.issue(user=official_jp, name="Another")
    client.force_login(secretariat)
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 302
    response = client.post(
        "/admin/ammtc_tracker/apitoken/",
        {"action": "revoke_selected", "_selected_action": [other.pk]},
    )
    assert response.status_code == 302
    assert ApiToken.objects.active().count() == 0
    assert set(ApiToken.objects.values_list("revoked_by__username", flat=True)) == {"secretariat"}


def test_a_malformed_or_unknown_token_is_refused(api, cycle):
    for header in ("Token", "Token a b", "Token not-a-token"):
        assert api().get("/api/v1/parties/", HTTP_AUTHORIZATION=header).status_code == 401


# A token once used is kept in the cache (ammtc_tracker.authentication); each change below must
# reach the next request all the same.


def used_token(api, user):
    client = api(user)
    for _twice in range(2):  # the second answer comes from the cached token
        assert client.get("/api/v1/parties/").status_code == 200
    return client


def test_a_token_revoked_after_use_is_refused_at_the_next_request(client, api, official_id):
    token_client = used_token(api, official_id)
    client.force_login(official_id)
    token = ApiToken.objects.get()
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 302
    response = token_client.get("/api/v1/parties/")
    assert response.status_code == 401
    assert response.data["detail"] == "The token is not valid or was revoked."


def test_a_token_of_a_user_deactivated_after_use_is_refused(api, official_id):
    token_client = used_token(api, official_id)
    official_id.is_active = False
    official_id.save()
    assert token_client.get("/api/v1/parties/").status_code == 401


def test_a_token_used_before_its_owners_password_changed_is_refused(api, official_id):
    token_client = used_token(api, official_id)
    official_id.set_password("a-new-and-long-password")
    official_id.save()
    response = token_client.get("/api/v1/parties/")
    assert response.status_code == 401
    assert "password changed" in response.data["detail"]


def test_an_official_moved_to_another_party_sees_that_partys_drafts_at_once(
    api, official_id, official_jp, activity, cycle
):
    draft = make_report(official_jp, activity, cycle)
    token_client = used_token(api, official_id)
    assert token_client.get(f"/api/v1/reports/{draft.pk}/").status_code == 404
    official_id.party = official_jp.party
    official_id.save()
    assert token_client.get(f"/api/v1/reports/{draft.pk}/").status_code == 200
