"""The audit trail: written in the caller's transaction, append-only in the database, records
refusals, readable and exportable by auditors only."""

import csv
import io

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from apc.core import roles
from apc.core.audit import diff, record_event, snapshot
from apc.core.markings import Marking
from apc.models import AuditEvent
from tests.factories import AuditEventFactory, NotificationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_record_event_captures_actor_agency_object_and_change():
    user = UserFactory()
    n = NotificationFactory()
    event = record_event(
        actor=user,
        action="notification.change",
        obj=n,
        changes={"subject": {"before": "a", "after": "b"}},
        summary="changed",
    )
    event.refresh_from_db()
    assert event.actor == user and event.actor_agency_id == user.agency_id
    assert event.actor_username == user.username
    assert (event.object_type, event.object_id) == ("apc.notification", str(n.pk))
    assert event.changes == {"subject": {"before": "a", "after": "b"}}
    assert event.outcome == "allowed" and event.created_at.tzinfo is not None


def test_record_event_rolls_back_with_the_change():
    user = UserFactory()
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        NotificationFactory(recipient=user)
        record_event(actor=user, action="notification.create")
        raise RuntimeError("the change failed")
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE apc_auditevent SET action = 'tampered' WHERE id = %s",
        "DELETE FROM apc_auditevent WHERE id = %s",
    ],
)
def test_database_refuses_update_and_delete(statement):
    event = AuditEventFactory()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cur,
    ):
        cur.execute(statement, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "test.event"


def test_database_refuses_truncate_outside_a_test_database():
    AuditEventFactory()
    with (
        pytest.raises(DatabaseError, match="TRUNCATE refused"),
        transaction.atomic(),
        connection.cursor() as cur,
    ):
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # flush the FK checks of the insert
        cur.execute("SET LOCAL apc.allow_audit_truncate = 'off'")
        cur.execute("TRUNCATE apc_auditevent CASCADE")
    assert AuditEvent.objects.exists()


def test_orm_update_and_delete_are_refused_too():
    event = AuditEventFactory()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        event.delete()


def test_an_event_is_marked_like_its_record_and_auditors_see_within_clearance(client):
    secret = NotificationFactory(marking=Marking.S)
    event = record_event(actor=UserFactory(), action="notification.view", obj=secret)
    assert event.marking == Marking.S
    plain = record_event(actor=UserFactory(), action="auth.login")
    assert plain.marking == Marking.U
    assert record_event(actor=None, action="x", marking=Marking.C).marking == Marking.C
    client.force_login(UserFactory(role=roles.AUDITOR, clearance=Marking.CUI))
    page = client.get(reverse("audit-list"))
    shown = {e.pk for e in page.context["events"]}
    assert plain.pk in shown and event.pk not in shown
    rows = b"".join(client.get(reverse("audit-export")).streaming_content).decode()
    assert "notification.view" not in rows


def test_snapshot_and_diff_report_only_changed_fields():
    n = NotificationFactory(subject="old")
    before = snapshot(n, ["subject", "recipient", "link"])
    n.subject = "new"
    assert diff(before, snapshot(n, ["subject", "recipient", "link"])) == {
        "subject": {"before": "old", "after": "new"}
    }


def test_denied_access_to_an_existing_object_is_recorded(client):
    n = NotificationFactory()
    intruder = UserFactory(role=roles.MEMBER)
    client.force_login(intruder)
    response = client.get(reverse("inbox-detail", args=[n.pk]), HTTP_USER_AGENT="pytest-agent")
    assert response.status_code == 404
    event = AuditEvent.objects.get(outcome="denied", actor=intruder)
    assert (event.object_type, event.object_id) == ("apc.notification", str(n.pk))
    assert event.user_agent == "pytest-agent" and event.ip == "127.0.0.1" and event.request_id
    assert response["X-Request-ID"] == event.request_id


def test_denied_record_survives_the_rolled_back_service_transaction():
    """A service that has written and then meets a refusal rolls back; the boundary (middleware or
    API handler) records the refusal afterwards, so the record of it is kept."""
    from apc.core.audit import record_denied
    from apc.core.exceptions import NotPermitted
    from apc.models import Notification

    intruder = UserFactory()
    target = NotificationFactory()
    try:
        with transaction.atomic():
            NotificationFactory(recipient=intruder, subject="half-done write")
            record_event(actor=intruder, action="notification.create")
            raise NotPermitted(action="mark_read", obj=target, actor=intruder, hidden=True)
    except NotPermitted as exc:
        record_denied(request=None, exc=exc)
    assert not Notification.objects.filter(subject="half-done write").exists()
    assert not AuditEvent.objects.filter(action="notification.create").exists()
    denied = AuditEvent.objects.get(outcome="denied", actor=intruder)
    assert (denied.action, denied.object_id) == ("mark_read", str(target.pk))


def test_api_refusal_is_recorded_and_changes_nothing(client):
    """The API path: someone else's notification answers 404 and the attempt is audited."""
    n = NotificationFactory()
    intruder = UserFactory()
    client.force_login(intruder)
    response = client.post(reverse("api:inbox-read", args=[n.pk]))
    assert response.status_code == 404
    assert AuditEvent.objects.filter(outcome="denied", actor=intruder, object_id=str(n.pk)).exists()
    n.refresh_from_db()
    assert n.read_at is None


def test_refused_recordless_action_is_recorded(client):
    analyst = UserFactory(role=roles.ANALYST)
    client.force_login(analyst)
    assert client.get(reverse("audit-list")).status_code == 403
    assert AuditEvent.objects.filter(action="audit.view", outcome="denied", actor=analyst).exists()


def test_auditor_filters_the_trail(client):
    auditor = UserFactory(role=roles.AUDITOR)
    a, b = UserFactory(), UserFactory()
    AuditEventFactory(actor=a, action="warning.view")
    AuditEventFactory(actor=b, action="plan.view")
    client.force_login(auditor)
    page = client.get(reverse("audit-list"), {"actor": a.username}).content.decode()
    assert "warning.view" in page and "plan.view" not in page
    page = client.get(reverse("audit-list"), {"action": "plan"}).content.decode()
    assert "plan.view" in page and "warning.view" not in page


def test_bad_filter_input_says_so_and_shows_nothing(client):
    client.force_login(UserFactory(role=roles.AUDITOR))
    response = client.get(reverse("audit-list"), {"since": "not-a-date"})
    assert response.status_code == 200
    assert "The filter is not valid" in response.content.decode()
    assert response.context["paginator"].count == 0
    export = client.get(reverse("audit-export"), {"since": "not-a-date"})
    assert export.status_code == 400 and b"since" in export.content


def test_export_is_the_filtered_set_and_is_itself_audited(client):
    auditor = UserFactory(role=roles.AUDITOR)
    AuditEventFactory(action="warning.view", summary="=HYPERLINK(1)")
    AuditEventFactory(action="plan.view")
    client.force_login(auditor)
    response = client.get(reverse("audit-export"), {"action": "warning"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:4] == ["time_utc", "actor", "agency", "action"]
    assert [r[3] for r in rows[1:]] == ["warning.view"]
    assert rows[1][6] == "'=HYPERLINK(1)"  # spreadsheet formula neutralised
    assert AuditEvent.objects.filter(action="audit.export", actor=auditor).exists()


@pytest.mark.parametrize("role", [r for r in roles.ALL if r != roles.AUDITOR])
def test_only_auditors_read_or_export_the_trail(client, role):
    client.force_login(UserFactory(role=role))
    assert client.get(reverse("audit-list")).status_code == 403
    assert client.get(reverse("audit-export")).status_code == 403


def test_a_protected_filers_identity_is_masked_for_auditors(client):
    """Alert channel: a protected filer's identity reaches the co-chairs only, so the audit
    pages show "Identity protected" for what the filer did to that warning, and a filter by
    name or agency never finds those events."""
    filer = UserFactory(username="whistle.blower", first_name="Wendy", last_name="Blower")
    record_event(actor=filer, action="warning.file", protect_actor=True)
    record_event(actor=filer, action="plain.event")
    client.force_login(UserFactory(role=roles.AUDITOR))
    page = client.get(reverse("audit-list")).content.decode()
    assert "Identity protected" in page and page.count("whistle.blower") == 1  # the plain event
    found = client.get(reverse("audit-list"), {"actor": "whistle.blower"}).context["events"]
    assert [e.action for e in found] == ["plain.event"]
    rows = b"".join(client.get(reverse("audit-export")).streaming_content).decode()
    protected_rows = [r for r in rows.splitlines() if "warning.file" in r]
    assert protected_rows and "whistle.blower" not in protected_rows[0]
    assert "(identity protected)" in protected_rows[0]
