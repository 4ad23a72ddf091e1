"""The editor and playbook pages run the same number of queries with 1 row and with 25
(CONVENTIONS, "Query counts"): the options matrix (1 or 25 options), a section page (1 or 25
partners and red-team findings), the playbooks list (1 or 25 playbooks), a playbook (1 or 25
options) and the catalogue (2 or all 58 tools)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apc.core import roles
from apc.models import Agency
from plans.models import Playbook, PlaybookOption, Tool
from tests.factories import UserFactory
from tests.plans.support import (
    add_option,
    add_partner,
    directorate,
    ensure_plans_reference,
    group,
    make_plan,
    stage,
)

pytestmark = pytest.mark.django_db

GROUPS = ["decision_makers", "perpetrators", "victims", "third_parties"]
STAGES = ["latent", "emerging", "escalating", "acute"]
AGENCIES = ["state", "defense", "treasury", "usaid", "justice", "odni", "nsc"]


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200
    return len(ctx.captured_queries)


def same_for_one_and_many(client, one_url: str, many_url: str, assert_max) -> int:
    client.get(one_url)  # warm per-process caches (content types, sessions)
    one = count_queries(client, one_url)
    with assert_max(one):
        many = count_queries(client, many_url)
    assert one == many
    return one


def _tools(n: int) -> list[Tool]:
    return list(Tool.objects.order_by("source", "position")[:n])


def plan_with_options(lead, n: int):
    """A draft plan with `n` options: catalogue tools and custom measures, every lead agency."""
    plan = make_plan(owner=lead)
    tools = _tools(n)
    agencies = list(Agency.objects.filter(code__in=AGENCIES))
    for i in range(n):
        cell = {"target": GROUPS[i % 4], "at": STAGES[(i // 4) % 4]}
        lead_agency = agencies[i % len(agencies)]
        if i % 2:
            add_option(plan, **cell, measure=f"Measure {i}", stance="coercive",
                       lead_agency=lead_agency)  # fmt: skip
        else:
            add_option(plan, **cell, tool_name=tools[i].name, lead_agency=lead_agency)
    return plan


@pytest.mark.parametrize("role", [roles.DIRECTORATE, roles.CO_CHAIR])
def test_options_matrix(client, role, django_assert_max_num_queries):
    lead = directorate()
    one, many = plan_with_options(lead, 1), plan_with_options(lead, 25)
    for i in range(3):
        Playbook.objects.create(name=f"Playbook {i}", created_by=lead)
    client.force_login(lead if role == roles.DIRECTORATE else UserFactory(role=role))
    same_for_one_and_many(
        client,
        reverse("plans:plan-options", args=[one.pk]),
        reverse("plans:plan-options", args=[many.pk]),
        django_assert_max_num_queries,
    )


def plan_with_partners(lead, n: int):
    plan = make_plan(owner=lead)
    reviewer = UserFactory(role=roles.RED_TEAM)
    for i in range(n):
        add_partner(plan, f"Partner {i}", influence="neighbour" if i % 2 else "none")
        plan.findings.create(
            section_key="operations_plan", reviewer=reviewer, text=f"Finding {i}",
            response="Answered." if i % 2 else "", responded_by=lead if i % 2 else None,
        )  # fmt: skip
    return plan


@pytest.mark.parametrize("role", [roles.DIRECTORATE, roles.CO_CHAIR])
def test_section_page(client, role, django_assert_max_num_queries):
    lead = directorate()
    one, many = plan_with_partners(lead, 1), plan_with_partners(lead, 25)
    client.force_login(lead if role == roles.DIRECTORATE else UserFactory(role=role))
    same_for_one_and_many(
        client,
        reverse("plans:section-edit", args=[one.pk, "operations_plan"]),
        reverse("plans:section-edit", args=[many.pk, "operations_plan"]),
        django_assert_max_num_queries,
    )


def test_playbook_list(client, django_assert_max_num_queries):
    lead = directorate()
    ensure_plans_reference()
    client.force_login(lead)
    Playbook.objects.create(name="Only one", created_by=lead)
    url = reverse("plans:playbook-list")
    client.get(url)
    one = count_queries(client, url)
    for i in range(24):
        Playbook.objects.create(name=f"Playbook {i}", created_by=lead)
    with django_assert_max_num_queries(one):
        many = count_queries(client, url)
    assert one == many


def playbook_with(lead, n: int) -> Playbook:
    pb = Playbook.objects.create(name=f"Playbook of {n}", created_by=lead)
    tools = _tools(n)
    agencies = list(Agency.objects.filter(code__in=AGENCIES))
    for i in range(n):
        PlaybookOption.objects.create(
            playbook=pb, target_group=group(GROUPS[i % 4]), stage=stage(STAGES[(i // 4) % 4]),
            tool=tools[i], stance=tools[i].stance or "cooperative",
            lead_agency=agencies[i % len(agencies)],
        )  # fmt: skip
    return pb


@pytest.mark.parametrize("role", [roles.DIRECTORATE, roles.MEMBER])
def test_playbook_detail(client, role, django_assert_max_num_queries):
    ensure_plans_reference()
    lead = directorate()
    one, many = playbook_with(lead, 1), playbook_with(lead, 25)
    client.force_login(lead if role == roles.DIRECTORATE else UserFactory(role=role))
    same_for_one_and_many(
        client,
        reverse("plans:playbook-detail", args=[one.pk]),
        reverse("plans:playbook-detail", args=[many.pk]),
        django_assert_max_num_queries,
    )


def test_catalogue(client, django_assert_max_num_queries):
    ensure_plans_reference()
    client.force_login(UserFactory(role=roles.MEMBER))
    url = reverse("plans:catalogue")
    client.get(url)
    many = count_queries(client, url)
    # one tool of each table left
    keep = [
        Tool.objects.filter(source=s).order_by("position").first().pk
        for s in Tool.objects.values_list("source", flat=True).distinct()
    ]
    Tool.objects.exclude(pk__in=keep).delete()
    with django_assert_max_num_queries(many):
        few = count_queries(client, url)
    assert few == many
