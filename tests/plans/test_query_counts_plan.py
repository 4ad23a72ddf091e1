"""The plan pages run the same number of queries with 1 row and with 25 (CONVENTIONS, "Query
counts"): the plans list (1 or 25 plans, read by role and by grant), the overview (1 or 25
options, partners, findings, events with their versions, rehearsals, team members and
reviewers) and the version list (1 or 25 versions)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from guardian.shortcuts import assign_perm

from apc.core import roles
from plans import services
from plans.models import Plan, PlanEvent, PlanSection, PlanVersion, RedTeamFinding, Rehearsal
from tests.factories import RiskVintageFactory, UserFactory
from tests.plans.support import (
    add_option,
    add_partner,
    directorate,
    ensure_plans_reference,
    set_tier,
)
from watchlist.models import Country, RiskScore

pytestmark = pytest.mark.django_db

TARGETS = ("decision_makers", "perpetrators", "victims", "third_parties")
STAGES = ("latent", "emerging", "escalating", "acute")
KEYS = ("target_assessment", "atrocities_estimate", "policy_options", "operations_plan")


@pytest.fixture(autouse=True)
def _reference_data():
    ensure_plans_reference()


@pytest.fixture
def lead():
    return directorate(is_directorate_lead=True)


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


def countries(n: int, skip: int = 0) -> list[Country]:
    return list(Country.objects.order_by("iso3")[skip : skip + n])


def open_plans(lead, n: int, skip: int = 0, *, share_with=None) -> list[Plan]:
    """`n` response plans in as many countries, each with a risk score."""
    vintage = RiskVintageFactory()
    plans = []
    for i, c in enumerate(countries(n, skip)):
        set_tier(c, "high_rising")
        RiskScore.objects.create(vintage=vintage, country=c, value="0.05", rank=skip + i + 1)
        plan = services.plan_create(actor=lead, country=c, kind="response")
        if share_with is not None:
            assign_perm("view_plan", share_with, plan)
        plans.append(plan)
    return plans


@pytest.mark.parametrize("reader", ["directorate", "granted member"])
@pytest.mark.parametrize("order", ["priority", "risk", "tier"])
def test_plan_list(client, lead, reader, order, django_assert_max_num_queries):
    user = lead if reader == "directorate" else UserFactory(role=roles.MEMBER)
    share = None if reader == "directorate" else user
    client.force_login(user)
    url = reverse("plans:plan-list") + f"?order={order}&status=draft"
    open_plans(lead, 1, share_with=share)
    client.get(url)
    one = count_queries(client, url)
    open_plans(lead, 24, skip=1, share_with=share)
    with django_assert_max_num_queries(one):
        many = count_queries(client, url)
    assert one == many
    assert len(client.get(url).context["plans"]) == 25


def plan_with(lead, n: int, skip: int) -> Plan:
    """A plan in red-team review with `n` options, partners, findings (answered and not),
    events (each with a version), rehearsals, team members and reviewers."""
    plan = open_plans(lead, 1, skip=skip)[0]
    PlanSection.objects.filter(plan=plan).update(status=PlanSection.Status.COMPLETE)
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.RED_TEAM)
    plan.refresh_from_db()
    for i in range(n):
        add_option(
            plan,
            target=TARGETS[i % 4],
            at=STAGES[i % 4],
            measure=f"Measure {i}",
            stance="coercive" if i % 2 else "cooperative",
            enforcer="Defense" if i % 3 else "",
        )
        add_partner(plan, f"Partner {i}", influence="neighbour" if i % 2 else "none")
        RedTeamFinding.objects.create(
            plan=plan,
            section_key=KEYS[i % 4],
            reviewer=lead,
            text=f"Finding {i}",
            response="Answered." if i % 2 else "",
            responded_by=lead if i % 2 else None,
        )
        version = PlanVersion.objects.create(
            plan=plan,
            number=i + 1,
            status="submitted_deputies",
            snapshot=services.snapshot(plan),
            created_by=lead,
        )
        PlanEvent.objects.create(
            plan=plan,
            action="submit_deputies" if i % 2 else "return_deputies",
            from_status="red_team_review",
            to_status="submitted_deputies",
            actor=UserFactory(role=roles.DEPUTIES),
            comment=f"Step {i}",
            version=version if i % 2 else None,
        )
        Rehearsal.objects.create(
            plan=plan,
            kind="tabletop",
            held_on=date(2025, 1, 1) + timedelta(days=i),
            participants="State, Defense",
            results=f"Result {i}",
            recorded_by=lead,
        )
        assign_perm("draft_plan", UserFactory(role=roles.MEMBER), plan)
        assign_perm("review_plan", UserFactory(role=roles.RED_TEAM), plan)
    return plan


@pytest.mark.parametrize("reader", ["lead", "co_chair", "reviewer"])
def test_plan_detail(client, lead, reader, django_assert_max_num_queries):
    one, many = plan_with(lead, 1, skip=0), plan_with(lead, 25, skip=1)
    if reader == "lead":
        user = lead
    elif reader == "co_chair":
        user = UserFactory(role=roles.CO_CHAIR)
    else:
        user = UserFactory(role=roles.RED_TEAM)
        for plan in (one, many):
            services.reviewer_assign(actor=lead, plan=plan, reviewer=user)
    client.force_login(user)
    queries = same_for_one_and_many(
        client,
        reverse("plans:plan-detail", args=[one.pk]),
        reverse("plans:plan-detail", args=[many.pk]),
        django_assert_max_num_queries,
    )
    body = client.get(reverse("plans:plan-detail", args=[many.pk])).content.decode()
    assert "Finding 24" in body
    assert "Step 24" in body
    assert "Result 24" in body
    assert queries <= 45


def test_version_list(client, lead, django_assert_max_num_queries):
    one, many = plan_with(lead, 1, skip=0), plan_with(lead, 25, skip=1)
    client.force_login(lead)
    same_for_one_and_many(
        client,
        reverse("plans:version-list", args=[one.pk]),
        reverse("plans:version-list", args=[many.pk]),
        django_assert_max_num_queries,
    )
