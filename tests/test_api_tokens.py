"""Personal API tokens: created, named, listed and revoked on the profile page; stored hashed."""

import datetime
import io
import pickle

import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from ammtc_tracker.models import ApiToken
from tests.factories import PASSWORD, make_report


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


def test_the_shared_cache_holds_no_password_hash_of_a_token_owner(api, official_id):
    client = used_token(api, official_id)
    entry = cache.get(f"api-token:{ApiToken.objects.get().digest}")
    stored = pickle.dumps(entry)
    assert entry is not None and official_id.password.encode() not in stored
    assert ApiToken.objects.get().password_fingerprint.encode() not in stored
    # The owner, as the cache gives it, still acts as itself and is not changed by a save.
    official_id.refresh_from_db()
    assert client.get("/api/v1/reports/").status_code == 200
    cached_user = entry[1].user
    cached_user.save()
    assert official_id.check_password(PASSWORD) and cached_user.pk == official_id.pk
    official_id.refresh_from_db()
    assert official_id.check_password(PASSWORD)


def test_a_revocation_that_sent_no_signal_counts_within_a_minute_of_the_tokens_read(
    api, official_id
):
    """SQL or ``QuerySet.update`` in a shell renew no generation: the entry, read from the
    database at most a minute before, is then read again; ``renew_caches`` makes it count now."""
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = used_token(api, official_id)
        ApiToken.objects.update(revoked_at=start)
    # Every request in between came from the cache, and never extended the entry's life.
    for seconds in (20, 40, 59):
        with time_machine.travel(start + datetime.timedelta(seconds=seconds), tick=False):
            assert client.get("/api/v1/parties/").status_code == 200
    with time_machine.travel(start + datetime.timedelta(seconds=61), tick=False):
        assert client.get("/api/v1/parties/").status_code == 401


def test_renew_caches_makes_a_change_without_signals_count_at_once(api, official_id):
    client = used_token(api, official_id)
    ApiToken.objects.update(revoked_at=timezone.now())
    assert client.get("/api/v1/parties/").status_code == 200  # from the cache
    call_command("renew_caches", stdout=io.StringIO())
    assert client.get("/api/v1/parties/").status_code == 401
