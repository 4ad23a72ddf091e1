"""The admin of the after-action repository (afteraction/admin.py): every record is shown to
administrators, and none is written there: reports (published or not), lessons, links, the
life-cycle history, exercises and the plans' "considered" marks change only through the
services, which check the policy and audit; a published report never changes at all.

Source: issue 7, "A published report never changes and is never deleted, by anyone, through any
path (UI, API, admin ...)"; CONVENTIONS.md, "Meta tests: every model has an admin entry".
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import RequestFactory

from afteraction import services
from afteraction.models import Exercise, LessonConsideration, Report
from apc.meetings.dates import committee_today
from apc.models import AuditEvent
from tests.afteraction import support as s
from tests.factories import UserFactory
from tests.plans.support import make_plan

pytestmark = pytest.mark.django_db
MODELS = list(apps.get_app_config("afteraction").get_models())


@pytest.fixture
def superuser():
    return UserFactory(is_superuser=True, is_staff=True)


@pytest.fixture
def records():
    """One of every kind: a published report (lesson, link, events), a draft, an exercise and a
    lesson considered on a plan."""
    writer = s.author(role="directorate")
    plan = make_plan(iso3="SDN")
    published = s.commission(authors=[writer], iso3="SDN", title="Published report")
    s.write(published, writer)
    s.lesson(published, writer, "Mediation worked.", countries=["SDN"])
    services.link_add(actor=writer, report=published, kind="plan", record=plan)
    published = s.publish(published, writer)
    draft = s.commission(authors=[writer], title="Draft report")
    s.lesson(draft, writer, "Draft lesson.")
    exercise = services.exercise_record(
        actor=s.directorate(), kind=Exercise.Kind.PROCEDURES, title="Tabletop",
        held_on=committee_today() - timedelta(days=1), scenario="S.", participants="P.",
        results="R.",
    )  # fmt: skip
    services.lesson_consider(
        actor=plan.owner, plan=plan, lesson=published.lessons.get(), note="Seen."
    )
    return {"published": published, "draft": draft, "exercise": exercise}


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_model_is_in_the_admin_read_only_with_no_actions(model, superuser):
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/admin/")
    request.user = superuser
    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert model_admin.get_actions(request) == {}
    assert model.__doc__ and model.__str__ is not object.__str__


def test_administrators_see_every_record_and_change_none(client, superuser, records):
    client.force_login(superuser)
    audit_before = AuditEvent.objects.filter(action__startswith="admin.").count()
    for model in MODELS:
        name = model._meta.model_name
        listing = client.get(f"/admin/afteraction/{name}/")
        assert listing.status_code == 200, name
        assert client.get(f"/admin/afteraction/{name}/add/").status_code == 403, name
        for obj in model.objects.all():
            base = f"/admin/afteraction/{name}/{obj.pk}"
            page = client.get(f"{base}/change/")
            assert page.status_code == 200, (name, obj.pk)
            assert b'name="_save"' not in page.content and b"deletelink" not in page.content
            assert client.post(f"{base}/change/", {}).status_code == 403, (name, obj.pk)
            assert client.post(f"{base}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(action__startswith="admin.").count() == audit_before
    assert Report.objects.count() == 2 and LessonConsideration.objects.count() == 1
    draft = Report.objects.get(title="Draft report")
    assert draft.status == Report.Status.COMMISSIONED and draft.version == 1


def test_the_report_list_searches_and_filters(client, superuser, records):
    client.force_login(superuser)
    found = client.get("/admin/afteraction/report/", {"q": "Published"})
    assert found.status_code == 200
    assert b"Published report" in found.content and b"Draft report" not in found.content
    by_status = client.get("/admin/afteraction/report/", {"status__exact": "commissioned"})
    assert b"Draft report" in by_status.content and b"Published report" not in by_status.content
    lessons = client.get("/admin/afteraction/lesson/", {"q": "Mediation"})
    assert b"Mediation worked." in lessons.content and b"Draft lesson." not in lessons.content
    detail = client.get(f"/admin/afteraction/report/{records['published'].pk}/change/")
    assert b"Mediation worked." in detail.content  # the lessons inline


def test_people_who_are_not_superusers_are_kept_out(client, records):
    client.force_login(UserFactory(role="directorate", is_staff=True))
    response = client.get("/admin/afteraction/report/")
    assert response.status_code == 302 and "/login/" in response["Location"]
