"""API3:2023 Broken object property level authorisation: mass assignment and privilege
escalation.

The secretariat manages accounts but can set none of the properties that grant rights beyond
a role (superuser status, groups, individual permissions, passwords); a client of the API can
write only what the author of a report writes.
"""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.db import IntegrityError, transaction

from ammtc_tracker.models import ApiToken, Role, User
from priorities.models import Party
from tests.factories import PASSWORD

USERS = "/admin/ammtc_tracker/user/"
ESCALATION = {
    "is_superuser": "on",
    "is_staff": "on",
    "groups": "GROUP",
    "user_permissions": "PERMISSION",
    "password": "pbkdf2_sha256$1$x$y",
    "password1": "A-new-password-42",
    "password2": "A-new-password-42",
    "usable_password": "true",
}


@pytest.fixture
def escalation(db):
    group = Group.objects.create(name="Everything")
    permission = Permission.objects.get(codename="delete_progressreport")
    group.permissions.add(permission)
    return {**ESCALATION, "groups": group.pk, "user_permissions": permission.pk}


def account(user, **changes):
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": user.role,
        "party": user.party_id or "",
        "is_active": "on" if user.is_active else "",
    }
    return {**data, **changes}


def assert_no_extra_rights(user):
    user.refresh_from_db()
    assert not user.is_superuser
    assert not user.groups.exists() and not user.user_permissions.exists()
    assert not user.has_perm("reports.delete_progressreport")


def test_the_secretariat_creates_an_official_who_sets_a_password_from_a_link(
    client, secretariat, escalation, reference
):
    client.force_login(secretariat)
    indonesia = Party.objects.get(code="ID")
    response = client.post(
        f"{USERS}add/",
        {
            "username": "new.official",
            "first_name": "Sari",
            "last_name": "Dewi",
            "email": "sari@example.org",
            "role": Role.OFFICIAL,
            "party": indonesia.pk,
            **escalation,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="new.official")
    assert (user.role, user.party, user.is_active) == (Role.OFFICIAL, indonesia, True)
    assert not user.has_usable_password()
    assert_no_extra_rights(user)
    assert not user.is_staff
    assert [m.to for m in mail.outbox] == [["sari@example.org"]]
    assert "/accounts/reset/" in mail.outbox[0].body
    created = user.history.get()
    assert (created.history_type, created.history_user) == ("+", secretariat)


def test_the_secretariat_cannot_raise_its_own_or_anyones_rights(
    client, secretariat, official_jp, escalation
):
    client.force_login(secretariat)
    for user in (official_jp, secretariat):
        password = user.password
        client.post(f"{USERS}{user.pk}/change/", account(user, **escalation))
        assert_no_extra_rights(user)
        assert user.password == password
    assert client.get(f"{USERS}{official_jp.pk}/password/").status_code == 403
    response = client.post(
        f"{USERS}{official_jp.pk}/password/",
        {"password1": "A-new-password-42", "password2": "A-new-password-42"},
    )
    assert response.status_code == 403
    official_jp.refresh_from_db()
    assert official_jp.check_password(PASSWORD)


def test_the_secretariat_cannot_change_its_own_role_or_deactivate_itself(client, secretariat):
    client.force_login(secretariat)
    japan = Party.objects.get(code="JP")
    response = client.post(
        f"{USERS}{secretariat.pk}/change/",
        account(secretariat, role=Role.OFFICIAL, party=japan.pk, is_active=""),
    )
    assert response.status_code == 200
    assert "You cannot change your own role, party or active flag" in response.content.decode()
    secretariat.refresh_from_db()
    assert (secretariat.role, secretariat.party, secretariat.is_active) == (
        Role.SECRETARIAT,
        None,
        True,
    )


def test_the_secretariat_cannot_change_a_superuser(client, secretariat, superuser):
    client.force_login(secretariat)
    page = client.get(f"{USERS}{superuser.pk}/change/")
    assert page.status_code == 200 and 'name="email"' not in page.content.decode()
    client.post(f"{USERS}{superuser.pk}/change/", account(superuser, email="me@evil.example"))
    client.post(USERS, {"action": "deactivate_selected", "_selected_action": [superuser.pk]})
    superuser.refresh_from_db()
    assert (superuser.email, superuser.is_active) == ("admin@example.org", True)


def test_role_and_party_changes_are_recorded_with_who_made_them(client, secretariat, official_jp):
    client.force_login(secretariat)
    response = client.post(
        f"{USERS}{official_jp.pk}/change/", account(official_jp, role=Role.READER, party="")
    )
    assert response.status_code == 302
    client.post(USERS, {"action": "deactivate_selected", "_selected_action": [official_jp.pk]})
    steps = list(official_jp.history.order_by("history_date", "history_id"))
    assert [(s.role, s.party_id, s.is_active) for s in steps] == [
        (Role.OFFICIAL, official_jp.party_id, True),
        (Role.READER, None, True),
        (Role.READER, None, False),
    ]
    assert [s.history_user for s in steps[1:]] == [secretariat, secretariat]
    assert not hasattr(steps[0], "password")


@pytest.mark.parametrize(
    ("role", "party", "error"),
    [
        (Role.OFFICIAL, "", "An official must act for a party."),
        (Role.READER, "JP", "Only officials act for a party; leave it empty for this role."),
        (Role.SECRETARIAT, "JP", "Only officials act for a party; leave it empty for this role."),
    ],
)
def test_a_user_has_one_role_and_only_an_official_a_party(
    client, secretariat, reader, role, party, error
):
    client.force_login(secretariat)
    party_id = Party.objects.get(code=party).pk if party else ""
    response = client.post(
        f"{USERS}{reader.pk}/change/", account(reader, role=role, party=party_id)
    )
    assert response.status_code == 200
    assert error in response.content.decode()
    reader.refresh_from_db()
    assert (reader.role, reader.party) == (Role.READER, None)


@pytest.mark.parametrize(
    ("role", "party_code"),
    [(Role.OFFICIAL, None), (Role.READER, "JP"), ("Superuser", None)],
)
def test_the_database_refuses_a_role_without_its_party_rule(reference, role, party_code):
    party = Party.objects.get(code=party_code) if party_code else None
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("bad", role=role, party=party)


def test_an_api_client_cannot_write_workflow_fields_or_unknown_ones(api_as, official_id, world):
    report = world["reports"]["id_draft"]
    response = api_as(official_id).patch(
        f"/api/v1/reports/{report.pk}/",
        {
            "version": report.version,
            "status": "accepted",
            "party": "JP",
            "reviewed_by": "secretariat",
            "is_admin": True,
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "status": ["This field is set by the workflow and cannot be written."],
        "party": ["This field is set by the workflow and cannot be written."],
        "reviewed_by": ["This field is set by the workflow and cannot be written."],
        "is_admin": ["Unknown field."],
    }


@pytest.mark.parametrize("action", ["submit", "accept", "return", "reopen"])
def test_workflow_action_bodies_refuse_unknown_fields(api_as, cast, world, action):
    user = cast["official_id"] if action == "submit" else cast["secretariat"]
    report = world["reports"]["id_draft" if action == "submit" else "id_submitted"]
    body = {"comment": "A reason.", "status": "accepted", "reviewed_by": "someone"}
    response = api_as(user).post(f"/api/v1/reports/{report.pk}/{action}/", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "status": ["Unknown field."],
        "reviewed_by": ["Unknown field."],
    }
    report.refresh_from_db()
    assert report.transitions.count() == (1 if action == "submit" else 2)


def test_a_deactivated_users_tokens_and_sessions_stop_working(client, secretariat, official_jp):
    from django.test import Client
    from rest_framework.test import APIClient

    _token, key = ApiToken.issue(user=official_jp, name="dashboard")
    own_session = Client()
    own_session.force_login(official_jp)
    assert own_session.get("/reports/").status_code == 200
    client.force_login(secretariat)
    client.post(USERS, {"action": "deactivate_selected", "_selected_action": [official_jp.pk]})
    response = APIClient().get("/api/v1/reports/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 401
    assert response.json()["detail"] == "The token is not valid or was revoked."
    assert own_session.get("/reports/")["Location"].startswith("/accounts/login/")
