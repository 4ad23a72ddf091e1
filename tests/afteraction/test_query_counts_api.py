"""The after-action API's list endpoints run the same number of queries for 1 row and for 25
(CONVENTIONS, "Query counts"): reports (listed and searched) and lessons (searched, faceted,
filtered)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apc.core import roles
from apc.models import Agency
from tests.afteraction import support as s
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

COUNTRIES = ("KEN", "SYR", "CAF", "COD", "SDN")


def count_queries(client, url: str, rows: int) -> int:
    client.get(url)  # warm the per-process caches (content types, guardian's permission ids)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200, response.content[:300]
    assert response.json()["count"] == rows
    return len(ctx.captured_queries)


def _reports(n: int, countries: tuple[str, ...] = COUNTRIES) -> None:
    for i in range(n):
        s.published_report(
            iso3=countries[i % len(countries)],
            title=f"The crisis {i}",
            lessons=[{"statement": f"Mediation lesson {i}."}],
        )


def _lessons(n: int, countries: tuple[str, ...] = COUNTRIES) -> None:
    """One published report with `n` lessons, each tagged differently."""
    writer = s.author()
    report = s.commission(authors=[writer], iso3="KEN", title=f"Report of {n}")
    s.write(report, writer)
    tools = [s.tool(name).pk for name in ("Mediation", "Arms Embargoes", "Naming and Shaming")]
    strategies = [s.strategy(key).pk for key in ("dissuade", "degrade", "protect")]
    groups = [s.group(key).pk for key in ("decision_makers", "perpetrators", "victims")]
    state = Agency.objects.get(code="state").pk
    for i in range(n):
        s.lesson(
            report,
            writer,
            f"Mediation lesson {i} ended the violence.",
            countries=[countries[i % len(countries)]],
            tools=tools[: i % 3 + 1],
            strategies=[strategies[i % 3]],
            target_groups=groups[: i % 3 + 1],
            stages=[s.stage("acute").pk],
            agencies=[state],
        )
    s.publish(report, writer)


def _in_kenya(make):
    return lambda n: make(n, ("KEN",))


REPORTS, LESSONS = "/api/v1/afteraction/reports/", "/api/v1/lessons/"
# (url, the builder, role)
CASES = [
    (REPORTS, _reports, roles.MEMBER),
    (f"{REPORTS}?include_superseded=1&country=KEN", _in_kenya(_reports), roles.DIRECTORATE),
    (f"{REPORTS}?q=crisis", _reports, roles.CO_CHAIR),
    (LESSONS, _lessons, roles.ANALYST),
    (f"{LESSONS}?q=mediation", _lessons, roles.MEMBER),
    (f"{LESSONS}?q=violence&country=KEN&outcome=worked", _in_kenya(_lessons), roles.RED_TEAM),
]


@pytest.mark.parametrize(("url", "make", "role"), CASES)
def test_the_lists_run_a_constant_number_of_queries(client, url, make, role):
    client.force_login(UserFactory(role=role))
    make(1)
    one = count_queries(client, url, 1)
    make(24)
    many = count_queries(client, url, 25)
    assert one == many
    assert one <= 28
