"""The exercise pages (issue 7: "the directorate records exercises of the crisis-management
procedures and rehearsals of specific plans (date, scenario, participants, results); an exercise
can be the subject of a report").

Source: seeds/000_588810f2139c9d78.txt, "Crisis Response Structure and Process": the
directorate "oversees exercising and rehearsal" and commissions "after action" reports.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from afteraction import services
from afteraction.models import Exercise, Report
from apc.core import roles
from apc.meetings.dates import committee_today
from tests.afteraction import support as s
from tests.afteraction.page_support import has_testid, login, section, text, url
from tests.factories import UserFactory
from tests.plans.support import make_plan

pytestmark = pytest.mark.django_db

A = roles


def exercise_data(**overrides) -> dict:
    data = {
        "kind": "procedures",
        "title": "Tabletop of the emergency procedures",
        "held_on": (committee_today() - timedelta(days=7)).isoformat(),
        "plan": "",
        "scenario": "Mass atrocities reported in a border region.",
        "participants": "Directorate; State; Defense; USAID.",
        "results": "The emergency meeting convened within 36 hours.",
        "marking": "U",
    }
    data.update(overrides)
    return data


def record(by=None, marking: str = "U") -> Exercise:
    return services.exercise_record(
        actor=by or s.directorate(),
        kind="procedures",
        title="Rehearsal of the emergency meeting",
        held_on=committee_today() - timedelta(days=7),
        scenario="An acute warning arrives at night.",
        participants="Directorate; co-chairs.",
        results="The co-chairs were reached within the hour.",
        marking=marking,
    )


def test_the_directorate_records_an_exercise(client):
    boss = s.directorate()
    login(client, boss)
    assert client.get(url("exercise-new")).status_code == 200
    response = client.post(url("exercise-new"), exercise_data())
    exercise = Exercise.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("exercise-detail", exercise.pk)
    assert exercise.recorded_by == boss and exercise.plan is None
    listing = client.get(url("exercise-list"))
    assert has_testid(listing, f"exercise-{exercise.pk}") and has_testid(listing, "exercise-new")


def test_a_rehearsal_names_the_plan_it_rehearsed(client):
    boss = s.directorate()
    plan = make_plan(iso3="SDN")
    login(client, boss)
    missing = client.post(url("exercise-new"), exercise_data(kind="plan_rehearsal"))
    assert missing.status_code == 400
    assert "Choose the plan rehearsed." in text(missing)
    response = client.post(
        url("exercise-new"), exercise_data(kind="plan_rehearsal", plan=str(plan.pk))
    )
    assert response.status_code == 302
    assert Exercise.objects.get().plan == plan


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"held_on": (committee_today() + timedelta(days=3)).isoformat()},
            "Record an exercise once it has taken place.",
        ),
        ({"results": ""}, "This field is required."),
        ({"kind": "drill"}, "Select a valid choice."),
    ],
)
def test_bad_exercise_input_answers_400_and_records_nothing(client, overrides, message):
    response = login(client, s.directorate()).post(url("exercise-new"), exercise_data(**overrides))
    assert response.status_code == 400
    assert message in text(response)
    assert not Exercise.objects.exists()


def test_the_exercise_page_lists_its_reports_and_offers_a_commission(client):
    boss = s.directorate()
    exercise = record(by=boss)
    report = s.commission(by=boss, subject=Report.Subject.EXERCISE, exercise=exercise)
    login(client, boss)
    page = client.get(url("exercise-detail", exercise.pk))
    assert page.status_code == 200
    assert str(report) in section(page, "exercise-reports")
    assert has_testid(page, "commission-exercise")
    form = client.get(url("report-commission"), {"subject": "exercise", "exercise": exercise.pk})
    body = form.content.decode()
    assert f'<option value="{exercise.pk}" selected>' in body
    assert '<option value="exercise" selected>' in body


def test_co_chairs_read_exercises_but_record_and_commission_nothing(client):
    exercise = record()
    chair = UserFactory(role=A.CO_CHAIR)
    login(client, chair)
    listing = client.get(url("exercise-list"))
    assert listing.status_code == 200 and not has_testid(listing, "exercise-new")
    page = client.get(url("exercise-detail", exercise.pk))
    assert page.status_code == 200 and not has_testid(page, "commission-exercise")
    assert client.get(url("exercise-new")).status_code == 403


def test_an_exercise_above_clearance_is_hidden(client):
    exercise = record(marking="S")
    chair = UserFactory(role=A.CO_CHAIR, clearance="C")
    login(client, chair)
    assert not has_testid(client.get(url("exercise-list")), f"exercise-{exercise.pk}")
    assert client.get(url("exercise-detail", exercise.pk)).status_code == 404
