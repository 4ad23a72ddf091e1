"""Commissions are reminded like other deadlines (services.commission_reminders, run by the beat
schedule through afteraction.tasks): a notice when a report falls due and one when it is
overdue, each once, to the author team and the commissioner, within their clearance.

Source: issue 7, "The directorate commissions an after-action report: ... due date; overdue
commissions are reminded like other deadlines"; seeds/000, "Crisis Response Structure and
Process" (the directorate commissions the reports).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import override_settings

from afteraction import services, tasks
from apc.meetings.dates import committee_today
from apc.models import Notification
from apc.services import WITHHELD_SUBJECT
from tests.afteraction import support as s

pytestmark = pytest.mark.django_db

DUE = "After-action report due soon"
OVERDUE = "After-action report overdue"


def received(user, subject: str) -> int:
    return Notification.objects.filter(recipient=user, subject=subject).count()


@pytest.fixture
def owed():
    """A commission due in 30 days, with two authors; the notices of its commission cleared."""
    staff = s.directorate()
    first, second = s.author(), s.author()
    report = s.commission(by=staff, authors=[first, second])
    Notification.objects.all().delete()
    return {"report": report, "staff": staff, "authors": [first, second]}


@override_settings(AFTERACTION_DUE_NOTICE_DAYS=7)
def test_due_soon_then_overdue_each_once_to_the_team_and_the_commissioner(owed):
    report, staff, team = owed["report"], owed["staff"], owed["authors"]
    due = report.due_on
    assert services.commission_reminders(due - timedelta(days=8)) == 0  # not yet
    assert services.commission_reminders(due - timedelta(days=7)) == 3
    assert services.commission_reminders(due - timedelta(days=3)) == 0  # once
    assert services.commission_reminders(due) == 0  # due today is not yet overdue
    for user in (*team, staff):
        assert received(user, DUE) == 1 and received(user, OVERDUE) == 0
    assert services.commission_reminders(due + timedelta(days=1)) == 3
    assert services.commission_reminders(due + timedelta(days=9)) == 0  # once
    for user in (*team, staff):
        assert received(user, OVERDUE) == 1
    notice = Notification.objects.filter(subject=OVERDUE).first()
    assert report.title in notice.body and f"/{report.pk}" in notice.link


def test_a_new_due_date_is_reminded_again(owed):
    report, staff = owed["report"], owed["staff"]
    assert services.commission_reminders(report.due_on + timedelta(days=1)) == 3
    later = report.due_on + timedelta(days=30)
    services.commission_update(
        actor=staff, report=report, title=report.title, scope_questions="Why?", due_on=later
    )
    assert services.commission_reminders(later + timedelta(days=1)) == 3


def test_published_and_withdrawn_reports_are_not_reminded(owed):
    report, staff, (writer, _) = owed["report"], owed["staff"], owed["authors"]
    s.write(report, writer)
    s.lesson(report, writer)
    s.publish(report, writer, staff)
    other = s.commission(by=staff, authors=[writer])
    services.report_transition(actor=staff, report=other, action="withdraw", comment="Dropped.")
    Notification.objects.all().delete()
    assert services.commission_reminders(report.due_on + timedelta(days=5)) == 0
    assert not Notification.objects.exists()


def test_in_review_is_still_owed(owed):
    report, (writer, _) = owed["report"], owed["authors"]
    s.write(report, writer)
    s.lesson(report, writer)
    services.report_transition(actor=writer, report=report, action="start")
    services.report_transition(actor=writer, report=report, action="submit")
    assert services.commission_reminders(report.due_on + timedelta(days=1)) == 3


def test_a_recipient_below_the_reports_marking_gets_no_details():
    staff = s.directorate()
    writer = s.author()
    report = s.commission(by=staff, authors=[writer], marking="C", title="Confidential title")
    writer.clearance = "CUI"  # lowered after the commission
    writer.save(update_fields=["clearance"])
    Notification.objects.all().delete()
    services.commission_reminders(report.due_on + timedelta(days=1))
    withheld = Notification.objects.get(recipient=writer)
    assert withheld.subject == WITHHELD_SUBJECT and "Confidential title" not in withheld.body
    assert withheld.marking == "U"
    told = Notification.objects.get(recipient=staff)
    assert told.subject == OVERDUE and "Confidential title" in told.body and told.marking == "C"


def test_inactive_people_are_not_reminded(owed):
    report, (first, second) = owed["report"], owed["authors"]
    first.is_active = False
    first.save(update_fields=["is_active"])
    assert services.commission_reminders(report.due_on + timedelta(days=1)) == 2
    assert received(first, OVERDUE) == 0 and received(second, OVERDUE) == 1


def test_the_beat_schedule_runs_the_task_and_the_task_reminds():
    entries = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if "afteraction" in e["task"]]
    assert [e["task"] for e in entries] == ["afteraction.tasks.commission_reminders"]
    assert tasks.commission_reminders.name == "afteraction.tasks.commission_reminders"
    staff = s.directorate()
    writer = s.author()
    s.commission(by=staff, authors=[writer], due_on=committee_today() + timedelta(days=1))
    Notification.objects.all().delete()
    assert tasks.commission_reminders.apply().get() == 2
    assert tasks.commission_reminders.apply().get() == 0
    assert received(writer, DUE) == 1
