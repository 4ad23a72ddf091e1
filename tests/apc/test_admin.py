"""The Django admin: superusers only (see the permission matrix), and every write audited."""

import pytest
from django.contrib.auth.models import Group

from apc.models import Agency, AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


def test_changing_an_agency_is_audited_with_before_and_after(admin_client):
    agency = Agency.objects.create(code="test", name="Test Agency", short_name="Test")
    response = admin_client.post(
        f"/admin/apc/agency/{agency.pk}/change/",
        {"code": "test", "name": "Test Agency", "short_name": "Renamed"},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="admin.change", object_id=str(agency.pk))
    assert event.changes == {"short_name": {"before": "Test", "after": "Renamed"}}


def test_clearance_and_role_changes_to_a_user_are_audited(admin_client):
    auditor_role = Group.objects.get_or_create(name="auditor")[0]
    user = UserFactory(clearance="CUI")
    response = admin_client.post(
        f"/admin/apc/user/{user.pk}/change/",
        {
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "groups": [auditor_role.pk],
            "agency": user.agency_id,
            "clearance": "S",
            "title": "",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    change = AuditEvent.objects.get(action="admin.change", object_id=str(user.pk))
    assert change.changes["clearance"] == {"before": "CUI", "after": "S"}
    related = AuditEvent.objects.get(action="admin.change_related", object_id=str(user.pk))
    assert related.changes == {"groups": {"before": [], "after": [auditor_role.pk]}}


def test_password_change_in_the_admin_is_audited_without_the_hash(admin_client):
    user = UserFactory()
    old_hash = user.password
    response = admin_client.post(
        f"/admin/apc/user/{user.pk}/password/",
        {
            "password1": "a-brand-new-long-passphrase",
            "password2": "a-brand-new-long-passphrase",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="admin.password_change", object_id=str(user.pk))
    assert event.changes == {"password": {"before": "(changed)", "after": "(changed)"}}
    user.refresh_from_db()
    assert old_hash not in str(event.changes) and user.password not in str(event.changes)


def test_deleting_in_the_admin_is_audited(admin_client):
    agency = Agency.objects.create(code="gone", name="Gone Agency", short_name="Gone")
    response = admin_client.post(f"/admin/apc/agency/{agency.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="admin.delete", object_id=str(agency.pk)).exists()


def test_audit_events_cannot_be_changed_or_deleted_in_the_admin(admin_client):
    event = AuditEvent.objects.create(action="x")
    assert admin_client.get(f"/admin/apc/auditevent/{event.pk}/change/").status_code == 200
    assert (
        admin_client.post(f"/admin/apc/auditevent/{event.pk}/change/", {"action": "y"}).status_code
        == 403
    )
    assert (
        admin_client.post(f"/admin/apc/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    event.refresh_from_db()
    assert event.action == "x"


def test_every_admin_page_opens(admin_client):
    from django.contrib import admin

    for model in admin.site._registry:
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        assert admin_client.get(url).status_code == 200, url
        add = admin_client.get(url + "add/").status_code
        assert add in (200, 403), url + "add/"
