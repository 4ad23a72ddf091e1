"""Sign-in and sessions: key rotation, idle and absolute timeouts, logout, deactivation,
throttling."""

import time

import pytest
from django.conf import settings
from django.urls import reverse

from apc import services
from apc.core.middleware import SESSION_LAST_SEEN, SESSION_LOGIN_AT
from apc.models import AuditEvent
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def login(client, user, password=TEST_PASSWORD):
    return client.post(reverse("login"), {"username": user.username, "password": password})


def test_login_rotates_the_session_key_and_is_audited(client):
    user = UserFactory()
    client.get(reverse("login"))
    client.session.save()
    anonymous_key = client.session.session_key
    response = login(client, user)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.session.session_key != anonymous_key
    assert AuditEvent.objects.filter(actor=user, action="auth.login").exists()


def test_wrong_password_is_refused_and_audited(client):
    user = UserFactory()
    response = login(client, user, "wrong-password-entirely")
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    event = AuditEvent.objects.get(action="auth.login_failed", outcome="denied")
    assert event.actor is None  # whoever typed it is unknown; the account is the object
    assert (event.object_type, event.object_id) == ("apc.user", str(user.pk))


def _age_session(client, **seconds_ago):
    session = client.session
    now = time.time()
    for key, ago in seconds_ago.items():
        session[key] = now - ago
    session.save()


def test_idle_timeout_ends_the_session(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("home")).status_code == 200
    _age_session(client, **{SESSION_LAST_SEEN: settings.SESSION_IDLE_TIMEOUT + 5})
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.get(reverse("home")).status_code == 302
    assert AuditEvent.objects.filter(
        actor=user, action="auth.session_expired", summary="idle timeout"
    ).exists()


def test_activity_keeps_the_session_alive_until_the_absolute_timeout(client):
    client.force_login(UserFactory())
    client.get(reverse("home"))
    _age_session(
        client, **{SESSION_LAST_SEEN: 60, SESSION_LOGIN_AT: settings.SESSION_ABSOLUTE_TIMEOUT - 120}
    )
    assert client.get(reverse("home")).status_code == 200
    _age_session(
        client, **{SESSION_LAST_SEEN: 60, SESSION_LOGIN_AT: settings.SESSION_ABSOLUTE_TIMEOUT + 1}
    )
    assert client.get(reverse("home")).status_code == 302


def test_api_answers_401_after_timeout(client):
    client.force_login(UserFactory())
    client.get(reverse("home"))
    _age_session(client, **{SESSION_LAST_SEEN: settings.SESSION_IDLE_TIMEOUT + 5})
    assert client.get(reverse("api:inbox-list")).status_code == 401


def test_cookie_age_matches_idle_timeout():
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_TIMEOUT == 30 * 60
    assert settings.SESSION_ABSOLUTE_TIMEOUT == 12 * 60 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST


def test_logout_ends_the_session_on_the_server(client):
    user = UserFactory()
    login(client, user)
    old_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    client.cookies[settings.SESSION_COOKIE_NAME] = old_cookie  # replaying the old cookie
    assert client.get(reverse("home")).status_code == 302
    assert AuditEvent.objects.filter(actor=user, action="auth.logout").exists()


def test_logout_by_get_is_refused(client):
    client.force_login(UserFactory())
    assert client.get(reverse("logout")).status_code == 405


def test_deactivated_user_is_out_at_once(client):
    user = UserFactory()
    admin = UserFactory(is_superuser=True, is_staff=True)
    login(client, user)
    assert client.get(reverse("home")).status_code == 200
    services.user_set_active(actor=admin, user=user, active=False)
    assert client.get(reverse("home")).status_code == 302
    assert client.get(reverse("api:inbox-list")).status_code == 401
    event = AuditEvent.objects.get(action="user.deactivate", object_id=str(user.pk))
    assert event.changes == {"is_active": {"before": True, "after": False}}
    assert "sessions ended: 1" in event.summary


def test_deactivated_user_cannot_sign_in(client):
    user = UserFactory(is_active=False)
    assert login(client, user).status_code == 200
    assert client.get(reverse("home")).status_code == 302


def test_deactivated_users_api_token_stops_working(client):
    from rest_framework.authtoken.models import Token

    user = UserFactory(role="api_client")
    token = Token.objects.create(user=user)
    headers = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    assert client.get(reverse("api:me"), **headers).status_code == 200
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert client.get(reverse("api:me"), **headers).status_code in (401, 403)


def test_only_superusers_may_deactivate():
    from apc.core.exceptions import NotPermitted

    with pytest.raises(NotPermitted):
        services.user_set_active(
            actor=UserFactory(role="co_chair"), user=UserFactory(), active=False
        )


def test_repeated_failures_lock_the_account_out(client):
    user = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, user, "not-the-password-at-all")
    response = login(client, user)  # even the right password is refused now
    assert response.status_code == 429
    assert "temporarily locked" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_password_validators_refuse_weak_passwords():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    user = UserFactory.build(username="nadia.okafor", email="nadia.okafor@apc.example")
    for weak in ["short1!", "12345678901234567", "nadia.okafor@apc.example1"]:
        with pytest.raises(ValidationError):
            validate_password(weak, user)
    validate_password("a-long-and-unusual-passphrase", user)
