"""Action items: agreed while the meeting is held, owned by an agency that alone reports on them
(status, implementation notes, impact), reassigned by the co-chairs, with an append-only
history.

Source: seeds/000, "Crisis Response Structure and Process", recommendation 4-1: the APC would
"coordinate preventive action by executive agencies" and "every other month ... review
implementation of previously agreed actions, their resulting impacts, and the current status of
relevant situations".
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from apc.core import roles
from apc.core.exceptions import Invalid, InvalidTransition, NotPermitted
from apc.core.markings import Marking
from apc.meetings import services
from apc.meetings.dates import committee_today
from apc.meetings.models import ActionItem, ActionItemUpdate, Meeting, MinutesAddendum
from apc.models import AuditEvent, Notification
from tests.factories import MeetingFactory, UserFactory, country
from tests.meetings.test_services import committee

pytestmark = pytest.mark.django_db


@pytest.fixture
def c():
    return committee()


@pytest.fixture
def held():
    return MeetingFactory(status=Meeting.Status.HELD)


@pytest.fixture
def item(c, held):
    return services.action_item_create(
        actor=c.staff,
        meeting=held,
        text="Raise access for humanitarian convoys with the authorities.",
        owner_agency=c.agency["state"],
        assignee=c.principal["state"],
        due=committee_today() + timedelta(days=30),
    )


def test_creating_an_action_item(c, held, item):
    assert (item.status, item.meeting, item.owner_agency) == ("open", held, c.agency["state"])
    told = {n.recipient for n in Notification.objects.filter(event_key=f"action:{item.pk}:created")}
    # the owner agency's seated principal and alternate (and the assignee)
    assert told == {c.principal["state"], c.alternate["state"]}
    assert AuditEvent.objects.filter(action="action_item.create", object_id=str(item.pk)).exists()
    due = committee_today()
    with pytest.raises(Invalid) as refused:  # the assignee must belong to the owner agency
        services.action_item_create(
            actor=c.staff,
            meeting=held,
            text="x",
            owner_agency=c.agency["state"],
            assignee=c.principal["defense"],
            due=due,
        )
    assert "assignee" in refused.value.errors
    with pytest.raises(Invalid):
        services.action_item_create(
            actor=c.staff, meeting=held, text=" ", owner_agency=c.agency["state"], due=due
        )
    with pytest.raises(InvalidTransition):  # agreed while the meeting is held
        services.action_item_create(
            actor=c.staff,
            meeting=MeetingFactory(status=Meeting.Status.CLOSED),
            text="Late.",
            owner_agency=c.agency["state"],
            due=due,
        )
    with pytest.raises(NotPermitted):
        services.action_item_create(
            actor=c.principal["state"],
            meeting=held,
            text="Self-tasked.",
            owner_agency=c.agency["state"],
            due=due,
        )
    assert ActionItem.objects.count() == 1


def test_an_action_item_is_marked_at_least_like_its_country(c, held):
    from watchlist.models import Country

    Country.objects.filter(pk="MMR").update(marking=Marking.C)
    item = services.action_item_create(
        actor=c.staff,
        meeting=held,
        text="Prepare options for targeted sanctions.",
        owner_agency=c.agency["treasury"],
        due=committee_today(),
        country=country("MMR"),
    )
    assert item.marking == Marking.C


def update(actor, item, **kw):
    return services.action_item_update(actor=actor, item=item, **kw)


def test_only_the_owner_agency_updates_its_action_item(c, item):
    """Its members (principal, alternate) and a co-chair of that agency; not the directorate,
    not the other co-chair, not another agency's members, not anyone else."""
    update(c.principal["state"], item, status="in_progress", note="Started.")
    update(c.alternate["state"], item, implementation_notes="Demarche delivered.")
    update(c.chair2, item, impact="Convoys reached two towns.")  # the State co-chair
    outsiders = [
        c.staff,  # the secretariat drafts items; it does not report on them
        c.chair,  # a co-chair of another agency (NSC)
        c.principal["defense"],
        c.alternate["usaid"],
        UserFactory(role=roles.ANALYST, agency=c.agency["state"]),
        UserFactory(role=roles.DEPUTIES, agency=c.agency["state"]),
        UserFactory(role=roles.AUDITOR, agency=c.agency["state"]),
    ]
    for actor in outsiders:
        with pytest.raises(NotPermitted):
            update(actor, item, status="done")
    item.refresh_from_db()
    assert (item.status, item.implementation_notes, item.impact) == (
        "in_progress",
        "Demarche delivered.",
        "Convoys reached two towns.",
    )
    assert ActionItemUpdate.objects.filter(item=item).count() == 3


def test_history_and_closing(c, item):
    principal = c.principal["state"]
    update(principal, item, status="in_progress")
    item = update(principal, item, status="done", implementation_notes="Agreed on 2 June.")
    assert item.status == "done" and item.closed_at is not None
    item = update(principal, item, status="in_progress", note="Convoys blocked again.")
    assert item.closed_at is None
    item = update(principal, item, status="dropped")
    assert item.closed_at is not None
    before = ActionItemUpdate.objects.count()
    update(principal, item, status="dropped", implementation_notes="Agreed on 2 June.")  # no-op
    assert ActionItemUpdate.objects.count() == before
    update(principal, item, note="For the record.")  # a note alone is kept
    history = list(ActionItemUpdate.objects.filter(item=item).order_by("id"))
    assert [h.changes.get("status", {}).get("after") for h in history] == [
        "in_progress",
        "done",
        "in_progress",
        "dropped",
        None,
    ]
    assert history[1].changes["implementation_notes"] == {
        "before": "",
        "after": "Agreed on 2 June.",
    }
    assert history[2].note == "Convoys blocked again." and history[2].author == principal
    assert AuditEvent.objects.filter(action="action_item.update").count() == 5
    with pytest.raises(Invalid):
        update(principal, item, status="finished")


@pytest.mark.parametrize("table", ["apc_actionitemupdate", "apc_minutesaddendum"])
def test_the_history_is_append_only_in_the_database(c, item, table):
    update(c.principal["state"], item, status="in_progress", note="Started.")
    MinutesAddendum.objects.create(meeting=item.meeting, text="Correction.", author=c.staff)
    for sql in (f"UPDATE {table} SET id = id", f"DELETE FROM {table}"):  # noqa: S608
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert ActionItemUpdate.objects.count() == 1 and MinutesAddendum.objects.count() == 1


def test_co_chairs_reassign(c, item):
    due = committee_today() + timedelta(days=45)
    for actor in (c.staff, c.principal["state"], c.principal["defense"]):
        with pytest.raises(NotPermitted):
            services.action_item_reassign(
                actor=actor, item=item, owner_agency=c.agency["defense"], assignee=None, due=due
            )
    with pytest.raises(Invalid):  # the assignee must belong to the new owner agency
        services.action_item_reassign(
            actor=c.chair,
            item=item,
            owner_agency=c.agency["defense"],
            assignee=c.principal["state"],
            due=due,
        )
    moved = services.action_item_reassign(
        actor=c.chair,
        item=item,
        owner_agency=c.agency["defense"],
        assignee=c.alternate["defense"],
        due=due,
        note="Defense has the airlift.",
    )
    assert (moved.owner_agency, moved.assignee, moved.due) == (
        c.agency["defense"],
        c.alternate["defense"],
        due,
    )
    last = ActionItemUpdate.objects.filter(item=item).latest("id")
    assert last.author == c.chair and set(last.changes) == {"owner_agency_id", "assignee_id", "due"}
    told = {n.recipient for n in Notification.objects.filter(subject__contains="assigned")}
    assert told == {c.principal["defense"], c.alternate["defense"]}
    # the new owner reports on it now, the old one no longer
    update(c.principal["defense"], moved, status="in_progress")
    with pytest.raises(NotPermitted):
        update(c.principal["state"], moved, status="done")
    # nothing changed: nothing written
    count = ActionItemUpdate.objects.count()
    services.action_item_reassign(
        actor=c.chair2,
        item=moved,
        owner_agency=c.agency["defense"],
        assignee=c.alternate["defense"],
        due=due,
    )
    assert ActionItemUpdate.objects.count() == count


# --- reminders ------------------------------------------------------------------------------


def notices(subject_start: str):
    return Notification.objects.filter(subject__startswith=subject_start)


def test_the_day_before_reminder_is_sent_once(c):
    now = timezone.now()
    soon = MeetingFactory(status=Meeting.Status.AGENDA_LOCKED, starts_at=now + timedelta(hours=20))
    MeetingFactory(starts_at=now + timedelta(hours=30))  # not yet
    MeetingFactory(status=Meeting.Status.CANCELLED, starts_at=now + timedelta(hours=5))
    sent = services.meetings_reminders(now=now)
    reminded = notices("Tomorrow:")
    assert sent == reminded.count() > 0
    assert {n.link for n in reminded} == {soon.get_absolute_url()}
    people = {n.recipient for n in reminded}
    assert people >= {c.chair, c.chair2, c.staff, c.principal["jcs"], c.alternate["justice"]}
    assert len(people) == reminded.count()  # one each
    assert services.meetings_reminders(now=now) == 0
    assert services.meetings_reminders(now=now + timedelta(hours=1)) == 0
    assert notices("Tomorrow:").count() == len(people)


def test_due_soon_and_overdue_notices_go_to_the_owner_agency_once(c, held):
    today = committee_today()

    def make(code, due, status="open"):
        return ActionItem.objects.create(
            meeting=held,
            text=f"Action of {code}",
            owner_agency=c.agency[code],
            due=due,
            status=status,
        )

    soon = make("state", today + timedelta(days=2))
    late = make("defense", today - timedelta(days=3))
    make("treasury", today + timedelta(days=10))  # not yet
    make("usaid", today - timedelta(days=1), status="done")  # closed: nothing to say
    services.meetings_reminders()
    due = notices("Action item falling due")
    overdue = notices("Action item overdue")
    assert {n.recipient for n in due} == {c.principal["state"], c.alternate["state"]}
    assert {n.recipient for n in overdue} == {c.principal["defense"], c.alternate["defense"]}
    assert all(f"#{soon.pk}" in n.body for n in due)
    assert all(f"#{late.pk}" in n.body for n in overdue)
    assert services.meetings_reminders() == 0
    assert (due.count(), overdue.count()) == (2, 2)
    # once the item passes its due date, the overdue notice follows (once)
    ActionItem.objects.filter(pk=soon.pk).update(due=today - timedelta(days=1))
    assert services.meetings_reminders() == 2
    assert services.meetings_reminders() == 0


def test_the_reminders_task(c):
    from apc import tasks

    MeetingFactory(starts_at=timezone.now() + timedelta(hours=2))
    assert tasks.meetings_reminders.apply().get() > 0
    assert tasks.meetings_reminders.apply().get() == 0
