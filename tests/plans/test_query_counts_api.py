"""The plans API's list endpoints run the same number of queries for 1 row and for 25
(CONVENTIONS, "Query counts"): plans, tools, strategies, target groups, playbooks."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apc.core import roles
from plans.models import Measure, Playbook, Strategy, TargetGroup, Tool
from tests.factories import UserFactory
from tests.plans.matrix_api import playbook
from tests.plans.support import ensure_plans_reference, make_plan
from watchlist.models import Country

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reference():
    ensure_plans_reference()


def count_queries(client, url: str, rows: int) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200, response.content[:300]
    assert response.json()["count"] == rows
    return len(ctx.captured_queries)


def _plans(n: int) -> None:
    owner = UserFactory(role=roles.DIRECTORATE)
    taken = set(Country.objects.filter(plans__isnull=False).values_list("iso3", flat=True))
    free = Country.objects.exclude(iso3__in=taken).order_by("iso3").values_list("iso3", flat=True)
    for i, iso3 in enumerate(list(free[:n])):
        make_plan("response" if i % 2 else "prevention", owner=owner, iso3=iso3)


def _tools(n: int) -> None:
    strategies = list(Strategy.objects.all())
    for i in range(Tool.objects.count(), Tool.objects.count() + n):
        tool = Tool.objects.create(name=f"Tool {i}", source="Test", position=i)
        tool.strategies.set(strategies[: i % 3 + 1])


def _strategies(n: int) -> None:
    tools = list(Tool.objects.all()[:3])
    for i in range(n):
        s = Strategy.objects.create(
            key=f"s{Strategy.objects.count()}",
            name=f"Strategy {i}",
            assumptions="An assumption.",
            mechanisms=["A mechanism."],
            source="Test",
            position=100 + Strategy.objects.count(),
        )
        s.tools.set(tools[: i % 3 + 1])


def _groups(n: int) -> None:
    for i in range(n):
        g = TargetGroup.objects.create(
            key=f"g{TargetGroup.objects.count()}",
            name=f"Group {i}",
            label="Group",
            description="Who.",
            purpose="Why.",
            source="Test",
            position=100 + TargetGroup.objects.count(),
        )
        Measure.objects.bulk_create(Measure(group=g, text=f"M{j}", position=j) for j in range(3))


def _playbooks(n: int) -> None:
    for _ in range(n):
        playbook()


# (url, the builder, the model whose rows the reference data loaded, role)
CASES = [
    ("/api/v1/plans/", _plans, None, roles.CO_CHAIR),
    ("/api/v1/plans/?order=risk", _plans, None, roles.DIRECTORATE),
    ("/api/v1/tools/", _tools, Tool, roles.API_CLIENT),
    ("/api/v1/strategies/", _strategies, Strategy, roles.MEMBER),
    ("/api/v1/target-groups/", _groups, TargetGroup, roles.ANALYST),
    ("/api/v1/playbooks/", _playbooks, Playbook, roles.RED_TEAM),
]


@pytest.mark.parametrize(("url", "make", "model", "role"), CASES)
def test_the_lists_run_a_constant_number_of_queries(client, url, make, model, role):
    if model is not None:  # start from 1 row: the reference tables come loaded
        model.objects.all().delete()
    client.force_login(UserFactory(role=role))
    make(1)
    one = count_queries(client, url, 1)
    make(24)
    many = count_queries(client, url, 25)
    assert one == many
    assert one <= 12
