"""The core path, end to end through the services: commission, write, publish, permanence."""

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from afteraction import relevance, search, services
from afteraction.models import Lesson, Report
from tests.afteraction import support as s
from tests.factories import UserFactory
from tests.plans.support import make_plan

pytestmark = pytest.mark.django_db


def test_publish_then_the_database_refuses_any_change():
    report = s.published_report(
        lessons=[{"statement": "Mediation by regional leaders ended the violence.",
                  "countries": ["KEN"]}]
    )  # fmt: skip
    assert report.status == Report.Status.PUBLISHED
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as c:
        c.execute("UPDATE afteraction_report SET title = 'x' WHERE id = %s", [report.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as c:
        c.execute("DELETE FROM afteraction_lesson WHERE report_id = %s", [report.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as c:
        c.execute("DELETE FROM afteraction_lesson_countries")
    report.refresh_from_db()
    assert report.title == "The crisis"


def test_search_and_relevance():
    s.published_report(
        iso3="SDN",
        lessons=[{"statement": "Mediation by regional leaders ended the violence.",
                  "countries": ["SDN"]}],
    )  # fmt: skip
    reader = UserFactory(role="member", clearance="S")
    res = search.search_lessons(reader, "mediation")
    assert res.total == 1
    assert "<mark>" in res.hits[0].highlights["statement"]
    assert res.facets["country"][0].key == "SDN"
    plan = make_plan(iso3="SDN")
    assert relevance.lessons_check(plan)[0] is False
    lesson = Lesson.objects.get()
    services.lesson_consider(actor=plan.owner, plan=plan, lesson=lesson, note="Taken in.")
    assert relevance.lessons_check(plan)[0] is True
