"""API client accounts: `create_api_client` and `revoke_api_client`.

Source: issue 3, "REST API" ("Token authentication for service accounts ... `python manage.py
create_api_client NAME [--agency CODE] [--clearance LEVEL]` creates an `api_client` user and
prints its token; tokens can be revoked") and DESIGN.md, "Users" (`api_client`: service
accounts of other agencies that read watchlist status over REST with a token).
"""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token

from apc.core import roles
from apc.core.markings import Marking
from apc.models import AuditEvent, User
from tests.factories import TEST_PASSWORD, UserFactory, ensure_countries

pytestmark = pytest.mark.django_db


def create(*args) -> str:
    out = StringIO()
    call_command("create_api_client", *args, stdout=out)
    return out.getvalue()


def printed_token(output: str) -> str:
    match = re.search(r"^Token: (\w+)$", output, re.M)
    assert match, output
    return match.group(1)


def test_create_makes_a_token_only_service_account_with_safe_defaults():
    output = create("usaid-feed")
    user = User.objects.get(username="usaid-feed")
    assert user.roles == {roles.API_CLIENT}
    assert user.agency.code == "state"
    assert user.clearance == Marking.U  # least privilege unless told otherwise
    assert not user.has_usable_password()
    key = printed_token(output)
    assert Token.objects.get(user=user).key == key
    event = AuditEvent.objects.get(action="api_client.create")
    assert event.actor is None and event.object_id == str(user.pk)
    assert key not in event.summary


def test_create_takes_agency_and_clearance_in_any_case():
    create("ic-feed", "--agency", "ODNI", "--clearance", "cui")
    user = User.objects.get(username="ic-feed")
    assert (user.agency.code, user.clearance) == ("odni", Marking.CUI)


def test_the_printed_token_reads_the_watchlist(client):
    ensure_countries()
    key = printed_token(create("state-feed"))
    response = client.get("/api/v1/watchlist/", headers={"Authorization": f"Token {key}"})
    assert response.status_code == 200
    response = client.get("/api/v1/me/", headers={"Authorization": f"Token {key}"})
    assert response.json()["roles"] == [roles.API_CLIENT]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["taken"], "already exists"),
        (["TAKEN"], "already exists"),
        (["new-feed", "--agency", "cia"], "Unknown agency 'cia'; one of: "),
        (["new-feed", "--clearance", "TS"], "Unknown clearance 'TS'; one of: U, CUI, C, S"),
        (["bad name!"], "Enter a valid username"),
    ],
)
def test_create_refuses_bad_input_and_creates_nothing(args, message):
    UserFactory(username="taken")
    users, tokens, events = User.objects.count(), Token.objects.count(), AuditEvent.objects.count()
    with pytest.raises(CommandError, match=re.escape(message)):
        create(*args)
    assert (User.objects.count(), Token.objects.count(), AuditEvent.objects.count()) == (
        users,
        tokens,
        events,
    )


def test_revoke_deletes_the_token_and_the_api_refuses_it(client):
    ensure_countries()
    key = printed_token(create("old-feed"))
    auth = {"Authorization": f"Token {key}"}
    assert client.get("/api/v1/watchlist/", headers=auth).status_code == 200

    out = StringIO()
    call_command("revoke_api_client", "old-feed", stdout=out)

    assert "Revoked" in out.getvalue()
    assert not Token.objects.filter(user__username="old-feed").exists()
    assert User.objects.filter(username="old-feed").exists()
    event = AuditEvent.objects.get(action="api_client.revoke")
    assert event.actor is None and event.object_id == str(User.objects.get(username="old-feed").pk)
    response = client.get("/api/v1/watchlist/", headers=auth)
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token.", "errors": {}}


def test_revoke_refuses_unknown_names_people_and_revoked_clients():
    person = UserFactory(role=roles.MEMBER, password=TEST_PASSWORD)
    Token.objects.create(user=person)
    create("feed")
    call_command("revoke_api_client", "feed", stdout=StringIO())
    events = AuditEvent.objects.count()
    for name, message in [
        ("nobody", "No user named 'nobody'"),
        (person.username, "is not an API client"),
        ("feed", "has no token (already revoked)"),
    ]:
        with pytest.raises(CommandError, match=re.escape(message)):
            call_command("revoke_api_client", name, stdout=StringIO())
    assert Token.objects.filter(user=person).exists()
    assert AuditEvent.objects.count() == events
