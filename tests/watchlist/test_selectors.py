"""Watchlist reads: filtered by the policy and clearance, annotated with the latest risk score,
tier counts over time replayed from history, agenda flags."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import timezone

from apc.core import roles
from apc.core.markings import Marking
from tests.factories import IndicatorFactory, RiskVintageFactory, UserFactory, country
from watchlist import selectors, services
from watchlist.models import Country, RiskScore, Tier

pytestmark = pytest.mark.django_db


def list_country(iso3, tier, **fields):
    c = country(iso3)
    Country.objects.filter(pk=iso3).update(tier=tier, **fields)
    c.refresh_from_db()
    return c


@pytest.mark.parametrize("role", roles.ALL)
def test_who_sees_the_watchlist(role):
    list_country("SDN", Tier.MODERATE)
    user = UserFactory(role=role)
    seen = selectors.watchlist_for(user).filter(pk="SDN").exists()
    assert seen is (role != roles.AUDITOR)


def test_marked_countries_are_hidden_above_clearance():
    list_country("SDN", Tier.MODERATE, marking=Marking.S)
    list_country("MMR", Tier.MODERATE)
    low = UserFactory(role=roles.MEMBER, clearance=Marking.C)
    assert list(selectors.watchlist_for(low).values_list("iso3", flat=True)) == ["MMR"]
    high = UserFactory(role=roles.MEMBER, clearance=Marking.S)
    assert set(selectors.watchlist_for(high).values_list("iso3", flat=True)) == {"SDN", "MMR"}


def test_latest_vintage_score_is_annotated_and_ordering_by_priority():
    sdn = list_country("SDN", Tier.HIGH_RISING, priority=333)
    list_country("MMR", Tier.MODERATE, priority=233)
    old = RiskVintageFactory(vintage=date(2024, 12, 1))
    new = RiskVintageFactory(vintage=date(2025, 12, 1))
    RiskScore.objects.create(vintage=old, country=sdn, value=Decimal("0.1"), rank=9)
    RiskScore.objects.create(vintage=new, country=sdn, value=Decimal("0.25"), rank=2)
    rows = list(selectors.watchlist_for(UserFactory(role=roles.MEMBER)))
    assert [c.iso3 for c in rows] == ["SDN", "MMR"]
    assert rows[0].risk_score == Decimal("0.25") and rows[0].risk_rank == 2
    assert rows[0].risk_vintage == date(2025, 12, 1)
    assert rows[1].risk_score is None


def test_scores_for_is_the_trend_oldest_first():
    sdn = country("SDN")
    for year, value in ((2023, "0.1"), (2025, "0.3"), (2024, "0.2")):
        RiskScore.objects.create(
            vintage=RiskVintageFactory(vintage=date(year, 12, 1)),
            country=sdn,
            value=Decimal(value),
            rank=1,
        )
    values = [s.value for s in selectors.scores_for(UserFactory(role=roles.MEMBER), sdn)]
    assert values == [Decimal("0.1"), Decimal("0.2"), Decimal("0.3")]


def test_tier_counts_over_time_replays_history():
    chair = UserFactory(role=roles.CO_CHAIR)
    services.tier_change(
        country=country("SDN"),
        to_tier=Tier.MONITORED,
        rationale="a",
        actor=chair,
        effective=date(2026, 3, 10),
    )
    services.tier_change(
        country=country("SDN"),
        to_tier=Tier.MODERATE,
        rationale="b",
        actor=chair,
        effective=date(2026, 6, 2),
    )
    services.tier_change(
        country=country("COD"),
        to_tier=Tier.MONITORED,
        rationale="c",
        actor=chair,
        effective=date(2026, 6, 20),
    )
    series = {row["month"]: row for row in selectors.tier_counts_over_time(chair, months=12)}
    assert series["2026-02"]["monitored"] == 0
    assert series["2026-03"]["monitored"] == 1
    assert series["2026-06"] == {
        "month": "2026-06",
        "monitored": 1,
        "moderate": 1,
        "high_rising": 0,
    }
    assert list(series)[-1] == timezone.localdate().strftime("%Y-%m")


@override_settings(WATCHLIST_FLAG_TOP_N=2)
def test_flags_scored_but_unlisted_and_listed_but_unscored():
    vintage = RiskVintageFactory()
    for rank, iso3 in enumerate(["SDN", "MMR", "COD"], start=1):
        RiskScore.objects.create(
            vintage=vintage, country=country(iso3), value=Decimal("0.2"), rank=rank
        )
    list_country("SDN", Tier.MODERATE)
    list_country("HTI", Tier.MONITORED)
    flags = selectors.flags_for(UserFactory(role=roles.MEMBER))
    assert [c.iso3 for c in flags["scored_unlisted"]] == ["MMR"]  # COD is below the top 2
    assert [c.iso3 for c in flags["listed_unscored"]] == ["HTI"]


def test_observations_above_clearance_are_invisible():
    staff = UserFactory(role=roles.DIRECTORATE, clearance=Marking.S)
    monitored = services.indicator_monitor(
        actor=staff, country=country("SDN"), indicator=IndicatorFactory()
    )
    services.observation_record(
        actor=staff, monitored=monitored, observed_on=date(2026, 1, 1), level=1
    )
    services.observation_record(
        actor=staff, monitored=monitored, observed_on=date(2026, 2, 1), level=4, marking=Marking.S
    )
    reader = UserFactory(role=roles.MEMBER, clearance=Marking.CUI)
    (row,) = selectors.indicators_for(reader, country("SDN"))
    assert [o.level for o in row.visible_observations] == [1]
    (row,) = selectors.indicators_for(staff, country("SDN"))
    assert [o.level for o in row.visible_observations] == [4, 1]


def test_watchlist_query_is_constant(django_assert_num_queries):
    user = UserFactory(role=roles.MEMBER)
    RiskVintageFactory()
    user.roles  # noqa: B018
    for iso3 in ["SDN", "MMR", "COD", "SSD", "CAF"]:
        list_country(iso3, Tier.MODERATE)
    with django_assert_num_queries(2):  # the latest vintage, then the list
        assert len(list(selectors.watchlist_for(user))) == 5


@pytest.mark.parametrize("clearance", [Marking.CUI, Marking.S])
def test_records_about_a_marked_country_share_its_protection(clearance):
    """History, proposals, tasks, scores and observations of a SECRET country stay hidden from
    readers below SECRET, even though those rows carry no marking of their own."""
    from apc.core.permissions import can
    from watchlist.models import PlanTask, TierChange, TierProposal

    chair = UserFactory(role=roles.CO_CHAIR, clearance=Marking.S)
    staff = UserFactory(role=roles.DIRECTORATE, clearance=Marking.S)
    sdn = country("SDN")
    Country.objects.filter(pk="SDN").update(marking=Marking.S)
    sdn.refresh_from_db()
    services.tier_change(country=sdn, to_tier=Tier.MODERATE, rationale="r", actor=chair)
    services.tier_propose(country=sdn, to_tier=Tier.MONITORED, rationale="p", actor=staff)
    RiskScore.objects.create(
        vintage=RiskVintageFactory(), country=sdn, value=Decimal("0.2"), rank=1
    )
    monitored = services.indicator_monitor(actor=staff, country=sdn, indicator=IndicatorFactory())
    services.observation_record(
        actor=staff, monitored=monitored, observed_on=date(2026, 1, 1), level=1
    )
    reader = UserFactory(role=roles.CO_CHAIR, clearance=clearance)
    cleared = clearance == Marking.S
    assert selectors.history_for(reader, sdn).exists() is cleared
    assert selectors.proposals_for(reader).exists() is cleared
    assert selectors.plan_tasks_for(reader, sdn).exists() is cleared
    assert selectors.scores_for(reader, sdn).exists() is cleared
    assert selectors.indicators_for(reader, sdn).exists() is cleared
    assert can(reader, "view", TierChange.objects.get()) is cleared
    assert can(reader, "view", TierProposal.objects.get()) is cleared
    assert can(reader, "view", PlanTask.objects.get()) is cleared
