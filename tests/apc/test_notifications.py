"""Notifications: notify() never leaks above clearance; e-mail carries subject + link only and is
sent once; the inbox (HTML and API) shows the caller's own, newest first."""

import pytest
from django.core import mail
from django.urls import reverse

from apc import services
from apc.core.exceptions import Invalid
from apc.core.markings import Marking
from apc.models import Notification
from apc.tasks import notification_email_sweep
from tests.factories import NotificationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_body_is_withheld_from_recipients_below_its_marking(django_capture_on_commit_callbacks):
    cleared, uncleared = UserFactory(clearance=Marking.S), UserFactory(clearance=Marking.CUI)
    with django_capture_on_commit_callbacks():
        services.notify(
            [cleared, uncleared], "Acute warning filed", "Secret details", "/x/", Marking.S
        )
    got = {n.recipient_id: n for n in Notification.objects.all()}
    assert got[cleared.pk].body == "Secret details" and got[cleared.pk].marking == Marking.S
    assert "Secret details" not in got[uncleared.pk].body
    assert (
        got[uncleared.pk].body == services.WITHHELD_BODY and got[uncleared.pk].marking == Marking.U
    )


def test_notify_skips_inactive_and_duplicate_recipients(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks():
        services.notify([user, user, UserFactory(is_active=False)], "s", "b")
    assert Notification.objects.count() == 1


@pytest.mark.parametrize(
    ("kwargs", "field"), [({"marking": "TS"}, "marking"), ({"subject": "x" * 201}, "subject")]
)
def test_bad_input_is_refused_and_changes_nothing(kwargs, field):
    args = {"subject": "s", "body": "b", "link": "/", "marking": Marking.U, **kwargs}
    with pytest.raises(Invalid) as exc:
        services.notify([UserFactory()], **args)
    assert field in exc.value.errors
    assert not Notification.objects.exists()


def test_email_carries_only_subject_and_link_and_is_sent_once():
    n = NotificationFactory(body="Sensitive body", email_wanted=True, marking=Marking.S)
    assert services.notification_email_send(notification_id=n.pk) is True
    assert services.notification_email_send(notification_id=n.pk) is False  # idempotent
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == f"[APC] {n.subject}" and message.to == [n.recipient.email]
    assert "Sensitive body" not in message.body
    assert reverse("inbox-detail", args=[n.pk]) in message.body


def test_sweeper_sends_what_was_never_published():
    from datetime import timedelta

    from django.utils import timezone

    old = NotificationFactory(email_wanted=True, created_at=timezone.now() - timedelta(minutes=10))
    fresh = NotificationFactory(email_wanted=True)
    assert notification_email_sweep() == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.emailed_at is not None and fresh.emailed_at is None


def test_inbox_api_lists_own_notifications_newest_first(client):
    me = UserFactory()
    first = NotificationFactory(recipient=me, subject="first")
    NotificationFactory(recipient=me, subject="second", marking=Marking.C)
    NotificationFactory(subject="someone else's")
    client.force_login(me)
    response = client.get(reverse("api:inbox-list"))
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["subject"] for r in results] == ["second", "first"]
    assert set(results[0]) >= {"subject", "link", "created_at", "read", "marking"}
    assert results[0]["read"] is False
    assert response["X-APC-Classification"] == "CONFIDENTIAL"
    assert first.pk in {r["id"] for r in results}


def test_inbox_api_mark_read(client):
    n = NotificationFactory()
    client.force_login(n.recipient)
    response = client.post(reverse("api:inbox-read", args=[n.pk]))
    assert response.status_code == 200 and response.json()["read"] is True


def test_someone_elses_notification_is_404_in_html_and_api(client):
    n = NotificationFactory()
    client.force_login(UserFactory())
    assert client.get(reverse("inbox-detail", args=[n.pk])).status_code == 404
    api = client.get(reverse("api:inbox-detail", args=[n.pk]))
    assert api.status_code == 404 and api.json() == {"detail": "Not found.", "errors": {}}
    # indistinguishable from an id that does not exist
    assert client.get(reverse("api:inbox-detail", args=[999999])).status_code == 404


def test_inbox_requires_authentication(client):
    assert client.get(reverse("api:inbox-list")).status_code in (401, 403)
    assert client.get(reverse("inbox")).status_code == 302


def test_opening_a_notification_marks_it_read_and_follows_local_links_only(client):
    me = UserFactory()
    local = NotificationFactory(recipient=me, link="/inbox/")
    evil = NotificationFactory(recipient=me, link="https://evil.example/")
    client.force_login(me)
    assert client.get(reverse("inbox-detail", args=[local.pk])).status_code == 200
    local.refresh_from_db()
    assert local.read
    assert client.post(reverse("inbox-open", args=[local.pk]))["Location"] == "/inbox/"
    assert client.post(reverse("inbox-open", args=[evil.pk]))["Location"] == reverse(
        "inbox-detail", args=[evil.pk]
    )


def test_unread_count_in_header_and_mark_all_read(client):
    me = UserFactory()
    NotificationFactory.create_batch(3, recipient=me)
    client.force_login(me)
    page = client.get(reverse("home")).content.decode()
    assert 'data-testid="unread-count">3<' in page
    client.post(reverse("inbox-read-all"))
    assert 'data-testid="unread-count">0<' in client.get(reverse("inbox")).content.decode()


def test_page_banner_shows_the_highest_marking_on_the_page(client):
    me = UserFactory(clearance=Marking.S)
    NotificationFactory(recipient=me, marking=Marking.CUI)
    NotificationFactory(recipient=me, marking=Marking.C)
    client.force_login(me)
    page = client.get(reverse("inbox")).content.decode()
    assert 'data-testid="banner-top">CONFIDENTIAL<' in page
    assert 'data-testid="banner-bottom">CONFIDENTIAL<' in page
